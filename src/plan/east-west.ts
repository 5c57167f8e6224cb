/**
 * Cross-cluster exposure: what a server cluster's east-west gateway carries for the callers
 * whose routes enter through it, and the one east-west Gateway per cluster.
 */
import { instanceHosts, isHttpFamily, ServiceModel, TrafficPolicyModel } from '../model';
import { destinationRuleSpec } from '../render/destination-rule';
import { MANAGED_BY } from '../render/labels';
import { authorizationPolicySpec } from '../render/authorization-policy';
import { gatewaySpec, GatewayServerInput } from '../render/gateway';
import { serviceEntrySpec } from '../render/service-entry';
import { virtualServiceSpec } from '../render/virtual-service';
import type { PlanContext } from './context';
import { byCodeUnit } from './order';
import { viaEastWest } from './routes';
import { instancePorts } from './client';
import { clientPrincipals } from './server';

/** Name of the per-cluster east-west Gateway (a DNS-1123 label). */
export function eastWestGatewayName(meshName: string): string {
  return `${meshName}-eastwest`;
}

/**
 * Server clusters (in the service's order) whose east-west gateway some caller of the service
 * enters through: to its own host, or (`global`) to its global host.
 */
export function exposedClusters(ctx: PlanContext, s: ServiceModel, global = false): string[] {
  const entered = new Set(ctx.routes.of(s).filter((r) => viaEastWest(r.kind) && (r.global === true) === global).map((r) => r.to));
  return s.clusters.filter((c) => entered.has(c));
}

/** What the gateway needs per service: instance hosts to route on, or a terminating server. */
export function planEastWestForService(ctx: PlanContext, s: ServiceModel): void {
  for (const server of exposedClusters(ctx, s)) {
    if (s.sidecar && ctx.model.discovery === 'federated') planInstanceEntries(ctx, s, server);
    if (!s.sidecar) planMeshTlsTermination(ctx, s, server);
    planEastWestPolicy(ctx, s, server, s.fqdn);
  }
  for (const server of exposedClusters(ctx, s, true)) {
    planGlobalHostPods(ctx, s, server);
    planEastWestPolicy(ctx, s, server, s.globalHost!);
  }
}

/**
 * The gateway picks the pod for remote callers, so the policy that needs the pods is applied
 * there, by a rule bound to the gateway's pods in its namespace (a rule with a
 * `workloadSelector` is private to its namespace and found first by the gateway, Istio 1.30.3
 * pilot/pkg/model/push_context.go:2073-2081, sidecar.go:637-662):
 * - passthrough: outlier detection and `simple` / source-IP balancing apply to the gateway's
 *   SNI-forwarding cluster (cluster_traffic_policy.go:52-56, cluster.go:648), per connection.
 *   No `tls`: a DISABLE there would empty that cluster (endpoints/mtls_checker.go:53-66) and
 *   TLS is never applied to it anyway (cluster_traffic_policy.go:57). No connection pool: one
 *   gateway cluster serves every remote caller together.
 * - mesh-TLS termination: `tls: DISABLE`, so that a mesh-wide ISTIO_MUTUAL rule in the root
 *   namespace does not make the gateway speak mTLS to a workload without a sidecar
 *   (cluster_tls.go:427-461 takes a visible rule's TLS mode over auto-mTLS).
 */
function planEastWestPolicy(ctx: PlanContext, s: ServiceModel, server: string, host: string): void {
  const gateway = ctx.cluster(server).eastWest;
  const policy = gatewayPolicy(s.trafficPolicy);
  const subsets = gatewaySubsets(s, server);
  if (s.sidecar && Object.keys(policy).length === 0 && subsets.length === 0) return;
  const name = host === s.fqdn ? `${s.name}-eastwest` : `${s.name}-global-eastwest`;
  ctx.addFor(s, server, { name, namespace: gateway.namespace }, { kind: 'DestinationRule', spec: destinationRuleSpec({
    host, tls: s.sidecar ? undefined : 'DISABLE', trafficPolicy: policy, exportTo: ['.'], workloadSelector: gateway.selector, subsets,
  }) });
}

/**
 * A caller asking for a version sends the subset in its SNI, `outbound_.<port>_.<subset>_.<host>`
 * (Istio 1.30.3 pilot/pkg/networking/core/cluster_builder.go:296-301). The gateway has a filter
 * chain and a cluster for that SNI only for the subsets of the rule it sees (gateway.go:1030-1041,
 * cluster.go:673): the same subset names, selecting the local pods by their labels. Only the
 * versions that run in this cluster (a caller's subset leads only to clusters running it).
 */
function gatewaySubsets(s: ServiceModel, server: string) {
  return (s.versions ?? []).filter((v) => v.clusters.includes(server)).map((v) => ({ name: v.name, labels: v.labels }));
}

/**
 * The global host on the gateway: an entry visible to the gateway only, whose endpoints are
 * the service's pods (`workloadSelector`, on their container ports), so the gateway has a
 * cluster for `outbound_.<port>_._.<global host>` (cluster.go:637-678) and routes callers' SNI
 * for it to the pods. The pods' sidecars accept the caller's mTLS whatever its SNI.
 */
function planGlobalHostPods(ctx: PlanContext, s: ServiceModel, server: string): void {
  const host = s.globalHost!;
  const needsAddress = s.ports.some((p) => !isHttpFamily(p.protocol)); // IST0134, as for instance entries below
  ctx.addFor(s, server, { name: `${s.name}-global-eastwest`, namespace: s.namespace }, { kind: 'ServiceEntry', spec: serviceEntrySpec({
    host, address: needsAddress ? ctx.vip(host) : undefined, ports: s.ports, resolution: 'STATIC', endpoints: [],
    workloadSelector: s.workloadLabels, exportTo: gatewayOnly(ctx, s, server),
  }) });
}

/**
 * What of a traffic policy holds at a gateway that forwards TCP per connection: outlier
 * detection, `simple` balancing, and hashing on the source address (the only hash its TCP
 * proxy has, Istio 1.30.3 pilot/pkg/networking/core/networkfilter.go:229-254). Header, cookie
 * and query hashing cannot hold there (a synth warning says so).
 */
function gatewayPolicy(tp: TrafficPolicyModel): TrafficPolicyModel {
  const lb = tp.loadBalancer;
  const keepLb = lb !== undefined && ('simple' in lb || lb.consistentHash.useSourceIp === true);
  return {
    ...(keepLb ? { loadBalancer: lb } : {}),
    ...(tp.outlierDetection ? { outlierDetection: tp.outlierDetection } : {}),
  };
}

/** Namespaces that see an object meant for the gateway only. */
function gatewayOnly(ctx: PlanContext, s: ServiceModel, server: string): string[] {
  const ns = ctx.cluster(server).eastWest.namespace;
  return [s.namespace === ns ? '.' : ns];
}

/**
 * The east-west gateway routes an instance's SNI only if it knows the instance host; only the
 * gateway sees these entries (local callers keep using the pod DNS names). The endpoint is a
 * sidecar pod: without the tlsMode label the gateway would drop it from the passthrough
 * cluster (it keeps only endpoints it can reach with mTLS).
 */
function planInstanceEntries(ctx: PlanContext, s: ServiceModel, server: string): void {
  const ports = instancePorts(s);
  // The gateway has no listener for a VIP (it listens on its Gateway's servers only); the
  // address is kept on TCP-like ports, whose entries Istio's analyzer flags without one (IST0134,
  // Istio 1.30.3 pkg/config/analysis/analyzers/serviceentry/protocoladdresses.go:67-80).
  const needsAddress = ports.some((p) => !isHttpFamily(p.protocol));
  instanceHosts(s).forEach((host, i) => {
    ctx.addFor(s, server, { name: `${s.name}-${i}`, namespace: s.namespace }, { kind: 'ServiceEntry', spec: serviceEntrySpec({
      host, address: needsAddress ? ctx.vip(host) : undefined, ports, resolution: 'DNS',
      // No serviceAccount: the tlsMode label already marks the endpoint as mTLS
      // (serviceentry/conversion.go:395-405); the gateway forwards TLS and checks no identity.
      endpoints: [{
        address: host, ports: Object.fromEntries(ports.map((p) => [p.name, p.number])), labels: { 'security.istio.io/tlsMode': 'istio' },
      }],
      exportTo: gatewayOnly(ctx, s, server),
    }) });
  });
}

/**
 * A workload without a sidecar: the gateway terminates mesh mTLS on its own server for the
 * service and forwards in plain text. The gateway knows the caller, so only declared clients
 * get through (the workload cannot check identities itself).
 */
function planMeshTlsTermination(ctx: PlanContext, s: ServiceModel, server: string): void {
  const gateway = ctx.cluster(server).eastWest;
  const name = { name: `${s.name}-eastwest`, namespace: s.namespace };
  ctx.addFor(s, server, name, { kind: 'VirtualService', spec: virtualServiceSpec({
    hosts: [s.fqdn],
    gateways: [`${gateway.namespace}/${eastWestGatewayName(ctx.model.name)}`],
    exportTo: gatewayOnly(ctx, s, server),
    tcp: s.ports.map((p) => ({ matchPort: gateway.meshTlsPort, destinationHost: s.fqdn, destinationPort: p.number })),
  }) });
  ctx.addFor(s, server, { ...name, namespace: gateway.namespace }, { kind: 'AuthorizationPolicy', spec: authorizationPolicySpec({
    selector: gateway.selector,
    action: 'DENY',
    rules: [{ notPrincipals: clientPrincipals(ctx.model, s), sni: [s.fqdn] }],
  }) });
}

/** What one cluster's east-west gateway carries. */
interface Exposure {
  /** Hosts of sidecar services: mTLS passed through, routed on the client's SNI. */
  readonly passthrough: Set<string>;
  /** Services without a sidecar, by host: mesh mTLS terminated for them, one server each. */
  readonly meshTls: Map<string, ServiceModel>;
}

/** One east-west Gateway per cluster, exposing exactly the hosts remote callers use. */
export function planEastWestGateways(ctx: PlanContext): void {
  const exposures = collectExposures(ctx);
  for (const cluster of [...exposures.keys()].sort(byCodeUnit)) {
    const e = exposures.get(cluster)!;
    const t = ctx.cluster(cluster);
    const servers: GatewayServerInput[] = [];
    if (e.passthrough.size > 0) servers.push({ kind: 'auto-passthrough', port: t.eastWest.port, hosts: [...e.passthrough].sort(byCodeUnit) });
    for (const host of [...e.meshTls.keys()].sort(byCodeUnit)) {
      const s = e.meshTls.get(host)!;
      servers.push({ kind: 'istio-mutual', port: t.eastWest.meshTlsPort, host: `${s.namespace}/${host}`, name: s.name });
    }
    const meta = { name: eastWestGatewayName(ctx.model.name), namespace: t.eastWest.namespace, labels: { ...MANAGED_BY } };
    ctx.addMeshObject(cluster, meta, { kind: 'Gateway', spec: gatewaySpec({ selector: t.eastWest.selector, servers }) });
  }
}

function collectExposures(ctx: PlanContext): Map<string, Exposure> {
  const exposures = new Map<string, Exposure>();
  for (const s of ctx.model.services) {
    for (const r of ctx.routes.of(s).filter((x) => viaEastWest(x.kind))) {
      const e = exposures.get(r.to) ?? { passthrough: new Set<string>(), meshTls: new Map<string, ServiceModel>() };
      exposures.set(r.to, e);
      if (r.kind === 'gatewayMeshTls') e.meshTls.set(s.fqdn, s);
      else if (r.global) e.passthrough.add(s.globalHost!);
      else [s.fqdn, ...(ctx.model.discovery === 'federated' ? instanceHosts(s) : [])].forEach((h) => e.passthrough.add(h));
    }
  }
  return exposures;
}
