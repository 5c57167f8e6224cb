/**
 * How a caller's sidecar chooses among a service's clusters and versions: locality failover,
 * failover order, weighted distribution, outlier detection able to eject a whole cluster, and
 * version subsets. Every rule or route a caller gets for a host that reaches several clusters
 * is shaped here, from what that caller sees (its "view").
 */
import { isHttpFamily, ServiceModel, TrafficPolicyModel } from '../model';
import type { LocalityLbInput, SubsetInput } from '../render/destination-rule';
import type { HttpRouteInput, TcpRouteInput, WeightedSubset } from '../render/virtual-service';
import { localityString } from '../topology';
import type { PlanContext } from './context';
import type { CallSite } from './routes';

/** Labels on ServiceEntry endpoints that order clusters for `Failover.inOrder` (federated). */
export const FAILOVER_LABEL_PREFIX = 'traffic.intents.cdk8s.io/failover-';
/** Label on a ServiceEntry endpoint saying its cluster runs a version (federated subsets select on it). */
export const VERSION_LABEL_PREFIX = 'traffic.intents.cdk8s.io/version-';
/** The cluster label istiod puts on pods and on east-west gateway endpoints (multi-primary). */
const ISTIO_CLUSTER_LABEL = 'topology.istio.io/cluster';

/** What one caller's rule for one host sees. */
export interface CallerView {
  readonly site: CallSite;
  /** The server clusters whose endpoints the caller gets. */
  readonly clusters: readonly string[];
  /**
   * `pods`: endpoints carry the pods' own labels and node localities (callers in a server
   * cluster, multi-primary). `gateways`: one ServiceEntry endpoint per server cluster, labelled
   * and placed by this library (federated).
   */
  readonly endpoints: 'pods' | 'gateways';
  /** Federated: the entry resolves gateway names by DNS. */
  readonly dns?: boolean;
}

/** What a caller's rule and routes get for a view. */
export interface CallerChoice {
  readonly trafficPolicy: TrafficPolicyModel;
  readonly localityLbSetting?: LocalityLbInput;
  readonly subsets: SubsetInput[];
  /** Weighted subsets every port is routed over, when every weighted version is in view. */
  readonly split?: WeightedSubset[];
}

export function callerChoice(ctx: PlanContext, s: ServiceModel, view: CallerView): CallerChoice {
  const localityLbSetting = localityLbOf(ctx, s, view);
  const split = splitOf(s, view);
  // Subsets only with the routes that use them (a rule nobody reads is not emitted).
  const subsets = split ? versionsInView(s, view).map((v) => ({
    name: v.name, labels: view.endpoints === 'pods' ? v.labels : { [versionLabel(v.name)]: 'true' },
  })) : [];
  return { trafficPolicy: ejectingPolicy(s, view, localityLbSetting !== undefined), localityLbSetting, subsets, split };
}

/** The distribution that applies to callers in a cluster (the first naming it, or the one for every cluster). */
export function distributionFor(s: ServiceModel, callerCluster: string) {
  return (s.distribution ?? []).find((d) => !d.from || d.from.includes(callerCluster));
}

/**
 * Istio's `localityLbSetting` for the view, only where the caller sees several clusters.
 * `distribute` (applied with or without outlier detection, Istio 1.30.3
 * pilot/pkg/networking/core/loadbalancer/loadbalancer.go:98-100) replaces failover for its
 * callers (102-115: one or the other). The rule is per calling cluster, so `from` is `*`.
 */
function localityLbOf(ctx: PlanContext, s: ServiceModel, view: CallerView): LocalityLbInput | undefined {
  if (view.clusters.length < 2) return undefined;
  const d = distributionFor(s, view.site.cluster);
  if (d) {
    const to = Object.fromEntries(d.to.map((w) => [localityString(ctx.cluster(w.cluster).locality!), w.weight]));
    return { enabled: true, distribute: [{ from: '*', to }] };
  }
  const f = s.failover;
  if (!f) return undefined;
  switch (f.kind) {
    // No `failover` or `failoverPriority`: the default priorities by how much of region, zone
    // and subzone an endpoint shares with the caller (loadbalancer.go:181-235, util.go:300-311).
    case 'locality': return { enabled: true };
    case 'labels': return { enabled: true, failoverPriority: f.labels };
    case 'order': return { enabled: true, failoverPriority: orderPriority(f.clusters, view) };
  }
}

/**
 * A cluster order as `failoverPriority`. Istio gives an endpoint priority `n - j` at the first
 * listed label `j` whose value differs from the caller's (or from the `=value` given,
 * loadbalancer.go:289-355). Federated: the cluster at position p of k carries
 * `failover-1 … failover-(k-1-p)`, so the first matches every label (priority 0), the last none.
 * Multi-primary: endpoints carry their real cluster (`topology.istio.io/cluster`), which orders
 * two clusters (a rule keeps it to two).
 */
function orderPriority(order: readonly string[], view: CallerView): string[] {
  if (view.endpoints === 'pods') return [`${ISTIO_CLUSTER_LABEL}=${order[0]}`];
  return order.slice(1).map((_, i) => `${FAILOVER_LABEL_PREFIX}${i + 1}=y`);
}

/** Labels and locality of the ServiceEntry endpoint that leads a federated caller to one server cluster. */
export function endpointMarks(ctx: PlanContext, s: ServiceModel, view: CallerView, cluster: string) {
  const labels: Record<string, string> = {};
  const order = s.failover?.kind === 'order' && view.clusters.length > 1 && !distributionFor(s, view.site.cluster) ? s.failover.clusters : [];
  const position = order.indexOf(cluster);
  for (let i = 1; position >= 0 && i <= order.length - 1 - position; i++) labels[`${FAILOVER_LABEL_PREFIX}${i}`] = 'y';
  for (const v of s.versions ?? []) if (v.clusters.includes(cluster)) labels[versionLabel(v.name)] = 'true';
  const l = ctx.cluster(cluster).locality;
  // A DNS entry's cluster is built from its first locality group with every endpoint, so
  // `failoverPriority` would mix up endpoints across groups (Istio 1.30.3
  // pilot/pkg/networking/core/cluster.go:528-541, loadbalancer.go:285,345): one group then.
  const locality = l && !(view.dns && order.length > 0) ? localityString(l) : undefined;
  return { labels, locality };
}

/**
 * Outlier detection that can eject a whole cluster. Envoy ejects a host only while
 * `100 × (ejected + 1) / hosts ≤ maxEjectionPercent`, counting all priorities, with a default
 * of 10% (so nothing below 10 hosts); Istio sets it only when given
 * (pilot/pkg/networking/core/cluster_traffic_policy.go:491-493). Where a caller fails over, or
 * sees one gateway endpoint per cluster, the default becomes 100: every cluster but a healthy
 * one can be ejected. With outlier detection Istio turns Envoy's panic mode off (511-519): when
 * all are ejected the caller gets 503s until the ejection time passes.
 */
function ejectingPolicy(s: ServiceModel, view: CallerView, shifting: boolean): TrafficPolicyModel {
  const od = s.trafficPolicy.outlierDetection;
  const ejectsClusters = view.clusters.length > 1 && (shifting || view.endpoints === 'gateways');
  if (!od || !ejectsClusters || od.maxEjectionPercent !== undefined) return s.trafficPolicy;
  return { ...s.trafficPolicy, outlierDetection: { ...od, maxEjectionPercent: 100 } };
}

export function versionLabel(version: string): string {
  return `${VERSION_LABEL_PREFIX}${version}`;
}

function versionsInView(s: ServiceModel, view: CallerView) {
  return (s.versions ?? []).filter((v) => v.clusters.some((c) => view.clusters.includes(c)));
}

/** The weighted versions, when the caller can reach each of them (otherwise the rules report it). */
function splitOf(s: ServiceModel, view: CallerView): WeightedSubset[] | undefined {
  const weighted = (s.versions ?? []).filter((v) => v.weight > 0);
  if (weighted.length === 0 || weighted.some((v) => !v.clusters.some((c) => view.clusters.includes(c)))) return undefined;
  return weighted.map((v) => ({ subset: v.name, weight: v.weight }));
}

/**
 * Routes for a host: timeout and retries on HTTP-family ports, and the version split on every
 * port (HTTP-family and TCP; TLS ports are refused with versions).
 */
export function hostRoutes(s: ServiceModel, host: string, split: readonly WeightedSubset[] | undefined) {
  const http: HttpRouteInput[] = [];
  const tcp: TcpRouteInput[] = [];
  for (const p of s.ports) {
    const route = { matchPort: p.number, destinationHost: host, destinationPort: p.number, split };
    if (isHttpFamily(p.protocol) && (s.timeout || s.retries || split)) http.push({ ...route, timeout: s.timeout, retries: s.retries });
    else if (!isHttpFamily(p.protocol) && split) tcp.push(route);
  }
  return { http, tcp };
}
