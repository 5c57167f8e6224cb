/**
 * Weighted distribution across a service's clusters, and versions (subsets) with weights:
 * the props and the checks that need nothing but the service itself.
 */
import { MeshCluster } from './mesh';
import type { DistributionModel, PortModel, VersionModel } from './model';
import { isDnsLabel } from './names';
import { checkKnownKeys, Problems } from './problems';
import { checkSelector } from './cluster-settings';

/** A server cluster's share of calls. */
export interface ClusterWeight {
  readonly cluster: MeshCluster;
  /** Percent of the calls (1-100). */
  readonly weight: number;
}

/**
 * How the calls of some callers are spread over the service's clusters (Istio's
 * `localityLbSetting.distribute`): e.g. 80/20 while moving a service between clusters.
 */
export interface TrafficDistribution {
  /**
   * Callers in these clusters follow this distribution.
   * @default - callers in every cluster
   */
  readonly from?: MeshCluster[];
  /** Shares per server cluster, summing to 100; a cluster left out gets none of these callers' calls. */
  readonly to: ClusterWeight[];
}

/** A version of the service: a DestinationRule subset of its pods, with a share of the calls. */
export interface ServiceVersion {
  /** Subset name, e.g. `v2` (a DNS-1123 label of at most 40 characters). */
  readonly name: string;
  /** Labels of this version's pods, e.g. `{ version: 'v2' }`. */
  readonly labels: Record<string, string>;
  /** Percent of the calls (0-100); the versions' weights sum to 100. */
  readonly weight: number;
  /**
   * Clusters this version's pods run in.
   * @default - every cluster the service runs in
   */
  readonly clusters?: MeshCluster[];
}

/** The name of one cluster of this mesh (of the service's clusters when given); undefined when it is not one. */
function clusterName(p: Problems, field: string, c: unknown, home: MeshCluster, serverClusters?: readonly string[]): string | undefined {
  if (!MeshCluster.isMeshCluster(c) || c.mesh !== home.mesh) {
    p.add(field, (c as { node?: { path?: string } })?.node?.path ?? c, 'is not a cluster of this mesh (use mesh.cluster("<name>"))');
    return undefined;
  }
  if (serverClusters && !serverClusters.includes(c.clusterName)) {
    p.add(field, c.clusterName, `is not a cluster the service runs in (${serverClusters.join(', ')}; add it to additionalClusters)`);
    return undefined;
  }
  return c.clusterName;
}

/** Cluster names of a list of MeshClusters of this mesh, each once; undefined when one is wrong. */
function clusterNames(p: Problems, field: string, list: unknown, home: MeshCluster, serverClusters?: readonly string[]): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0) {
    p.add(field, list, 'is not a non-empty list of clusters (mesh.cluster("<name>"))');
    return undefined;
  }
  const names: string[] = [];
  list.forEach((c: unknown, i) => {
    const name = clusterName(p, `${field}[${i}]`, c, home, serverClusters);
    if (name !== undefined && names.includes(name)) p.add(`${field}[${i}]`, name, 'is listed twice');
    else if (name !== undefined) names.push(name);
  });
  return names.length === list.length ? names : undefined;
}

/** Weights: whole numbers in [min, 100] summing to 100 (Istio: pkg/config/validation/agent/validation.go:549-560). */
function checkWeights(p: Problems, field: string, weights: ReadonlyArray<{ at: string; weight: unknown }>, min: number): boolean {
  let ok = true;
  for (const w of weights) {
    if (!Number.isInteger(w.weight) || (w.weight as number) < min || (w.weight as number) > 100) {
      p.add(`${w.at}.weight`, w.weight, `is not a weight (a whole number from ${min} to 100, in percent)`);
      ok = false;
    }
  }
  const sum = weights.reduce((n, w) => n + (Number(w.weight) || 0), 0);
  if (ok && sum !== 100) {
    p.add(field, weights.map((w) => w.weight), `has weights summing to ${sum}; they must sum to 100 (percent of the calls)`);
    ok = false;
  }
  return ok;
}

export function resolveDistribution(p: Problems, given: unknown, home: MeshCluster, clusters: readonly string[]): DistributionModel[] {
  if (given === undefined) return [];
  if (!Array.isArray(given) || given.length === 0) {
    p.add('distribution', given, 'is not a non-empty list of distributions ({ from?, to: [{ cluster, weight }] })');
    return [];
  }
  const out: DistributionModel[] = [];
  const fromSeen = new Map<string, number>();
  given.forEach((d: TrafficDistribution, i) => {
    const at = `distribution[${i}]`;
    if (!checkKnownKeys(p, at, d ?? null, ['from', 'to'])) return;
    const from = d.from === undefined ? undefined : clusterNames(p, `${at}.from`, d.from, home);
    for (const c of from ?? (d.from === undefined ? ['*'] : [])) {
      if (fromSeen.has(c)) {
        p.add(`${at}.from`, c === '*' ? 'every cluster' : c,
          `is also covered by distribution[${fromSeen.get(c)}] (one distribution per calling cluster)`);
      }
      fromSeen.set(c, i);
    }
    if (!Array.isArray(d.to) || d.to.length === 0) {
      p.add(`${at}.to`, d.to, 'is not a non-empty list of { cluster, weight }');
      return;
    }
    const okKeys = d.to.every((w, j) => checkKnownKeys(p, `${at}.to[${j}]`, w ?? null, ['cluster', 'weight']));
    if (!okKeys) return;
    const names = d.to.map((w, j) => clusterName(p, `${at}.to[${j}].cluster`, w.cluster, home, clusters));
    const twice = names.findIndex((n, j) => n !== undefined && names.indexOf(n) < j);
    if (twice >= 0) p.add(`${at}.to[${twice}].cluster`, names[twice], 'is listed twice');
    const weightsOk = checkWeights(p, `${at}.to`, d.to.map((w, j) => ({ at: `${at}.to[${j}]`, weight: w.weight })), 1);
    if (names.every((n) => n !== undefined) && twice < 0 && weightsOk && (d.from === undefined || from)) {
      out.push({ ...(from ? { from } : {}), to: names.map((cluster, j) => ({ cluster: cluster!, weight: d.to[j].weight })) });
    }
  });
  return out;
}

export interface VersionContext {
  readonly home: MeshCluster;
  readonly clusters: readonly string[];
  readonly workloadLabels: Record<string, string>;
  readonly ports: readonly PortModel[];
}

export function resolveVersions(p: Problems, given: unknown, c: VersionContext): VersionModel[] {
  if (given === undefined) return [];
  if (!Array.isArray(given) || given.length === 0) {
    p.add('versions', given, 'is not a non-empty list of versions ({ name, labels, weight, clusters? })');
    return [];
  }
  const out: VersionModel[] = [];
  given.forEach((v: ServiceVersion, i) => {
    const at = `versions[${i}]`;
    if (!checkKnownKeys(p, at, v ?? null, ['name', 'labels', 'weight', 'clusters'])) return;
    const version = resolveVersion(p, at, v, c);
    if (version) out.push(version);
  });
  if (out.length !== given.length) return [];
  if (!checkWeights(p, 'versions', given.map((v: ServiceVersion, i) => ({ at: `versions[${i}]`, weight: v.weight })), 0)) return [];
  return checkDistinct(p, out) ? out : [];
}

function resolveVersion(p: Problems, at: string, v: ServiceVersion, c: VersionContext): VersionModel | undefined {
  let ok = true;
  if (typeof v.name !== 'string' || !isDnsLabel(v.name) || v.name.length > 40) {
    p.add(`${at}.name`, v.name, 'is not a version name (a DNS-1123 label of at most 40 characters, e.g. "v2")');
    ok = false;
  }
  const before = p.list().length;
  checkSelector(p, `${at}.labels`, v.labels);
  if (p.list().length > before) return undefined;
  // A subset selects the service's pods that also carry its labels: a label the workload
  // selector pins to another value selects nothing.
  for (const [k, value] of Object.entries(v.labels)) {
    if (c.workloadLabels[k] !== undefined && c.workloadLabels[k] !== value) {
      p.add(`${at}.labels.${k}`, value, `contradicts the service's workloadLabels (${k}: "${c.workloadLabels[k]}"), so the version selects no pod`);
      ok = false;
    }
  }
  const clusters = v.clusters === undefined ? [...c.clusters] : clusterNames(p, `${at}.clusters`, v.clusters, c.home, c.clusters);
  if (!clusters || !ok) return undefined;
  return { name: v.name, labels: { ...v.labels }, clusters, weight: v.weight };
}

/** Versions must differ by name and by labels (two subsets with one selector split nothing). */
function checkDistinct(p: Problems, versions: readonly VersionModel[]): boolean {
  const key = (v: VersionModel) => JSON.stringify(Object.entries(v.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let ok = true;
  versions.forEach((v, i) => {
    const j = versions.findIndex((o) => o.name === v.name || key(o) === key(v));
    if (j < i) {
      const what = versions[j].name === v.name ? 'name' : 'labels';
      p.add(`versions[${i}]`, v.name, `repeats the ${what} of versions[${j}] (each version needs its own)`);
      ok = false;
    }
  });
  return ok;
}
