/**
 * What a caller's sidecar does with the rendered objects of its own cluster: Istio 1.30.3's
 * locality load balancing, re-stated over a ServiceEntry's endpoints, a DestinationRule and a
 * VirtualService, so tests can prove where calls go (not just which fields are set).
 *
 * - priorities: pilot/pkg/networking/core/loadbalancer/loadbalancer.go:85-116 (dispatch),
 *   181-235 (locality failover, util.go:300-311 LbPriority), 246-355 (failoverPriority);
 * - distribution: loadbalancer.go:119-178 (applyLocalityWeights, util.go:288-298 LocalityMatch);
 * - Envoy sends to the highest priority (lowest number) that has a healthy host (ignoring the
 *   overprovisioning spill-over before a priority is wholly ejected);
 * - Envoy ejects while 100 × (ejected + 1) / hosts ≤ maxEjectionPercent (outlier_detection_impl.cc).
 */
const CLUSTER_LABEL = 'traffic.intents.cdk8s.io/cluster';

export interface Endpoint {
  readonly cluster: string;
  readonly locality?: string;
  readonly labels: Record<string, string>;
}

export interface Caller {
  /** The caller's locality, from its node's labels: `region/zone[/subzone]`. */
  readonly locality: string;
  readonly labels?: Record<string, string>;
}

export function endpointsOf(serviceEntry: any): Endpoint[] {
  return serviceEntry.spec.endpoints.map((e: any) => ({ cluster: e.labels[CLUSTER_LABEL], locality: e.locality, labels: e.labels }));
}

const split = (l: string | undefined) => (l ?? '').split('/');

function lbPriority(caller: string, endpoint: string | undefined): number {
  const [r1, z1, s1] = split(caller);
  const [r2, z2, s2] = split(endpoint);
  if (r1 !== r2) return 3;
  if ((z1 ?? '') !== (z2 ?? '')) return 2;
  return (s1 ?? '') === (s2 ?? '') ? 0 : 1;
}

function localityMatch(locality: string | undefined, rule: string): boolean {
  const [r, z, s] = split(locality);
  const [rr, rz, rs] = rule.split('/');
  return (rr === '*' || r === rr) && (!rz || rz === '*' || z === rz) && (!rs || rs === '*' || s === rs);
}

/** Compacts priorities to 0..n without gaps (loadbalancer.go:222-234). */
function compact(prios: Map<string, number>): Map<string, number> {
  const levels = [...new Set(prios.values())].sort((a, b) => a - b);
  return new Map([...prios].map(([c, p]) => [c, levels.indexOf(p)]));
}

/** Priority of each endpoint's cluster for this caller, as istiod computes it from the rule. */
export function priorities(dr: any, endpoints: readonly Endpoint[], caller: Caller): Map<string, number> {
  const lls = dr.spec.trafficPolicy?.loadBalancer?.localityLbSetting;
  const failover = dr.spec.trafficPolicy?.outlierDetection !== undefined;
  const out = new Map<string, number>();
  for (const e of endpoints) {
    if (!lls || lls.enabled === false || lls.distribute || !failover) out.set(e.cluster, 0);
    else if (lls.failoverPriority) {
      const labels: string[] = lls.failoverPriority;
      const j = labels.findIndex((l) => {
        const [key, value] = l.split('=');
        return (value ?? caller.labels?.[key]) !== e.labels[key];
      });
      out.set(e.cluster, j < 0 ? 0 : labels.length - j);
    } else out.set(e.cluster, lbPriority(caller.locality, e.locality));
  }
  return compact(out);
}

/** The clusters Envoy sends to: the highest priority with a cluster not ejected. */
export function serving(prios: ReadonlyMap<string, number>, ejected: ReadonlySet<string> = new Set()): string[] {
  const healthy = [...prios].filter(([c]) => !ejected.has(c));
  if (healthy.length === 0) return [];
  const best = Math.min(...healthy.map(([, p]) => p));
  return healthy.filter(([, p]) => p === best).map(([c]) => c).sort();
}

/** Whether outlier detection may eject `count` of `hosts` endpoints (Envoy's max-ejection check). */
export function mayEject(dr: any, count: number, hosts: number): boolean {
  const max = dr.spec.trafficPolicy?.outlierDetection?.maxEjectionPercent ?? 10;
  return dr.spec.trafficPolicy?.outlierDetection !== undefined && (100 * count) / hosts <= max;
}

/** Percent of calls per cluster under `distribute` (endpoints in no `to` locality get none). */
export function distributionShares(dr: any, endpoints: readonly Endpoint[], caller: Caller): Map<string, number> {
  const entry = (dr.spec.trafficPolicy?.loadBalancer?.localityLbSetting?.distribute ?? [])
    .find((d: any) => localityMatch(caller.locality, d.from));
  const shares = new Map<string, number>(endpoints.map((e) => [e.cluster, 0]));
  if (!entry) return new Map(endpoints.map((e) => [e.cluster, 100 / endpoints.length]));
  for (const [locality, weight] of Object.entries<number>(entry.to)) {
    const matching = endpoints.filter((e) => localityMatch(e.locality, locality));
    for (const e of matching) shares.set(e.cluster, shares.get(e.cluster)! + weight / matching.length);
  }
  return shares;
}

/** Percent of calls per `<subset>@<cluster>`: the route's weights, each subset's share spread over its endpoints. */
export function versionShares(vs: any, dr: any, endpoints: readonly Endpoint[]): Map<string, number> {
  const out = new Map<string, number>();
  const route = vs.spec.http?.[0]?.route ?? vs.spec.tcp?.[0]?.route;
  for (const r of route) {
    const subset = (dr.spec.subsets ?? []).find((x: any) => x.name === r.destination.subset);
    const selected = endpoints.filter((e) => Object.entries<string>(subset.labels).every(([k, v]) => e.labels[k] === v));
    for (const e of selected) out.set(`${subset.name}@${e.cluster}`, (r.weight ?? 100) / selected.length);
  }
  return out;
}
