/**
 * Failover between the clusters a service runs in: a value type, one kind per value.
 */
import { MeshCluster } from './mesh';
import type { FailoverModel } from './model';
import { isLabelKey, isLabelValue } from './names';
import type { Problems } from './problems';

type FailoverSpec =
  | { readonly kind: 'locality' }
  | { readonly kind: 'order'; readonly clusters: readonly MeshCluster[] }
  | { readonly kind: 'labels'; readonly labels: readonly string[] };

/**
 * Which clusters a caller prefers, and where it goes when their endpoints are ejected by
 * outlier detection (which failover needs: `trafficPolicy.outlierDetection`).
 */
export class Failover {
  /**
   * Istio's locality failover: endpoints in the caller's subzone, then zone, then region,
   * then any other region. Every cluster of the service needs a `locality`, and the callers'
   * nodes their locality labels.
   */
  public static byLocality(): Failover {
    return new Failover({ kind: 'locality' });
  }

  /** The clusters in this order for every caller: the first while it has healthy endpoints, then the next. */
  public static inOrder(clusters: MeshCluster[]): Failover {
    return new Failover({ kind: 'order', clusters });
  }

  /**
   * Istio's `failoverPriority`: endpoints whose labels match the caller's own on the first
   * label, then on the second, ... (`label=value` compares with that value instead). Multi-primary
   * only: there endpoints carry `topology.istio.io/cluster` and `topology.istio.io/network`.
   */
  public static byLabels(labels: string[]): Failover {
    return new Failover({ kind: 'labels', labels });
  }

  private constructor(private readonly spec: FailoverSpec) {}

  /** @internal */
  public _bind(p: Problems, field: string, home: MeshCluster): FailoverModel | undefined {
    const s = this.spec;
    switch (s.kind) {
      case 'locality': return { kind: 'locality' };
      case 'order': return bindOrder(p, `${field}.clusters`, s.clusters, home);
      case 'labels': return bindLabels(p, `${field}.labels`, s.labels);
    }
  }
}

function bindOrder(p: Problems, field: string, clusters: unknown, home: MeshCluster): FailoverModel | undefined {
  if (!Array.isArray(clusters) || clusters.length === 0) {
    p.add(field, clusters, 'is not a non-empty list of clusters (mesh.cluster("<name>"))');
    return undefined;
  }
  const names: string[] = [];
  clusters.forEach((c: unknown, i) => {
    if (!MeshCluster.isMeshCluster(c) || c.mesh !== home.mesh) {
      p.add(`${field}[${i}]`, (c as { node?: { path?: string } })?.node?.path ?? c, 'is not a cluster of this mesh (use mesh.cluster("<name>"))');
    } else if (names.includes(c.clusterName)) p.add(`${field}[${i}]`, c.clusterName, 'is listed twice');
    else names.push(c.clusterName);
  });
  return names.length === clusters.length ? { kind: 'order', clusters: names } : undefined;
}

/** `key` or `key=value` (Istio splits on the first `=`, pilot/pkg/networking/core/loadbalancer/loadbalancer.go:289-304). */
function bindLabels(p: Problems, field: string, labels: unknown): FailoverModel | undefined {
  if (!Array.isArray(labels) || labels.length === 0) {
    p.add(field, labels, 'is not a non-empty list of labels (e.g. ["topology.istio.io/network", "topology.istio.io/cluster"])');
    return undefined;
  }
  let ok = true;
  labels.forEach((l: unknown, i) => {
    const [key, value, extra] = typeof l === 'string' ? l.split('=') : [];
    if (typeof key !== 'string' || !isLabelKey(key) || (value !== undefined && !isLabelValue(value)) || extra !== undefined) {
      p.add(`${field}[${i}]`, l, 'is not a label key, or key=value (e.g. "topology.istio.io/network")');
      ok = false;
    }
  });
  return ok ? { kind: 'labels', labels: [...labels] as string[] } : undefined;
}
