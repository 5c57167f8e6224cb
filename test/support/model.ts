/**
 * Plain mesh models for the pure planner's unit tests: no cdk8s app, no constructs. Each
 * builder fills in what a test does not care about.
 */
import { App, Chart } from 'cdk8s';
import type { ClientModel, MeshModel, ServiceModel } from '../../src/model';
import type { PlannedObject } from '../../src/plan';
import { materialize } from '../../src/render/materialize';
import { formatViolation, validateManifests } from '../../src/validation/manifest-validator';
import type { ClusterTopology } from '../../src/topology';

export function cluster(name: string, overrides: Partial<ClusterTopology> & { address?: string } = {}): ClusterTopology {
  const { address, ...rest } = overrides;
  return {
    name,
    network: name,
    rootNamespace: 'istio-system',
    eastWest: { address: address ?? `192.0.2.${name.length}`, port: 15443, meshTlsPort: 15444, selector: { istio: 'eastwestgateway' }, namespace: 'istio-system' },
    ingress: { selector: { istio: 'ingressgateway' }, namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account' },
    ...rest,
  };
}

export function client(name: string, clusters: string[], overrides: Partial<ClientModel> = {}): ClientModel {
  return { path: `mesh/${clusters[0]}/${name}`, name, namespace: 'default', serviceAccount: name, clusters, headless: false, ...overrides };
}

export function service(name: string, clusters: string[], overrides: Partial<ServiceModel> = {}): ServiceModel {
  const namespace = overrides.namespace ?? 'default';
  return {
    path: `mesh/${clusters[0]}/${name}`,
    name,
    serviceName: name,
    namespace,
    fqdn: `${name}.${namespace}.svc.cluster.local`,
    clusters,
    ports: [{ name: 'http-8000', number: 8000, targetPort: 8080, protocol: 'HTTP' }],
    sidecar: true,
    instances: 0,
    workloadLabels: { app: name },
    labels: {},
    annotations: {},
    trafficPolicy: {},
    allowedNamespaces: [],
    dryRun: false,
    clients: [],
    accessPolicies: [],
    ...overrides,
  };
}

export function mesh(clusters: readonly ClusterTopology[], services: readonly ServiceModel[], overrides: Partial<MeshModel> = {}): MeshModel {
  return { name: 'lc1', trustDomain: 'cluster.local', discovery: 'federated', vipRange: '240.240.0.0/16', clusters, services, ...overrides };
}

/**
 * The planned objects rendered as cdk8s would write them, each checked against the Istio
 * schemas and CEL rules: planner tests never look at objects Istio would reject.
 */
export function renderPlanned(objects: readonly PlannedObject[]): any[] {
  const app = new App();
  const charts = new Map<string, Chart>();
  const rendered = objects.map((o) => {
    const chart = charts.get(o.cluster) ?? new Chart(app, o.cluster);
    charts.set(o.cluster, chart);
    return materialize(chart, o).toJson();
  });
  expect(validateManifests(rendered).map(formatViolation)).toEqual([]);
  return rendered;
}
