/**
 * Rules that involve more than one intent, run once per synth over the whole model (when
 * every intent is known). They read the routes the planner uses, so a rule can never disagree
 * with what is rendered. Messages are grouped by the construct path of the service they are
 * about, for that construct's validation to report.
 */
import type { MeshModel, ServiceModel } from '../model';
import { PlanContext, Route } from '../plan';
import { multiclusterProblems } from './multicluster';

/** Cross-intent problems of every service, by construct path. */
export function checkServices(model: MeshModel): Map<string, string[]> {
  const ctx = new PlanContext(model);
  const index = new ServiceIndex(model.services);
  const out = new Map<string, string[]>();
  for (const s of model.services) {
    const messages = [
      ...conflictsWithOthers(index, s), ...placementProblems(s), ...ctx.routes.of(s).flatMap((r) => routeProblems(ctx, s, r)),
      ...ctx.routes.of(s).flatMap((r) => hostShadowed(ctx, index, s, r)), ...multiclusterProblems(ctx, s), ...accessCancelled(s),
    ];
    if (messages.length > 0) out.set(s.path, [...new Set(messages)]);
  }
  return out;
}

/** Services by name, host and pinned VIP, so a rule looks up instead of scanning all services. */
class ServiceIndex {
  private readonly order = new Map<ServiceModel, number>();
  private readonly byKey = new Map<string, ServiceModel[]>();

  constructor(services: readonly ServiceModel[]) {
    services.forEach((s, i) => {
      this.order.set(s, i);
      this.add(`name:${s.name}`, s);
      this.add(`fqdn:${s.fqdn}`, s);
      if (s.external) for (const c of s.clusters) this.add(`external:${c}:${s.external.host}:${s.external.port}`, s);
      if (s.vip !== undefined) this.add(`vip:${s.vip}`, s);
    });
  }

  /** The other services sharing a key with `s`, in declaration order. */
  public others(s: ServiceModel, ...keys: string[]): ServiceModel[] {
    const found = new Set(keys.flatMap((k) => this.byKey.get(k) ?? []));
    found.delete(s);
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  private add(key: string, s: ServiceModel): void {
    const list = this.byKey.get(key) ?? [];
    list.push(s);
    this.byKey.set(key, list);
  }
}

/** Names, hosts and VIPs one service shares with others. */
function conflictsWithOthers(index: ServiceIndex, s: ServiceModel): string[] {
  const out: string[] = [];
  const sameName = index.others(s, `name:${s.name}`)[0];
  if (sameName) {
    out.push(`name: "${s.name}" is already the name of ${sameName.path} (intent names must be unique in the mesh: they name the Istio objects; `
      + 'to run one service in several clusters, declare it once, with additionalClusters)');
  }
  for (const o of index.others(s, `fqdn:${s.fqdn}`, ...(s.vip !== undefined ? [`vip:${s.vip}`] : []))) {
    const shared = o.clusters.filter((c) => s.clusters.includes(c));
    if (o.fqdn === s.fqdn && shared.length > 0) {
      out.push(`serviceName: "${s.serviceName}" in namespace "${s.namespace}" is also declared by ${o.path} in cluster ${shared[0]} `
        + '(one service per host and cluster; use additionalClusters for one service in several clusters)');
    }
    if (s.vip !== undefined && o.vip === s.vip) out.push(`vip: "${s.vip}" is also pinned by ${o.path} (each host needs its own address)`);
  }
  const x = s.external;
  const externalKeys = x ? s.clusters.map((c) => `external:${c}:${x.host}:${x.port}`) : [];
  const sameExternal = index.others(s, ...externalKeys)[0];
  if (x && sameExternal) {
    out.push(`externalAccess.host: "${x.host}" on port ${x.port} is also exposed by ${sameExternal.path} in a cluster both run in `
      + '(the ingress gateway would route the host to one of them; give each service its own external host)');
  }
  return out;
}

/**
 * A headless service's instance names (`kafka-0.kafka.<ns>...`) name one pod each. Placed in
 * several clusters, each name would lead to a different pod per cluster: remote callers would
 * be balanced between brokers that share a name, and in multi-primary mode Istio's DNS proxy
 * answers pod names of the caller's network only (Istio 1.30.3 pkg/dns/server/name_table.go:83-112).
 */
function placementProblems(s: ServiceModel): string[] {
  if (s.instances === 0 || s.clusters.length < 2) return [];
  return [`additionalClusters: a headless service cannot run in more than one cluster (it runs in ${s.clusters.join(', ')}): `
    + `each instance name such as ${s.serviceName}-0 would name a different pod in each cluster `
    + '(declare one service per cluster, with its own serviceName)'];
}

/**
 * Federated: a caller's ServiceEntry for the host must not meet a Kubernetes Service of the
 * same host in its cluster. In the service's own namespace the Kubernetes Service wins and the
 * entry's endpoints are merged into it (Istio 1.30.3 pilot/pkg/model/push_context.go:1571-1582,
 * endpointshards.go:179-188); elsewhere the caller's own namespace wins (sidecar.go:744-773) but
 * DNS answers with the Service's address. Either way the call does not go where the intent says.
 */
function hostShadowed(ctx: PlanContext, index: ServiceIndex, s: ServiceModel, r: Route): string[] {
  if (ctx.model.discovery !== 'federated' || r.kind === 'local' || r.kind === 'ingress' || r.global) return [];
  const other = index.others(s, `fqdn:${s.fqdn}`).find((o) => o.clusters.includes(r.from.cluster));
  if (!other) return [];
  return [`serviceName: "${s.serviceName}" in namespace "${s.namespace}" is called from cluster ${r.from.cluster}, where ${other.path} `
    + 'runs a Kubernetes Service with the same host: callers there would reach that one (give one of them another serviceName or namespace)'];
}

/** What cannot work on one route: a gateway without an address, hops Istio cannot make. */
function routeProblems(ctx: PlanContext, s: ServiceModel, r: Route): string[] {
  if (r.kind === 'local' || r.kind === 'ingress') return [];
  const out: string[] = [];
  const client = ctx.cluster(r.from.cluster);
  const server = ctx.cluster(r.to);
  const networks = `client cluster ${client.name} is on network "${client.network}", ${server.name} on "${server.network}"`;
  const multiPrimary = ctx.model.discovery === 'multi-primary';
  if (!multiPrimary && !server.eastWest.address) {
    out.push(`clusters: ${server.name} has clients in ${client.name}, but cluster ${server.name} has no eastWestGateway.address `
      + `(remote clients reach it through that gateway: set eastWestGateway.address of cluster ${server.name} in the Mesh's clusters `
      + 'to the IP address or DNS name of its east-west gateway\'s load balancer)');
  }
  if (r.kind === 'sameNetwork') return out;
  if (multiPrimary && s.instances > 0) {
    out.push('headless: instances of a headless service cannot be reached across networks in multi-primary mode (istio/istio#38327); '
      + `${networks} (use discovery: "federated")`);
  }
  if (multiPrimary && !s.sidecar) {
    out.push('sidecar: a service without a sidecar cannot be reached across networks in multi-primary mode '
      + `(istiod drops non-mTLS endpoints of other networks); ${networks} (use discovery: "federated", or give the workload a sidecar)`);
  }
  if (r.kind === 'gatewayMeshTls' && s.instances > 0) {
    out.push('headless: instances of a headless service without a sidecar cannot be addressed from other clusters '
      + `(the gateway terminating mesh mTLS for it routes the service host only); give the workload a sidecar, or call it from ${server.name}`);
  }
  if (r.kind === 'gatewayMeshTls' && s.ports.length > 1) {
    out.push('ports: a service without a sidecar is reached from other clusters through its gateway\'s mesh-mTLS port, '
      + `which carries one service port; this one has ${s.ports.length} (give remote clients a single-port service)`);
  }
  return out;
}

/**
 * An allowed namespace admits every workload in it for everything (ALLOW rules are ORed), so a
 * caller in that namespace whose access policy restricts it would in fact not be restricted.
 */
function accessCancelled(s: ServiceModel): string[] {
  const allowed = new Set(s.allowedNamespaces);
  return [...new Set(s.accessPolicies.map((a) => a.principal))].flatMap((principal) => {
    const namespace = /\/ns\/([^/]+)\/sa\//.exec(principal)?.[1];
    if (namespace === undefined || !allowed.has(namespace)) return [];
    return [`allowedNamespaces: "${namespace}" admits every workload there for every request, so the access policy of ${principal} `
      + `would restrict nothing (Istio ORs allow rules); drop "${namespace}" from allowedNamespaces and add its other callers as clients`];
  });
}
