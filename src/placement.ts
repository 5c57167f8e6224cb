import { MeshCluster } from './mesh';
import type { Problems } from './problems';

/**
 * The clusters a workload runs in: the one it is declared in, then `additionalClusters`
 * (clusters of the same mesh, each once).
 */
export function placementOf(p: Problems, home: MeshCluster, additional: readonly MeshCluster[] | undefined): string[] {
  const clusters = [home.clusterName];
  if (additional !== undefined && !Array.isArray(additional)) {
    p.add('additionalClusters', additional, 'is not a list of clusters (mesh.cluster("<name>"))');
    return clusters;
  }
  const list: readonly unknown[] = additional ?? [];
  list.forEach((item, i) => {
    const c = MeshCluster.isMeshCluster(item) ? item : undefined;
    if (!c || c.mesh !== home.mesh) {
      p.add(`additionalClusters[${i}]`, (item as IConstructLike)?.node?.path ?? item, 'is not a cluster of this mesh (use mesh.cluster("<name>"))');
    }
    else if (clusters.includes(c.clusterName)) {
      p.add(`additionalClusters[${i}]`, c.clusterName, 'is listed twice (or is the cluster the intent is declared in)');
    }
    else clusters.push(c.clusterName);
  });
  return clusters;
}

type IConstructLike = { node?: { path?: string } } | null | undefined;
