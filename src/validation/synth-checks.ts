import type { MeshModel } from '../model';
import { analyzeCluster, formatFinding } from './analyzer';
import { formatViolation, validateManifests } from './manifest-validator';
import { phase } from '../progress';

/**
 * Runs at synth (a validation of the Mesh): every object of every cluster against the Istio
 * schemas and CEL rules, then the cross-object analysis of each cluster. An error here means
 * a bug in the library, or input that slipped past the intent checks: either way nothing
 * that Istio would reject is written.
 */
export function checkManifests(model: MeshModel, rendered: ReadonlyMap<string, readonly any[]>): string[] {
  const count = () => [...rendered.values()].reduce((n, objects) => n + objects.length, 0);
  const invalid = phase('validate', () => model.clusters.flatMap((cluster) => {
    return validateManifests(rendered.get(cluster.name) ?? []).map((v) => `cluster ${cluster.name}: ${formatViolation(v)}`);
  }), count);
  return [...invalid, ...phase('analyze', () => analyzeClusters(model, rendered), count)];
}

/** Cross-object findings of every cluster (errors only). */
function analyzeClusters(model: MeshModel, rendered: ReadonlyMap<string, readonly any[]>): string[] {
  const errors: string[] = [];
  for (const cluster of model.clusters) {
    const objects = rendered.get(cluster.name) ?? [];
    // Multi-primary control planes share discovery: every cluster sees every service.
    const visible = model.discovery === 'multi-primary' ? model.services : model.services.filter((s) => s.clusters.includes(cluster.name));
    const serviceHosts = new Set(visible.map((s) => s.fqdn));
    for (const f of analyzeCluster({ objects, serviceHosts })) {
      if (f.severity === 'error') errors.push(`cluster ${cluster.name}: ${formatFinding(f)}`);
    }
  }
  return errors;
}
