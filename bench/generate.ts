/**
 * A deterministic large mesh for benchmarks, as TypeScript constructs and as the equivalent
 * intent bundle (both synthesize to the same bytes). Per 20 services: 14 HTTP (with an access
 * rule for one client), 4 TCP, 2 GRPC; one TCP service in 20 is headless with 3 instances;
 * traffic policies on some. Each service has `clientsPerService` clients in other clusters.
 */
import { App } from 'cdk8s';
import { InboundService, InboundServiceProps, LoadBalancer, Mesh, ServiceAccessPolicy, ServiceClient } from '../src';

export interface BenchMeshSpec {
  readonly services: number;
  readonly clusters: number;
  readonly clientsPerService: number;
}

type Kind = 'http' | 'tcp' | 'grpc' | 'headless';

/** What every service looks like, decided once for both front ends. */
interface ServicePlan {
  readonly name: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly kind: Kind;
  readonly port: number;
  readonly leastRequest: boolean;
  readonly outlier: boolean;
  readonly pool: boolean;
  readonly clients: ReadonlyArray<{ name: string; cluster: string; namespace: string }>;
}

function kindOf(i: number): Kind {
  const r = i % 20;
  if (r < 14) return 'http';
  if (r === 14) return 'headless';
  return r < 18 ? 'tcp' : 'grpc';
}

export function planBenchMesh(spec: BenchMeshSpec): ServicePlan[] {
  return Array.from({ length: spec.services }, (_, i) => {
    const home = i % spec.clusters;
    return {
      name: `svc-${i}`,
      namespace: `team-${i % 10}`,
      cluster: `c${home}`,
      kind: kindOf(i),
      port: 8000 + (i % 50),
      leastRequest: i % 3 === 0,
      outlier: i % 4 === 0,
      pool: i % 5 === 0,
      clients: Array.from({ length: spec.clientsPerService }, (_, j) => ({
        name: `cli-${i}-${j}`,
        cluster: `c${(home + 1 + j * 3) % spec.clusters}`,
        namespace: `app-${(i + j) % 8}`,
      })),
    };
  });
}

const PROTOCOL: Record<Kind, string> = { http: 'HTTP', tcp: 'TCP', grpc: 'GRPC', headless: 'TCP' };

function clusterProps(n: number) {
  return Array.from({ length: n }, (_, k) => ({ name: `c${k}`, network: `net${k % 4}`, eastWestGateway: { address: `192.0.2.${k + 1}` } }));
}

/** The mesh through the TypeScript API. */
export function defineBenchMesh(app: App, spec: BenchMeshSpec): Mesh {
  const mesh = new Mesh(app, 'bench', { name: 'bench', clusters: clusterProps(spec.clusters) });
  for (const s of planBenchMesh(spec)) {
    const props: InboundServiceProps = {
      name: s.name, serviceName: s.name, namespace: s.namespace, application: s.name, protocol: PROTOCOL[s.kind], port: s.port, targetPort: s.port + 1000,
      headless: s.kind === 'headless' ? true : undefined, instances: s.kind === 'headless' ? 3 : undefined,
      serviceAccount: s.kind === 'headless' ? s.name : undefined,
      trafficPolicy: {
        loadBalancer: s.leastRequest ? LoadBalancer.leastRequest() : undefined,
        connectionPool: s.pool ? { maxConnections: 100 } : undefined,
        outlierDetection: s.outlier ? { consecutive5xxErrors: 5, interval: '10s' } : undefined,
      },
    };
    const service = new InboundService(mesh.cluster(s.cluster), s.name, props);
    s.clients.forEach((c, j) => {
      const client = new ServiceClient(mesh.cluster(c.cluster), c.name, { name: c.name, serviceName: c.name, namespace: c.namespace });
      if (s.kind === 'http' && j === 0) new ServiceAccessPolicy(service, `${c.name}-access`, { client, rules: [{ methods: ['GET'], paths: ['/api/*'] }] });
      else client.connectTo(service);
    });
  }
  return mesh;
}

/** The same mesh as an intent bundle (a plain object, written as YAML or JSON). */
export function benchBundle(spec: BenchMeshSpec): Record<string, unknown> {
  const plans = planBenchMesh(spec);
  const placement: Record<string, string[]> = {};
  for (const s of plans) {
    placement[s.name] = [s.cluster];
    for (const c of s.clients) placement[c.name] = [c.cluster];
  }
  return {
    logicalCloud: { name: 'bench', clusters: clusterProps(spec.clusters) },
    placement,
    inboundServices: plans.map((s) => ({
      metadata: { name: s.name },
      spec: {
        application: s.name, servicename: s.name, namespace: s.namespace, protocol: PROTOCOL[s.kind], port: s.port, targetPort: s.port + 1000,
        ...(s.kind === 'headless' ? { headless: 'true', instances: 3, serviceAccount: s.name } : {}),
        ...(s.leastRequest ? { loadBalancing: { mode: 'LEAST_REQUEST' } } : {}),
        ...(s.pool ? { maxConnections: 100 } : {}),
        ...(s.outlier ? { consecutive5xxErrors: 5, intervalSweep: '10s' } : {}),
      },
    })),
    clients: plans.flatMap((s) => s.clients.map((c) => ({
      inboundService: s.name,
      metadata: { name: c.name, application: c.name },
      spec: { clientServiceName: c.name, namespace: c.namespace },
    }))),
    securityIntents: plans.filter((s) => s.kind === 'http').map((s) => ({
      inboundService: s.name,
      client: s.clients[0].name,
      metadata: { name: `${s.clients[0].name}-access` },
      spec: { serviceAccountAccess: { [`cluster.local/ns/${s.clients[0].namespace}/sa/${s.clients[0].name}`]: [{ GET: '/api/*' }] } },
    })),
  };
}
