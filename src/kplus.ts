/**
 * Reading cdk8s-plus objects (structurally, so cdk8s-plus stays optional): a Service's ports
 * and selector for `InboundService.fromKplusService`, a workload's identity for
 * `ServiceClient.fromKplus`. Every way such an object can silently misplace a policy is a
 * problem here, with the fix in the message.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { clustersOfChart } from './chart-placement';
import { MeshCluster } from './mesh';
import { Protocol } from './model';
import type { ProtocolInput, ServicePortProps } from './service-props';

/** A problem found while reading a cdk8s-plus object: `field: value message`. */
export interface KplusProblem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** A port of a rendered Kubernetes Service. */
interface KubePort {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly name?: string;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

/** What a Service says about itself: name, namespace, selector, ports (as their protocols read). */
export interface KplusServiceReading {
  readonly chart?: Chart;
  readonly namespace?: string;
  readonly selector?: Record<string, string>;
  readonly ports: ServicePortProps[];
  readonly problems: KplusProblem[];
}

/** The rendered manifest of a construct that should be a Service, or why it is not one. */
/** The parts of a rendered Service this module reads. */
interface ServiceJson {
  readonly metadata?: { readonly namespace?: string };
  readonly spec?: { readonly ports?: KubePort[]; readonly selector?: Record<string, string> };
}

function serviceManifest(service: IConstruct): { manifest?: ServiceJson; problem?: KplusProblem } {
  let obj: ApiObject;
  try {
    obj = ApiObject.of(service);
  } catch {
    const message = 'is not a cdk8s-plus Service (pass what deployment.exposeViaService() returns)';
    return { problem: { field: 'service', value: service?.node?.path ?? service, message } };
  }
  if (obj.kind !== 'Service') {
    const message = `is a ${obj.kind}, not a Service (pass the Service: deployment.exposeViaService() returns one)`;
    return { problem: { field: 'service', value: service.node.path, message } };
  }
  return { manifest: obj.toJson() };
}

export function readKplusService(service: IConstruct, protocol: ProtocolInput | undefined): KplusServiceReading {
  const { manifest, problem } = serviceManifest(service);
  if (!manifest) return { ports: [], problems: [problem!] };
  const problems: KplusProblem[] = [];
  const given: KubePort[] = manifest.spec?.ports ?? [];
  const ports = given.map((p, i) => readPort(p, i, protocol, problems));
  const selector = manifest.spec?.selector && Object.keys(manifest.spec.selector).length > 0 ? manifest.spec.selector : undefined;
  return { chart: Chart.of(service), namespace: manifest.metadata?.namespace, selector, ports, problems };
}

/**
 * The protocol Istio reads for a Kubernetes Service port: UDP is not proxied; otherwise the
 * appProtocol if set, else the port name's prefix (`https` is TLS to the mesh). Mirrors
 * `ConvertProtocol` in istio/istio 1.30.3 pkg/config/kube/conversion.go:48-95 and
 * `protocol.Parse` / `IsTLS` in pkg/config/protocol/instance.go:68-99,137-144.
 */
export function kubernetesPortProtocol(name: string | undefined, appProtocol: string | undefined): Protocol | undefined {
  const special: Record<string, Protocol> = { 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'TLS' };
  const source = appProtocol ?? name;
  if (source === undefined) return undefined;
  if (appProtocol !== undefined && special[appProtocol]) return special[appProtocol];
  const prefix = source.split('-')[0].toLowerCase();
  const known: Record<string, Protocol> = { http: 'HTTP', http2: 'HTTP2', grpc: 'GRPC', tcp: 'TCP', tls: 'TLS', https: 'TLS' };
  return source.toLowerCase().startsWith('grpc-web') ? undefined : known[prefix];
}

function readPort(p: KubePort, i: number, protocol: ProtocolInput | undefined, problems: KplusProblem[]): ServicePortProps {
  const at = `ports[${i}]`;
  if (p.protocol === 'UDP' || p.protocol === 'SCTP') {
    const message = `is not proxied by Istio (port ${p.port}); only TCP-based ports can be mesh services`;
    problems.push({ field: `${at}.protocol`, value: p.protocol, message });
  }
  const read = kubernetesPortProtocol(p.name, p.appProtocol);
  if (read && protocol !== undefined && String(protocol).toUpperCase() !== read) {
    const source = p.appProtocol !== undefined ? `appProtocol "${p.appProtocol}"` : `name "${p.name}"`;
    const message = `disagrees with the Service's port ${p.port} (${source}: ${read}); Istio uses the Service's, so drop protocol or fix the port`;
    problems.push({ field: 'protocol', value: protocol, message });
  }
  const targetPort = typeof p.targetPort === 'number' ? p.targetPort : undefined;
  // A port whose name carries no protocol keeps its name, so the port checks can say so.
  const name = read && kubernetesPortProtocol(p.name, undefined) !== read ? undefined : p.name;
  return { port: p.port, targetPort, protocol: (read ?? protocol) as ProtocolInput, name };
}

/** The clusters whose directories a chart's objects go to (a mesh cluster is its own). */
function clustersWith(chart: Chart): MeshCluster[] {
  return MeshCluster.isMeshCluster(chart) ? [chart] : clustersOfChart(chart);
}

/**
 * A selector of cdk8s-plus's own pod address label matches pods only where the chart holding
 * the workload is synthesized: every cluster the service runs in must have that chart.
 */
export function selectorProblems(chart: Chart | undefined, selector: Record<string, string>, clusters: readonly string[]): KplusProblem[] {
  if (!chart || !('cdk8s.io/metadata.addr' in selector)) return [];
  const present = new Set(clustersWith(chart).map((c) => c.clusterName));
  const missing = clusters.filter((c) => !present.has(c));
  if (missing.length === 0) return [];
  const where = present.size > 0 ? `runs in ${[...present].join(', ')} only` : 'is in no mesh cluster';
  return [{
    field: 'workloadLabels', value: selector,
    message: `selects pods by cdk8s-plus's address label, which only pods of chart ${chart.node.path} carry, and that chart ${where}: `
      + `in ${missing.join(', ')} STRICT mTLS and the allow rules would select no pod (place the chart there with placeChart(chart, [...]), `
      + 'or set workloadLabels to labels your pods carry in every cluster)',
  }];
}

/** The chart a Service belongs to must be the cluster's (or placed in it): the policies go where the Service runs. */
export function chartProblems(chart: Chart | undefined, home: MeshCluster): KplusProblem[] {
  if (!chart) return [];
  const clusters = clustersWith(chart);
  if (clusters.length === 0 || clusters.includes(home)) return [];
  return [{
    field: 'service', value: chart.node.path,
    message: `is synthesized into ${clusters.map((c) => c.clusterName).join(', ')}, not ${home.clusterName} where the InboundService is declared `
      + '(declare the InboundService in the cluster the Service runs in)',
  }];
}
