import type { MeshModel } from '../model';
import { analyzeCluster, formatFinding } from './analyzer';
import { formatViolation, validateManifests } from './manifest-validator';

/**
 * Runs at synth (a validation of the Mesh): every object of every cluster against the Istio
 * schemas and CEL rules, then the cross-object analysis of each cluster. An error here means
 * a bug in the library, or input that slipped past the intent checks: either way nothing
 * that Istio would reject is written.
 */
export function checkManifests(model: MeshModel, rendered: ReadonlyMap<string, readonly any[]>): string[] {
  const errors: string[] = [];
  for (const cluster of model.clusters) {
    const objects = rendered.get(cluster.name) ?? [];
    for (const v of validateManifests(objects)) errors.push(`cluster ${cluster.name}: ${formatViolation(v)}`);
    // Multi-primary control planes share discovery: every cluster sees every service.
    const visible = model.discovery === 'multi-primary' ? model.services : model.services.filter((s) => s.clusters.includes(cluster.name));
    const serviceHosts = new Set(visible.map((s) => s.fqdn));
    for (const f of analyzeCluster({ objects, serviceHosts })) {
      if (f.severity === 'error') errors.push(`cluster ${cluster.name}: ${formatFinding(f)}`);
    }
  }
  return errors;
}
