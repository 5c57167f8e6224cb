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
import { httpRoutesOf } from './shared';

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
    if (r.kind === 'local' || r.kind === 'ingress' || local.has(key)) continue;
    const entry = sites.get(key) ?? [r.from, []];
    entry[1].push(r);
    sites.set(key, entry);
  }
  return [...sites.values()];
}

/**
 * The traffic policy a caller's sidecar can apply. A caller that reaches the service through
 * one east-west gateway sees a single endpoint: outlier detection there could only eject it
 * (Istio turns Envoy's panic mode off whenever outlier detection is set, Istio 1.30.3
 * pilot/pkg/networking/core/cluster_traffic_policy.go:511-519, so that is an outage) or, with
 * Envoy's default maxEjectionPercent of 10%, never eject anything. The pods are ejected where
 * they are visible: at that gateway (`planEastWestPolicy`).
 */
export function callerPolicy(s: ServiceModel, routes: readonly Route[]): TrafficPolicyModel {
  const singleGateway = routes.length === 1 && viaEastWest(routes[0].kind);
  if (!singleGateway || !s.trafficPolicy.outlierDetection) return s.trafficPolicy;
  const { outlierDetection: _dropped, ...rest } = s.trafficPolicy;
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
  ctx.addFor(s, site.cluster, name, { kind: 'DestinationRule', spec: destinationRuleSpec({
    host: s.fqdn, tls, sni: meshTlsHop ? s.fqdn : undefined, trafficPolicy: callerPolicy(s, routes), exportTo: OWN_NAMESPACE,
  }) });
  const httpRoutes = httpRoutesOf(s);
  if (httpRoutes.length > 0) {
    ctx.addFor(s, site.cluster, name,
      { kind: 'VirtualService', spec: virtualServiceSpec({ hosts: [s.fqdn], http: httpRoutes, exportTo: OWN_NAMESPACE }) });
  }
}

/**
 * Federated mode: the caller's cluster does not know the service, so a ServiceEntry gives it
 * the host (with a VIP for Istio's DNS proxy) and one endpoint per server cluster: that
 * cluster's east-west gateway. Headless instances get one entry each.
 */
function planServiceEntries(ctx: PlanContext, s: ServiceModel, site: CallSite, routes: readonly Route[]): void {
  const servers = routes.map((r) => ctx.cluster(r.to));
  const endpoints = (ports: readonly PortModel[]) => routes.map((r): ServiceEntryEndpointInput => {
    const gateway = ctx.cluster(r.to).eastWest;
    return {
      address: gateway.address!,
      ports: Object.fromEntries(ports.map((p) => [p.name, r.kind === 'passthrough' ? gateway.port : gateway.meshTlsPort])),
      labels: { [CLUSTER_LABEL]: r.to, 'security.istio.io/tlsMode': 'istio' },
    };
  });
  const resolution = servers.every((srv) => isIP(srv.eastWest.address)) ? 'STATIC' : 'DNS';
  const san = s.serviceAccount && s.sidecar ? [`spiffe://${principalOf(ctx.model.trustDomain, s.namespace, s.serviceAccount)}`] : undefined;
  const entry = (host: string, ports: readonly PortModel[]) => serviceEntrySpec({
    host, address: ctx.vip(host), ports, resolution, endpoints: endpoints(ports), exportTo: OWN_NAMESPACE, subjectAltNames: san,
  });
  ctx.addFor(s, site.cluster, { name: s.name, namespace: site.namespace }, { kind: 'ServiceEntry', spec: entry(s.fqdn, s.ports) });
  instanceHosts(s).forEach((host, i) => {
    const name = { name: `${s.name}-${i}`, namespace: site.namespace };
    ctx.addFor(s, site.cluster, name, { kind: 'ServiceEntry', spec: entry(host, instancePorts(s)) });
    ctx.addFor(s, site.cluster, name, { kind: 'DestinationRule', spec: destinationRuleSpec({
      host, tls: 'ISTIO_MUTUAL', trafficPolicy: instancePolicy(s), exportTo: OWN_NAMESPACE,
    }) });
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
