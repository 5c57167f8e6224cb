import { App, AppProps } from 'cdk8s';
import { InboundService } from './inbound-service';
import { Mesh, MeshCluster } from './mesh';
import { objectFileProblem } from './output/file-names';
import { objectLabel, objectProblems } from './output/object-checks';
import { writeClusters } from './output/write-clusters';
import type { WriteReport } from './output/writer';
import { SERVICE_INTENT_LABEL } from './render/labels';

export { writeClusters };
export type { WriteReport };

/**
 * The file an object is written to: `<kind>.<namespace>.<name>.yaml` (lowercase kind), and
 * `<kind>._.<name>.yaml` without a namespace (`_` is in no namespace name, so no collision).
 */
export function manifestFileName(obj: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${obj.kind.toLowerCase()}.${obj.metadata.namespace ?? '_'}.${obj.metadata.name}.yaml`;
}

export interface ClusterManifests {
  readonly cluster: string;
  /** File name → object, sorted by file name. */
  readonly files: ReadonlyMap<string, any>;
}

/**
 * Runs every construct's validations and throws all errors at once, in cdk8s's format
 * (`Validation failed with the following errors:` then `[path] message` lines). This is what
 * App.synth does first; App.synthYaml would also render all YAML just to discard it.
 */
export function validateApp(app: App): void {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * Resolves and validates every cluster of every mesh in the app, and maps objects to files.
 * Throws (naming both objects) when two objects would be written to the same file, and (naming
 * the object and the intent that made it) when an object is too large for Kubernetes, holds a
 * private key outside a Secret, or has a name that cannot be a file name. Nothing is written.
 */
export function synthClusters(app: App): ClusterManifests[] {
  validateApp(app);
  const clusters = app.node.findAll().filter((c): c is MeshCluster => c instanceof MeshCluster);
  const owners = intentOwners(app);
  const seen = new Map<string, string>();
  const collisions: string[] = [];
  const objectErrors: string[] = [];
  const result: ClusterManifests[] = [];
  for (const chart of clusters) {
    if (seen.has(chart.clusterName)) collisions.push(`cluster directory "${chart.clusterName}" is produced by both ${seen.get(chart.clusterName)} and ${chart.node.path}`);
    seen.set(chart.clusterName, chart.node.path);
    const files = new Map<string, any>();
    for (const obj of chart._renderObjects()) {
      const owner = owners.get(`${chart.mesh.node.path}\n${obj.metadata?.labels?.[SERVICE_INTENT_LABEL]}`) ?? chart.mesh.node.path;
      const where = `cluster ${chart.clusterName}`;
      objectErrors.push(...objectProblems(obj, where).map((p) => `[${owner}] ${p}`));
      const file = manifestFileName(obj);
      const badName = objectFileProblem(file);
      if (badName) {
        objectErrors.push(`[${owner}] object ${objectLabel(obj)} (${where}) cannot be written, its file name ${badName}`);
        continue;
      }
      const prev = files.get(file);
      if (prev) {
        collisions.push(`cluster ${chart.clusterName}: ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} and ${prev.kind} ${prev.metadata.namespace}/${prev.metadata.name} would both be written to ${file}`);
        continue;
      }
      files.set(file, obj);
    }
    result.push({ cluster: chart.clusterName, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) });
  }
  if (objectErrors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${objectErrors.join('\n  ')}`);
  if (collisions.length > 0) throw new Error(`Synthesis failed with the following errors:\n  ${collisions.join('\n  ')}`);
  return result;
}

/** `<mesh path>\n<intent name>` → construct path of the inbound service that owns the objects labelled with it. */
function intentOwners(app: App): Map<string, string> {
  const owners = new Map<string, string>();
  for (const c of app.node.findAll()) {
    if (c instanceof InboundService) owners.set(`${Mesh.of(c).node.path}\n${c.name}`, c.node.path);
  }
  return owners;
}

/**
 * A cdk8s App that writes each mesh cluster into its own directory, one file per object:
 * `<outdir>/<cluster>/<kind>.<namespace>.<name>.yaml`, plus a kustomization.yaml. Everything is
 * validated before the first file is written; then every cluster directory is replaced as a
 * whole, and only files this tool wrote are ever replaced or removed (see writeClusters).
 */
export class MeshApp extends App {
  /** What the last synth wrote and removed (undefined before the first synth). */
  public lastWrite?: WriteReport;

  constructor(props: AppProps = {}) {
    super(props);
  }

  public override synth(): void {
    this.lastWrite = writeClusters(this.outdir, synthClusters(this));
    for (const w of this.lastWrite.warnings) process.stderr.write(`warning: ${w}\n`);
  }
}
