/**
 * Federated callers of a service's global host (`<svc>.<ns>.global`): in every cluster they
 * run in, server clusters included, a ServiceEntry whose endpoints are every server cluster's
 * east-west gateway (the caller's own cluster's too), with the rule and routes that choose
 * among them. This is how a caller inside a server cluster fails over: its
 * `<svc>.<ns>.svc.cluster.local` is the local Kubernetes Service, which knows only local pods.
 */
import { isIP } from '../names';
import type { ServiceModel } from '../model';
import { destinationRuleSpec } from '../render/destination-rule';
import { virtualServiceSpec } from '../render/virtual-service';
import { callerPolicy, gatewayEntrySpec, withSubsetNote } from './client';
import type { PlanContext } from './context';
import { callerChoice, CallerView, hostRoutes } from './multicluster';
import type { CallSite, Route } from './routes';

export function planGlobalHostCallers(ctx: PlanContext, s: ServiceModel): void {
  if (!s.globalHost) return;
  const sites = new Map<string, [CallSite, Route[]]>();
  for (const r of ctx.routes.of(s).filter((x) => x.global)) {
    const key = `${r.from.cluster}/${r.from.namespace}`;
    const entry = sites.get(key) ?? [r.from, []];
    entry[1].push(r);
    sites.set(key, entry);
  }
  for (const [site, routes] of sites.values()) planSite(ctx, s, site, routes);
}

function planSite(ctx: PlanContext, s: ServiceModel, site: CallSite, routes: readonly Route[]): void {
  const host = s.globalHost!;
  const dns = routes.some((r) => !isIP(ctx.cluster(r.to).eastWest.address));
  const view: CallerView = { site, clusters: routes.map((r) => r.to), endpoints: 'gateways', dns };
  const name = { name: `${s.name}-global`, namespace: site.namespace };
  ctx.addFor(s, site.cluster, name,
    { kind: 'ServiceEntry', spec: gatewayEntrySpec(ctx, s, { host, ports: s.ports, view, routes, marks: true }) });
  const choice = callerChoice(ctx, s, view);
  ctx.addFor(s, site.cluster, withSubsetNote(name, choice.subsets.length > 0), { kind: 'DestinationRule', spec: destinationRuleSpec({
    host, tls: 'ISTIO_MUTUAL', trafficPolicy: callerPolicy(choice.trafficPolicy, routes), exportTo: ['.'],
    localityLbSetting: choice.localityLbSetting, subsets: choice.subsets,
  }) });
  const vsRoutes = hostRoutes(s, host, choice.split);
  if (vsRoutes.http.length + vsRoutes.tcp.length > 0) {
    ctx.addFor(s, site.cluster, name, { kind: 'VirtualService', spec: virtualServiceSpec({ hosts: [host], ...vsRoutes, exportTo: ['.'] }) });
  }
}
