/**
 * The client side: what a cluster gets for a service that its workloads call from another
 * cluster (the server's traffic policy and routes, and in federated mode the ServiceEntries
 * that lead to the server clusters' east-west gateways).
 */
import { instanceHosts, PortModel, ServiceModel } from '../model';
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

/** Routes of callers outside the server clusters, grouped by call site (in route order). */
function remoteSites(routes: readonly Route[]): Array<[CallSite, Route[]]> {
  const sites = new Map<string, [CallSite, Route[]]>();
  for (const r of routes) {
    if (r.kind === 'local' || r.kind === 'ingress') continue;
    const key = `${r.from.cluster}/${r.from.namespace}`;
    const entry = sites.get(key) ?? [r.from, []];
    entry[1].push(r);
    sites.set(key, entry);
  }
  return [...sites.values()];
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
    host: s.fqdn, tls, sni: meshTlsHop ? s.fqdn : undefined, trafficPolicy: s.trafficPolicy, exportTo: OWN_NAMESPACE,
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
  const entry = (host: string) => serviceEntrySpec({
    host, address: ctx.vip(host), ports: s.ports, resolution, endpoints: endpoints(s.ports), exportTo: OWN_NAMESPACE, subjectAltNames: san,
  });
  ctx.addFor(s, site.cluster, { name: s.name, namespace: site.namespace }, { kind: 'ServiceEntry', spec: entry(s.fqdn) });
  instanceHosts(s).forEach((host, i) => {
    ctx.addFor(s, site.cluster, { name: `${s.name}-${i}`, namespace: site.namespace }, { kind: 'ServiceEntry', spec: entry(host) });
  });
  if (s.instances > 0) {
    ctx.addFor(s, site.cluster, { name: `${s.name}-instances`, namespace: site.namespace }, { kind: 'DestinationRule', spec: destinationRuleSpec({
      host: `*.${s.fqdn}`, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: OWN_NAMESPACE,
    }) });
  }
}
