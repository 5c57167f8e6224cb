/**
 * Failover, distribution, versions and the global host against the mesh: localities,
 * discovery mode and callers (what a single service cannot know). Errors for what cannot
 * work, warnings for what does not hold for some callers. They read the planner's routes and
 * views, so they speak about what is rendered.
 */
import type { ServiceModel } from '../model';
import { distributionFor, PlanContext } from '../plan';
import { localityString, LocalityModel } from '../topology';

/** A warning (the shape of rules/warnings.ts's SynthWarning, which imports this file). */
interface Warning {
  readonly path: string;
  readonly field: string;
  readonly message: string;
}

/** Cross-intent problems of one service's failover, distribution, versions and global host. */
export function multiclusterProblems(ctx: PlanContext, s: ServiceModel): string[] {
  return [...globalHostProblems(ctx, s), ...failoverProblems(ctx, s), ...distributionProblems(ctx, s), ...ejectionProblems(ctx, s),
    ...versionProblems(ctx, s)];
}

function globalHostProblems(ctx: PlanContext, s: ServiceModel): string[] {
  if (!s.globalHost || ctx.model.discovery === 'federated') return [];
  return [`globalHost: true is for federated meshes; in multi-primary mode ${s.fqdn} already reaches every cluster the service runs in `
    + '(drop globalHost)'];
}

/** Server clusters without a locality, for messages. */
function withoutLocality(ctx: PlanContext, clusters: readonly string[]): string[] {
  return clusters.filter((c) => !ctx.cluster(c).locality);
}

function failoverProblems(ctx: PlanContext, s: ServiceModel): string[] {
  const f = s.failover;
  if (!f) return [];
  const out: string[] = [];
  const missing = withoutLocality(ctx, s.clusters);
  if (f.kind === 'locality' && missing.length > 0) {
    out.push(`failover: Failover.byLocality() needs a locality on every cluster the service runs in; ${missing.join(', ')} has none `
      + '(set locality: { region, zone } on the cluster, matching its nodes\' topology labels)');
  }
  if (f.kind === 'labels' && ctx.model.discovery === 'federated') {
    out.push('failover: Failover.byLabels() compares endpoint labels, but in federated mode a caller\'s endpoints are east-west gateways '
      + 'that istiod labels with the caller\'s own cluster (Istio 1.30.3 pilot/pkg/serviceregistry/util/label/label.go:54-56); '
      + 'use Failover.inOrder([...]) or Failover.byLocality()');
  }
  if (f.kind === 'order' && ctx.model.discovery === 'multi-primary' && f.clusters.length > 2) {
    out.push(`failover.clusters: Failover.inOrder() orders at most two clusters in multi-primary mode (${f.clusters.join(', ')} given): `
      + 'pods carry only their own cluster\'s label, so Istio can tell the first cluster from the rest only; '
      + 'use Failover.byLocality() with localities that express the order, or federated discovery');
  }
  return out;
}

/** Whether a locality key (`region[/zone[/subzone]]`) covers a locality (Istio's LocalityMatch, pilot/pkg/networking/util/util.go:288-298). */
function covers(key: LocalityModel, l: LocalityModel | undefined): boolean {
  return !!l && key.region === l.region && (key.zone === undefined || key.zone === l.zone)
    && (key.subzone === undefined || key.subzone === l.subzone);
}

/**
 * Istio weighs locality groups, not clusters (loadbalancer.go:119-178): each named cluster's
 * locality must cover no other cluster of the service, or that cluster would share its weight
 * (and which key claims it would depend on map order).
 */
function distributionProblems(ctx: PlanContext, s: ServiceModel): string[] {
  if (!s.distribution) return [];
  const missing = withoutLocality(ctx, s.clusters);
  if (missing.length > 0) {
    return [`distribution: needs a locality on every cluster the service runs in (Istio distributes by locality); ${missing.join(', ')} has none `
      + '(set locality: { region, zone } on the cluster)'];
  }
  const out: string[] = [];
  s.distribution.forEach((d, i) => d.to.forEach((w, j) => {
    const key = ctx.cluster(w.cluster).locality!;
    const shared = s.clusters.find((c) => c !== w.cluster && covers(key, ctx.cluster(c).locality));
    if (shared) {
      out.push(`distribution[${i}].to[${j}].cluster: "${w.cluster}" has locality "${localityString(key)}", which also covers ${shared} `
        + `("${localityString(ctx.cluster(shared).locality!)}"): Istio weighs localities, not clusters (give each cluster its own zone or subzone)`);
    }
  }));
  return out;
}

/**
 * Federated callers see one gateway endpoint per cluster: Envoy ejects while
 * `100 × (ejected + 1) / endpoints ≤ maxEjectionPercent` (Envoy outlier_detection_impl.cc,
 * DetectorImpl::ejectHost), so failing over from all clusters but one needs at least
 * `100 × (n - 1) / n`.
 */
function ejectionProblems(ctx: PlanContext, s: ServiceModel): string[] {
  const pct = s.trafficPolicy.outlierDetection?.maxEjectionPercent;
  const n = s.clusters.length;
  if (pct === undefined || n < 2 || ctx.model.discovery !== 'federated' || (!s.failover && !s.distribution)) return [];
  const needed = Math.ceil((100 * (n - 1)) / n);
  if (pct >= needed) return [];
  return [`trafficPolicy.outlierDetection.maxEjectionPercent: ${pct} lets a caller eject only ${Math.floor((pct * n) / 100)} of the ${n} `
    + `cluster endpoints it sees (one east-west gateway per cluster), so it cannot fail over from ${n - 1} failed clusters; `
    + `use at least ${needed}, or leave it unset (callers that fail over then get 100)`];
}

/**
 * Federated callers of `<svc>.<ns>.svc.cluster.local` inside a server cluster reach the local
 * pods only: a weighted version that does not run there cannot get its share.
 */
function versionProblems(ctx: PlanContext, s: ServiceModel): string[] {
  if (ctx.model.discovery !== 'federated' || s.globalHost) return [];
  return localCallersMissingVersions(ctx, s).map(({ cluster, versions, sites }) =>
    `versions: ${versions.join(', ')} ${versions.length > 1 ? 'do' : 'does'} not run in ${cluster}, where ${sites.join(', ')} `
    + `${sites.length > 1 ? 'call' : 'calls'} ${s.fqdn}, the local Service (federated: only its pods); set globalHost: true and call `
    + `${s.serviceName}.${s.namespace}.global, or run ${versions.length > 1 ? 'them' : 'it'} in ${cluster} too`);
}

/** Per server cluster with local callers: the weighted versions not running there. */
function localCallersMissingVersions(ctx: PlanContext, s: ServiceModel) {
  const weighted = (s.versions ?? []).filter((v) => v.weight > 0);
  return s.clusters.flatMap((cluster) => {
    const versions = weighted.filter((v) => !v.clusters.includes(cluster)).map((v) => v.name);
    const sites = ctx.routes.of(s).filter((r) => r.kind === 'local' && r.to === cluster).map((r) => `${r.from.cluster}/${r.from.namespace}`);
    const callers = [...sites, ...s.allowedNamespaces.map((n) => `${cluster}/${n} (allowed namespace)`)];
    return versions.length > 0 && callers.length > 0 ? [{ cluster, versions, sites: [...new Set(callers)] }] : [];
  });
}

/**
 * Federated callers inside a server cluster that call `<svc>.<ns>.svc.cluster.local` (the local
 * Kubernetes Service, which reaches the local pods only) do not fail over or distribute when
 * the service has no global host to call instead.
 */
export function multiclusterWarnings(ctx: PlanContext, s: ServiceModel): Warning[] {
  if (ctx.model.discovery !== 'federated' || s.clusters.length < 2 || s.globalHost) return [];
  const local = ctx.routes.of(s).filter((r) => r.kind === 'local');
  const field = s.failover ? 'failover' : local.some((r) => distributionFor(s, r.from.cluster)) ? 'distribution' : undefined;
  if (!field || local.length === 0) return [];
  const sites = local.map((r) => `${r.from.cluster}/${r.from.namespace}`).join(', ');
  return [{ path: s.path, field, message: `does not hold for callers inside server clusters (${sites}): federated, they call `
    + `${s.fqdn}, the local Service, which reaches only local pods `
    + `(set globalHost: true and have them call ${s.serviceName}.${s.namespace}.global)` }];
}
