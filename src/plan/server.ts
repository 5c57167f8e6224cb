/**
 * The server side: what each cluster a service runs in gets for it (traffic policy, routes,
 * mTLS and the allow policy).
 */
import type { ClusterTopology } from '../topology';
import { isHttpFamily, MeshModel, ServiceModel } from '../model';
import { principalOf } from '../names';
import { authorizationPolicySpec, RuleInput } from '../render/authorization-policy';
import { destinationRuleSpec } from '../render/destination-rule';
import { peerAuthenticationSpec } from '../render/peer-authentication';
import { virtualServiceSpec } from '../render/virtual-service';
import type { PlanContext } from './context';
import { callerChoice, CallerView, hostRoutes } from './multicluster';
import { unique } from './shared';

export function planServerSide(ctx: PlanContext, s: ServiceModel): void {
  const self = { name: s.name, namespace: s.namespace };
  for (const server of s.clusters) {
    planServerRouting(ctx, s, server);
    if (s.sidecar) {
      ctx.addFor(s, server, self, { kind: 'PeerAuthentication', spec: peerAuthenticationSpec(s.workloadLabels) });
      const annotations = s.dryRun ? { 'istio.io/dry-run': 'true' } : undefined;
      ctx.addFor(s, server, { ...self, annotations }, { kind: 'AuthorizationPolicy', spec: authorizationPolicySpec({
        selector: s.workloadLabels, action: 'ALLOW', rules: allowRules(ctx.model, s, ctx.cluster(server)),
      }) });
    }
  }
}

/**
 * The rule and routes the server cluster's own callers apply. Without local callers nobody
 * reads the routes (the east-west gateway forwards remote callers' connections without them,
 * Istio 1.30.3 pilot/pkg/networking/core/gateway.go:926-927), and of the rule only the
 * connection pool acts: the service's own sidecars apply it to their inbound cluster
 * (cluster_builder.go:642-668, cluster_traffic_policy.go:45-62), capping all callers together
 * per pod. It is kept for that.
 */
function planServerRouting(ctx: PlanContext, s: ServiceModel, server: string): void {
  const self = { name: s.name, namespace: s.namespace };
  const exportTo = serverExportTo(ctx, s, server);
  const localCallers = s.allowedNamespaces.length > 0 || ctx.routes.of(s).some((r) => r.kind === 'local' && r.to === server);
  const pool = s.trafficPolicy.connectionPool;
  if (!localCallers && !pool) return;
  const choice = localCallers ? callerChoice(ctx, s, localView(ctx, s, server)) : undefined;
  ctx.addFor(s, server, self, { kind: 'DestinationRule', spec: destinationRuleSpec({
    host: s.fqdn, tls: s.sidecar ? 'ISTIO_MUTUAL' : 'DISABLE', trafficPolicy: choice ? choice.trafficPolicy : { connectionPool: pool }, exportTo,
    localityLbSetting: choice?.localityLbSetting, subsets: choice?.subsets,
  }) });
  const routes = hostRoutes(s, s.fqdn, choice?.split);
  if (localCallers && routes.http.length + routes.tcp.length > 0) {
    ctx.addFor(s, server, self, { kind: 'VirtualService', spec: virtualServiceSpec({ hosts: [s.fqdn], ...routes, exportTo }) });
  }
}

/**
 * What the server cluster's own callers of `<svc>.<ns>.svc.cluster.local` see: federated, the
 * local pods only (the control plane knows no other cluster); multi-primary, the pods of every
 * server cluster (another network's behind its gateway, in the pods' own locality group:
 * Istio 1.30.3 pilot/pkg/xds/endpoints/ep_filters.go:91-97).
 */
function localView(ctx: PlanContext, s: ServiceModel, server: string): CallerView {
  const clusters = ctx.model.discovery === 'multi-primary' ? [server, ...s.clusters.filter((c) => c !== server)] : [server];
  return { site: { cluster: server, namespace: s.namespace }, clusters, endpoints: 'pods' };
}

/**
 * The server's rule and routes are visible to the namespaces that call the service locally,
 * not to the east-west gateway, which would otherwise apply the pool limits to all remote
 * callers together. (The gateways get their own rules, bound to their pods: they often
 * share a namespace.)
 */
function serverExportTo(ctx: PlanContext, s: ServiceModel, server: string): string[] {
  const local = ctx.routes.of(s).filter((r) => r.kind === 'local' && r.to === server).map((r) => r.from.namespace);
  return unique(['.', ...local, ...s.allowedNamespaces].map((n) => (n === s.namespace ? '.' : n)));
}

/** Principals of the service's declared clients, sorted and unique. */
export function clientPrincipals(model: MeshModel, s: ServiceModel): string[] {
  return unique(s.clients.map((c) => principalOf(model.trustDomain, c.namespace, c.serviceAccount))).sort();
}

/** The ALLOW rules of a service's AuthorizationPolicy in one server cluster. */
function allowRules(model: MeshModel, s: ServiceModel, server: ClusterTopology): RuleInput[] {
  const rules: RuleInput[] = [];
  const restricted = new Set(s.accessPolicies.map((a) => a.principal));
  // The instances of a headless service call each other (replication) as its own identity.
  const self = s.instances > 0 && s.serviceAccount ? [principalOf(model.trustDomain, s.namespace, s.serviceAccount)] : [];
  const plain = unique([...clientPrincipals(model, s), ...self]).filter((p) => !restricted.has(p)).sort();
  if (plain.length > 0) rules.push({ principals: plain });
  rules.push(...restrictedRules(s, restricted));
  if (s.allowedNamespaces.length > 0) rules.push({ namespaces: [...s.allowedNamespaces].sort() });
  if (s.external) rules.push(ingressRule(model, s, server));
  return rules;
}

/**
 * One rule per restricted principal, listing its operations (a rule with neither methods nor
 * paths admits everything, so it absorbs the others).
 */
function restrictedRules(s: ServiceModel, restricted: ReadonlySet<string>): RuleInput[] {
  return [...restricted].sort().map((principal) => {
    const ops = s.accessPolicies.filter((a) => a.principal === principal).flatMap((a) => a.rules);
    const unrestricted = ops.some((o) => !o.methods && !o.paths);
    return { principals: [principal], operations: unrestricted ? undefined : ops };
  });
}

/**
 * External clients arrive as the ingress gateway's identity. For HTTP the Host header still
 * names the external host, so other routes through a shared gateway are not admitted.
 */
function ingressRule(model: MeshModel, s: ServiceModel, server: ClusterTopology): RuleInput {
  const x = s.external!;
  const http = isHttpFamily(s.ports.find((p) => p.number === x.servicePort)!.protocol);
  return {
    principals: [principalOf(model.trustDomain, server.ingress.namespace, server.ingress.serviceAccount)],
    operations: http ? [{ hosts: [x.host, `${x.host}:*`] }] : undefined,
  };
}
