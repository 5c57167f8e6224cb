import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, Yaml } from 'cdk8s';
import { Mesh, MeshCluster } from './mesh';

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
 * Throws (naming both objects) when two objects would be written to the same file.
 * Nothing is written.
 */
export function synthClusters(app: App): ClusterManifests[] {
  validateApp(app);
  const clusters = app.node.findAll().filter((c): c is MeshCluster => c instanceof MeshCluster);
  const seen = new Map<string, string>();
  const collisions: string[] = [];
  const result: ClusterManifests[] = [];
  for (const chart of clusters) {
    if (seen.has(chart.clusterName)) collisions.push(`cluster directory "${chart.clusterName}" is produced by both ${seen.get(chart.clusterName)} and ${chart.node.path}`);
    seen.set(chart.clusterName, chart.node.path);
    const files = new Map<string, any>();
    for (const obj of chart._renderObjects()) {
      const file = manifestFileName(obj);
      const prev = files.get(file);
      if (prev) {
        collisions.push(`cluster ${chart.clusterName}: ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} and ${prev.kind} ${prev.metadata.namespace}/${prev.metadata.name} would both be written to ${file}`);
        continue;
      }
      files.set(file, obj);
    }
    result.push({ cluster: chart.clusterName, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) });
  }
  if (collisions.length > 0) throw new Error(`Synthesis failed with the following errors:\n  ${collisions.join('\n  ')}`);
  return result;
}

/**
 * The synth warnings of every mesh in the app (what cannot hold in Istio but is not wrong),
 * one line each: `[construct path] setting: why`. Every synth (`synthClusters`, `cdk8s synth`)
 * also prints them to stderr once, unless `withWarningSink` collects them; `strict: true` on
 * the Mesh makes them errors.
 */
export function synthWarnings(app: App): string[] {
  return app.node.findAll().filter((c): c is Mesh => c instanceof Mesh).flatMap((m) => m.warnings());
}

/**
 * A cdk8s App that writes each mesh cluster into its own directory, one file per object:
 * `<outdir>/<cluster>/<kind>.<namespace>.<name>.yaml`. Everything is validated before the
 * first file is written; stale `.yaml` files in a cluster directory are removed.
 */
export class MeshApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
  }

  public override synth(): void {
    writeClusters(this.outdir, synthClusters(this));
  }
}

/**
 * Writes synthesized clusters into `<outdir>/<cluster>/`, removing stale `.yaml` files there.
 * Call it only after everything that will be written has been synthesized (and so validated).
 */
export function writeClusters(outdir: string, clusters: readonly ClusterManifests[]): void {
  // Every directory first, so an unusable output path fails before any file is written.
  const dirs = clusters.map((c) => path.join(outdir, c.cluster));
  for (const dir of dirs) fs.mkdirSync(dir, { recursive: true });
  clusters.forEach((c, i) => {
    for (const f of fs.readdirSync(dirs[i])) if (f.endsWith('.yaml') && !c.files.has(f)) fs.rmSync(path.join(dirs[i], f));
    for (const [file, obj] of c.files) fs.writeFileSync(path.join(dirs[i], file), Yaml.stringify(obj));
  });
}
