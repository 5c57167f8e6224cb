import { Chart } from 'cdk8s';
import { MeshCluster } from './mesh';
import { IntentError } from './problems';

// Declared placements, kept off the charts themselves so nothing shows in their JSON or tree.
const declared = new WeakMap<Chart, MeshCluster[]>();

/**
 * Places an ordinary cdk8s Chart (your workloads: cdk8s-plus Deployments, Services, ...) in
 * mesh clusters: `MeshApp` and `synthClusters` write its objects into each cluster's
 * directory, next to the Istio objects, one file per object. Use it for a workload that runs
 * in several clusters (an `InboundService` with `additionalClusters`), or for a chart that is
 * not declared inside `mesh.cluster(name)`. A chart declared inside a cluster's scope belongs
 * to that cluster without this call; charts in no cluster are written the way cdk8s writes
 * them (`<outdir>/<chart>.k8s.yaml`).
 *
 * Calling it again adds clusters.
 */
export function placeChart(chart: Chart, clusters: readonly MeshCluster[]): void {
  const path = pathOf(chart) ?? String(chart);
  if (!(chart instanceof Chart)) throw new IntentError(path, 'chart', path, 'is not a cdk8s Chart (placeChart places whole charts)');
  if (MeshCluster.isMeshCluster(chart)) throw new IntentError(path, 'chart', path, 'is a mesh cluster already; place ordinary charts only');
  if (!Array.isArray(clusters) || clusters.length === 0) {
    throw new IntentError(path, 'clusters', clusters, 'is not a non-empty list of mesh clusters (mesh.cluster("<name>"))');
  }
  const list = declared.get(chart) ?? [];
  clusters.forEach((c, i) => {
    if (!MeshCluster.isMeshCluster(c)) {
      throw new IntentError(path, `clusters[${i}]`, pathOf(c) ?? c, 'is not a mesh cluster (use mesh.cluster("<name>"))');
    }
    if (c.node.root !== chart.node.root) {
      throw new IntentError(path, `clusters[${i}]`, c.node.path, 'belongs to another App than the chart (declare both in one App)');
    }
    if (!list.includes(c)) list.push(c);
  });
  declared.set(chart, list);
}

/**
 * The mesh clusters whose directories a chart's objects go to: the cluster whose scope it is
 * declared in (if any), then the clusters it, or a chart it is declared in, was placed in with
 * `placeChart` (a nested chart travels with its parent).
 */
export function clustersOfChart(chart: Chart): MeshCluster[] {
  const scopes = chart.node.scopes.slice().reverse();
  const enclosing = scopes.slice(1).find(MeshCluster.isMeshCluster);
  const placed = scopes.flatMap((s) => (s instanceof Chart ? declared.get(s) ?? [] : []));
  return [...new Set([...(enclosing ? [enclosing] : []), ...placed])];
}

/** The construct path of something given from plain JavaScript, if it is a construct. */
function pathOf(x: unknown): string | undefined {
  const node = (x as { node?: { path?: unknown } } | null | undefined)?.node;
  return typeof node?.path === 'string' ? node.path : undefined;
}
