import type { Mesh } from '../mesh';
import { analyzeCluster, formatFinding } from './analyzer';
import { formatViolation, validateManifests } from './manifest-validator';

/**
 * Runs at synth (a validation of the Mesh): every object of every cluster against the Istio
 * schemas and CEL rules, then the cross-object analysis of each cluster. An error here means
 * a bug in the library, or input that slipped past the intent checks: either way nothing
 * that Istio would reject is written.
 */
export function checkManifests(mesh: Mesh): string[] {
  const errors: string[] = [];
  const services = mesh._serviceModels();
  for (const cluster of mesh.clusters) {
    const objects = cluster._renderObjects();
    for (const v of validateManifests(objects)) errors.push(`cluster ${cluster.clusterName}: ${formatViolation(v)}`);
    // Multi-primary control planes share discovery: every cluster sees every service.
    const visible = mesh.discovery === 'multi-primary' ? services : services.filter((s) => s.clusters.includes(cluster.clusterName));
    const serviceHosts = new Set(visible.map((s) => s.fqdn));
    for (const f of analyzeCluster({ objects, serviceHosts })) {
      if (f.severity === 'error') errors.push(`cluster ${cluster.clusterName}: ${formatFinding(f)}`);
    }
  }
  return errors;
}
