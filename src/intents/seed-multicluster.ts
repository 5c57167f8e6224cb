/**
 * A seed inbound service's failover, distribution, versions and global host as InboundService
 * props. The bundle names clusters; they become the logical cloud's MeshClusters here, so that
 * a name that is not one (or, where the service's own clusters are meant, is not placed) is a
 * problem at its JSON path in bundle terms. Everything else (weights, orders, labels,
 * localities) is checked by the construct and reported back at the same path.
 */
import { Failover } from '../failover';
import type { MeshCluster } from '../mesh';
import type { MulticlusterProps } from '../multicluster-props';
import { pathKey, show } from '../problems';
import type { ClusterWeight, ServiceVersion, TrafficDistribution } from '../traffic-split';
import type { DistributionJson, FailoverJson, InboundServiceSpecJson, VersionJson } from './bundle-json';
import { asNumber, flag, listed, withoutUndefined } from './bundle-values';
import type { At } from './service-result';

/** The clusters a seed service's fields may name. */
export interface ServiceClusters {
  /** The service's application (its placement key), for messages. */
  readonly app: string;
  /** The clusters of the logical cloud. */
  readonly cloud: readonly MeshCluster[];
  /** The clusters the application is placed in (where the service runs). */
  readonly placed: readonly MeshCluster[];
  /** Cluster names whose own problems are reported (left out of the logical cloud): not reported again. */
  readonly reported: ReadonlySet<string>;
}

/** Reads one kind of cluster reference: any cluster of the logical cloud, or one the service runs in. */
type Scope = 'cloud' | 'placed';

interface Reader {
  readonly at: At;
  readonly clusters: ServiceClusters;
  readonly problems: string[];
  /** Set when a named cluster's own problem is reported elsewhere: the service is not built, and nothing is added. */
  refersToReported: boolean;
}

/**
 * The multicluster props of a seed service, or undefined when they name a cluster left out of
 * the logical cloud (its problem is reported there). Other problems are added to `problems`.
 */
export function seedMulticlusterProps(
  spec: InboundServiceSpecJson, at: At, clusters: ServiceClusters, problems: string[],
): MulticlusterProps | undefined {
  const r: Reader = { at, clusters, problems, refersToReported: false };
  const props = withoutUndefined<MulticlusterProps>({
    failover: spec.failover && seedFailover(r, spec.failover),
    distribution: spec.distribution?.map((d, i) => seedDistribution(r, `.spec.distribution[${i}]`, d)),
    versions: spec.versions?.map((v, i) => seedVersion(r, `.spec.versions[${i}]`, v)),
    globalHost: flag(spec.globalHost, at('.spec.globalHost'), problems),
  });
  return r.refersToReported ? undefined : props;
}

/** `{ mode, clusters?, labels? }`: each list belongs to one mode and is required there. */
function seedFailover(r: Reader, f: FailoverJson): Failover | undefined {
  const owner = { clusters: 'order', labels: 'labels' } as const;
  for (const key of ['clusters', 'labels'] as const) {
    if (f[key] !== undefined && f.mode !== owner[key]) {
      r.problems.push(`${r.at(`.spec.failover.${key}`)}: is only used with mode "${owner[key]}" (this failover's mode is "${f.mode}")`);
    }
    if (f[key] === undefined && f.mode === owner[key]) {
      const what = key === 'clusters'
        ? `every cluster the application is placed in, in the order callers use them (${placedNames(r.clusters)})`
        : 'label keys or key=value in priority order, e.g. [topology.istio.io/network, topology.istio.io/cluster]';
      r.problems.push(`${r.at(`.spec.failover.${key}`)}: is required with mode "${f.mode}" (${what})`);
    }
  }
  if (f.mode === 'locality') return Failover.byLocality();
  if (f.mode === 'labels') return f.labels && Failover.byLabels([...f.labels]);
  const order = f.clusters && clusterList(r, '.spec.failover.clusters', f.clusters, 'placed');
  return order && Failover.inOrder(order);
}

function seedDistribution(r: Reader, field: string, d: DistributionJson): TrafficDistribution {
  const from = d.from && clusterList(r, `${field}.from`, d.from, 'cloud');
  const to = d.to.map((w, j): ClusterWeight | undefined => {
    const cluster = clusterRef(r, `${field}.to[${j}].cluster`, w.cluster, 'placed');
    return cluster && { cluster, weight: asNumber(w.weight) };
  });
  // A cluster that is not one is a problem already: the service is not built.
  return withoutUndefined({ from, to: to.filter((w): w is ClusterWeight => w !== undefined) });
}

function seedVersion(r: Reader, field: string, v: VersionJson): ServiceVersion {
  const clusters = v.clusters && clusterList(r, `${field}.clusters`, v.clusters, 'placed');
  return withoutUndefined({ name: v.name, labels: v.labels, weight: asNumber(v.weight), clusters });
}

/** Every named cluster, or undefined when one is not a cluster (its problem is added). */
function clusterList(r: Reader, field: string, names: readonly string[], scope: Scope): MeshCluster[] | undefined {
  const found = names.map((name, i) => clusterRef(r, `${field}[${i}]`, name, scope));
  return found.every((c) => c !== undefined) ? (found as MeshCluster[]) : undefined;
}

/** The cluster a name refers to, or undefined with a problem (unless that cluster's own problem is reported). */
function clusterRef(r: Reader, field: string, name: string, scope: Scope): MeshCluster | undefined {
  const { cloud, placed, reported, app } = r.clusters;
  if (reported.has(name)) {
    r.refersToReported = true;
    return undefined;
  }
  const cluster = cloud.find((c) => c.clusterName === name);
  if (!cluster) {
    r.problems.push(`${r.at(field)}: ${show(name)} is not a cluster of the logical cloud (${listed(cloud.map((c) => c.clusterName))})`);
    return undefined;
  }
  if (scope === 'placed' && !placed.includes(cluster)) {
    r.problems.push(`${r.at(field)}: ${show(name)} is not a cluster the service runs in (${placedNames(r.clusters)}; `
      + `add it to $.placement${pathKey(app)})`);
    return undefined;
  }
  return cluster;
}

function placedNames(c: ServiceClusters): string {
  return listed(c.placed.map((x) => x.clusterName));
}
