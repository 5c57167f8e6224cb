/**
 * The client side: what a cluster gets for a service that its workloads call from another
 * cluster (the server's traffic policy and routes, and in federated mode the ServiceEntries
 * that lead to the server clusters' east-west gateways).
 */
import { instanceHosts, PortModel, ServiceModel, TrafficPolicyModel } from '../model';
import { isIP, principalOf } from '../names';
import { destinationRuleSpec } from '../render/destination-rule';
import { serviceEntrySpec, ServiceEntryEndpointInput } from '../render/service-entry';
import { virtualServiceSpec } from '../render/virtual-service';
import type { PlanContext } from './context';
import { CallSite, Route, viaEastWest } from './routes';
import type { ServiceObjectName } from './context';
import { callerChoice, CallerView, endpointMarks, hostRoutes } from './multicluster';

/**
 * Label on ServiceEntry endpoints naming the cluster they lead to (usable in DestinationRule
 * subsets). Not `topology.istio.io/cluster`: istiod overwrites that one with its own cluster.
 */
export const CLUSTER_LABEL = 'traffic.intents.cdk8s.io/cluster';

/** Objects are visible to their own namespace only: the callers there. */
const OWN_NAMESPACE = ['.'];

export function planClientSide(ctx: PlanContext, s: ServiceModel): void {
  for (const [site, routes] of remoteSites(ctx.routes.of(s))) {
    planClientPolicy(ctx, s, site, routes);
    if (routes.some((r) => viaEastWest(r.kind)) && ctx.model.discovery === 'federated') planServiceEntries(ctx, s, site, routes);
  }
}

/**
 * Routes of callers outside the server clusters, grouped by call site (in route order). A
 * caller that also calls the service locally (multi-primary) uses the server's own rule and
 * routes, exported to its namespace: a second rule there would conflict with it.
 */
function remoteSites(routes: readonly Route[]): Array<[CallSite, Route[]]> {
  const sites = new Map<string, [CallSite, Route[]]>();
  const local = new Set(routes.filter((r) => r.kind === 'local').map((r) => `${r.from.cluster}/${r.from.namespace}`));
  for (const r of routes) {
    const key = `${r.from.cluster}/${r.from.namespace}`;
    if (r.kind === 'local' || r.kind === 'ingress' || r.global || local.has(key)) continue;
    const entry = sites.get(key) ?? [r.from, []];
    entry[1].push(r);
    sites.set(key, entry);
  }
  return [...sites.values()];
}

/**
 * What a caller outside the server clusters sees: one endpoint per server cluster (federated:
 * its east-west gateway, through the ServiceEntry), or the pods of every server cluster
 * (multi-primary, another network's behind its gateway).
 */
function remoteView(ctx: PlanContext, site: CallSite, routes: readonly Route[]): CallerView {
  const federated = ctx.model.discovery === 'federated';
  const dns = federated && routes.some((r) => !isIP(ctx.cluster(r.to).eastWest.address));
  return { site, clusters: routes.map((r) => r.to), endpoints: federated ? 'gateways' : 'pods', dns };
}

/**
 * The traffic policy a caller's sidecar can apply. A caller that reaches the service through
 * one east-west gateway sees a single endpoint: outlier detection there could only eject it
 * (Istio turns Envoy's panic mode off whenever outlier detection is set, Istio 1.30.3
 * pilot/pkg/networking/core/cluster_traffic_policy.go:511-519, so that is an outage) or, with
 * Envoy's default maxEjectionPercent of 10%, never eject anything. The pods are ejected where
 * they are visible: at that gateway (`planEastWestPolicy`).
 */
export function callerPolicy(policy: TrafficPolicyModel, routes: readonly Route[]): TrafficPolicyModel {
  const singleGateway = routes.length === 1 && viaEastWest(routes[0].kind);
  if (!singleGateway || !policy.outlierDetection) return policy;
  const { outlierDetection: _dropped, ...rest } = policy;
  return rest;
}

/**
 * The server's traffic policy, applied by the callers' sidecars. Through a gateway the
 * connection is mesh mTLS even to a workload without a sidecar: its gateway terminates it and
 * routes on the SNI, which the client must then present.
 */
function planClientPolicy(ctx: PlanContext, s: ServiceModel, site: CallSite, routes: readonly Route[]): void {
  const meshTlsHop = routes.some((r) => r.kind === 'gatewayMeshTls');
  const tls = s.sidecar || routes.some((r) => viaEastWest(r.kind)) ? 'ISTIO_MUTUAL' : 'DISABLE';
  const name = { name: s.name, namespace: site.namespace };
  const choice = callerChoice(ctx, s, remoteView(ctx, site, routes));
  ctx.addFor(s, site.cluster, withSubsetNote(name, choice.subsets.length > 0 && ctx.model.discovery === 'federated'),
    { kind: 'DestinationRule', spec: destinationRuleSpec({
      host: s.fqdn, tls, sni: meshTlsHop ? s.fqdn : undefined, trafficPolicy: callerPolicy(choice.trafficPolicy, routes), exportTo: OWN_NAMESPACE,
      localityLbSetting: choice.localityLbSetting, subsets: choice.subsets,
    }) });
  const vsRoutes = hostRoutes(s, s.fqdn, choice.split);
  if (vsRoutes.http.length + vsRoutes.tcp.length > 0) {
    ctx.addFor(s, site.cluster, name,
      { kind: 'VirtualService', spec: virtualServiceSpec({ hosts: [s.fqdn], ...vsRoutes, exportTo: OWN_NAMESPACE }) });
  }
}

/**
 * Istio's analyzer matches subset labels against Pods only (IST0173, an error: Istio 1.30.3
 * pkg/config/analysis/analyzers/destinationrule/subset.go:100-156), while a federated caller's
 * subsets select ServiceEntry endpoints, which are no pods. The rule says so to `istioctl
 * analyze`, which skips the listed codes on an annotated object (pkg/config/analysis/local/istiod_analyze.go:564-571).
 */
export function withSubsetNote(name: ServiceObjectName, selectsEntryEndpoints: boolean): ServiceObjectName {
  return selectsEntryEndpoints ? { ...name, annotations: { ...name.annotations, [ANALYZE_SUPPRESS]: 'IST0173' } } : name;
}

/** Istio's annotation listing analyzer codes not to report for an object. */
export const ANALYZE_SUPPRESS = 'galley.istio.io/analyze-suppress';

/**
 * Federated mode: the caller's cluster does not know the service, so a ServiceEntry gives it
 * the host (with a VIP for Istio's DNS proxy) and one endpoint per server cluster: that
 * cluster's east-west gateway. Headless instances get one entry each.
 */
function planServiceEntries(ctx: PlanContext, s: ServiceModel, site: CallSite, routes: readonly Route[]): void {
  const view = remoteView(ctx, site, routes);
  const entry = (host: string, ports: readonly PortModel[], marks: boolean) => gatewayEntrySpec(ctx, s, { host, ports, view, routes, marks });
  ctx.addFor(s, site.cluster, { name: s.name, namespace: site.namespace }, { kind: 'ServiceEntry', spec: entry(s.fqdn, s.ports, true) });
  instanceHosts(s).forEach((host, i) => {
    const name = { name: `${s.name}-${i}`, namespace: site.namespace };
    ctx.addFor(s, site.cluster, name, { kind: 'ServiceEntry', spec: entry(host, instancePorts(s), false) });
    ctx.addFor(s, site.cluster, name, { kind: 'DestinationRule', spec: destinationRuleSpec({
      host, tls: 'ISTIO_MUTUAL', trafficPolicy: instancePolicy(s), exportTo: OWN_NAMESPACE,
    }) });
  });
}

/** A caller's ServiceEntry whose endpoints are the east-west gateways its routes enter. */
export interface GatewayEntryInput {
  readonly host: string;
  readonly ports: readonly PortModel[];
  readonly view: CallerView;
  readonly routes: readonly Route[];
  /** Whether the endpoints carry locality, failover and version marks (not for instance hosts). */
  readonly marks: boolean;
}

/**
 * One endpoint per route: the server cluster's east-west gateway, labelled with the cluster
 * (and as mTLS, which the gateway needs), with the locality and labels the caller's rule
 * chooses on (`endpointMarks`).
 */
export function gatewayEntrySpec(ctx: PlanContext, s: ServiceModel, e: GatewayEntryInput) {
  const endpoints = e.routes.map((r): ServiceEntryEndpointInput => {
    const gateway = ctx.cluster(r.to).eastWest;
    const marks = e.marks ? endpointMarks(ctx, s, e.view, r.to) : { labels: {}, locality: undefined };
    return {
      address: gateway.address!,
      ports: Object.fromEntries(e.ports.map((p) => [p.name, r.kind === 'passthrough' ? gateway.port : gateway.meshTlsPort])),
      labels: { [CLUSTER_LABEL]: r.to, 'security.istio.io/tlsMode': 'istio', ...marks.labels },
      locality: marks.locality,
    };
  });
  const resolution = e.routes.every((r) => isIP(ctx.cluster(r.to).eastWest.address)) ? 'STATIC' : 'DNS';
  const san = s.serviceAccount && s.sidecar ? [`spiffe://${principalOf(ctx.model.trustDomain, s.namespace, s.serviceAccount)}`] : undefined;
  return serviceEntrySpec({
    host: e.host, address: ctx.vip(e.host), ports: e.ports, resolution, endpoints, exportTo: OWN_NAMESPACE, subjectAltNames: san,
  });
}

/**
 * An instance's ports as its callers dial them: a pod DNS name on the container port (a
 * headless Service maps no ports), so the entry listens there and the mTLS SNI the gateway
 * routes on is `outbound_.<containerPort>_._.<instance host>` (Istio 1.30.3
 * pilot/pkg/networking/core/cluster_builder.go:374, gateway.go:1007). An entry's `targetPort`
 * would only pick the endpoint's port (serviceentry/conversion.go:417-428), never the port the
 * caller's sidecar listens on.
 */
export function instancePorts(s: ServiceModel): PortModel[] {
  return s.ports.map((p) => ({ ...p, number: p.targetPort }));
}

/**
 * One rule per instance host: Istio's analyzer matches a wildcard rule host only against
 * wildcard entry hosts and flags `*.<fqdn>` (IST0174, Istio 1.30.3
 * pkg/config/analysis/analyzers/util/service_lookup.go:141-160). An instance is one pod behind
 * one gateway endpoint: load balancing and outlier detection have nothing to choose from, the
 * connection pool still limits the caller.
 */
function instancePolicy(s: ServiceModel): TrafficPolicyModel {
  return s.trafficPolicy.connectionPool ? { connectionPool: s.trafficPolicy.connectionPool } : {};
}
