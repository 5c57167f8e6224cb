import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, Chart, Names, Yaml } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { clustersOfChart } from './chart-placement';
import { InboundService } from './inbound-service';
import { Mesh, MeshCluster } from './mesh';
import { objectFileProblem } from './output/file-names';
import { OutputError } from './output/fs-errors';
import { ClusterManifests, manifestFileName, manifestText, ManifestTexts } from './output/manifests';
import { objectLabel, objectProblems } from './output/object-checks';
import { withTextPrefetch } from './output/text-prefetch';
import { writeClusters } from './output/write-clusters';
import type { WriteOptions, WriteReport } from './output/writer';
import { phase } from './progress';
import { SERVICE_INTENT_LABEL } from './render/labels';
import { checkConnectivityTargets, connectivityTexts, writeConnectivityTexts } from './review/write';

export { manifestFileName, manifestText, writeClusters };
export type { ClusterManifests, WriteOptions, WriteReport };

/** An ordinary chart that belongs to no mesh cluster, and the file it is written to. */
export interface ChartManifests {
  /** The chart's construct path. */
  readonly chart: string;
  /** File name in the output directory: `<chart label><outputFileExtension>`, as cdk8s names it. */
  readonly file: string;
  /** The chart's objects, in cdk8s's order. */
  readonly objects: readonly any[];
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
 * Resolves and validates every cluster of every mesh in the app, and maps objects to files:
 * the cluster's Istio objects and the objects of the ordinary charts that belong to it (declared
 * inside its scope, or placed there with `placeChart`). Throws (naming both objects) when two
 * objects would be written to the same file. Nothing is written. Charts in no cluster are
 * left to `synthCharts`.
 */
export function synthClusters(app: App): ClusterManifests[] {
  validateApp(app);
  return phase('files', () => clusterManifests(app), (clusters) => clusters.reduce((n, c) => n + c.files.size, 0));
}

/**
 * The ordinary charts that belong to no mesh cluster, each rendered the way cdk8s's default
 * App writes it (`<outdir>/<chart label><outputFileExtension>`, objects in cdk8s's order).
 * Charts without objects are left out. Validates the app first; nothing is written.
 */
export function synthCharts(app: App): ChartManifests[] {
  validateApp(app);
  return chartManifests(app);
}

function clusterManifests(app: App): ClusterManifests[] {
  const all = app.node.findAll(); // one walk of a tree that can hold 100,000 constructs
  const clusters = all.filter(MeshCluster.isMeshCluster);
  const placed = chartsByCluster(all);
  const owners = intentOwners(all);
  const seen = new Map<string, string>();
  const collisions: string[] = [];
  const objectErrors: string[] = [];
  const result: ClusterManifests[] = [];
  for (const chart of clusters) {
    if (seen.has(chart.clusterName)) {
      collisions.push(`cluster directory "${chart.clusterName}" is produced by both ${seen.get(chart.clusterName)} and ${chart.node.path}`);
    }
    seen.set(chart.clusterName, chart.node.path);
    const objects = [...chart._renderObjects(), ...(placed.get(chart) ?? []).flatMap((c) => c.toJson())];
    const owner = (obj: any) => owners.get(`${chart.mesh.node.path}\n${obj.metadata?.labels?.[SERVICE_INTENT_LABEL]}`) ?? chart.mesh.node.path;
    result.push({ cluster: chart.clusterName, files: filesOf(chart.clusterName, objects, owner, collisions, objectErrors) });
  }
  if (objectErrors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${objectErrors.join('\n  ')}`);
  throwIfAny(collisions);
  return result;
}

/**
 * One cluster's objects by file name (sorted), checked as written: size, private keys, file
 * names (errors name the intent that made the object), and two objects for one file.
 */
function filesOf(cluster: string, objects: readonly any[], owner: (obj: any) => string, collisions: string[], errors: string[]): Map<string, any> {
  const files = new Map<string, any>();
  const where = `cluster ${cluster}`;
  for (const obj of objects) {
    errors.push(...objectProblems(obj, where).map((p) => `[${owner(obj)}] ${p}`));
    const file = manifestFileName(obj);
    const badName = objectFileProblem(file);
    if (badName) {
      errors.push(`[${owner(obj)}] object ${objectLabel(obj)} (${where}) cannot be written, its file name ${badName}`);
      continue;
    }
    const prev = files.get(file);
    if (prev) collisions.push(`${where}: ${describe(obj)} and ${describe(prev)} would both be written to ${file}`);
    else files.set(file, obj);
  }
  return new Map([...files].sort(([a], [b]) => compare(a, b)));
}

/** `<mesh path>\n<intent name>` → construct path of the inbound service that owns the objects labelled with it. */
function intentOwners(all: readonly IConstruct[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const c of all) {
    if (c instanceof InboundService) owners.set(`${Mesh.of(c).node.path}\n${c.name}`, c.node.path);
  }
  return owners;
}

/** Ordinary charts by the cluster they belong to. */
function chartsByCluster(all: readonly IConstruct[]): Map<MeshCluster, Chart[]> {
  const out = new Map<MeshCluster, Chart[]>();
  for (const chart of ordinaryCharts(all)) {
    for (const cluster of clustersOfChart(chart)) out.set(cluster, [...(out.get(cluster) ?? []), chart]);
  }
  return out;
}

function chartManifests(app: App): ChartManifests[] {
  // cdk8s 2.0 has no outputFileExtension: it always wrote `.k8s.yaml`.
  const extension = (app as Partial<App>).outputFileExtension ?? '.k8s.yaml';
  const byFile = new Map<string, string>();
  const collisions: string[] = [];
  const result: ChartManifests[] = [];
  for (const chart of ordinaryCharts(app.node.findAll()).filter((c) => clustersOfChart(c).length === 0)) {
    const objects: any[] = chart.toJson();
    if (objects.length === 0) continue;
    const file = `${Names.toDnsLabel(chart)}${extension}`;
    if (byFile.has(file)) collisions.push(`charts ${byFile.get(file)} and ${chart.node.path} would both be written to ${file}`);
    byFile.set(file, chart.node.path);
    result.push({ chart: chart.node.path, file, objects });
  }
  throwIfAny(collisions);
  return result.sort((a, b) => compare(a.file, b.file));
}

/** The charts among the constructs (`app.node.findAll()`) that are not mesh clusters. */
function ordinaryCharts(all: readonly IConstruct[]): Chart[] {
  return all.filter((c): c is Chart => c instanceof Chart && !MeshCluster.isMeshCluster(c));
}

function describe(obj: any): string {
  return `${obj.kind} ${obj.metadata.namespace ?? '_'}/${obj.metadata.name}`;
}

function throwIfAny(collisions: readonly string[]): void {
  if (collisions.length > 0) throw new Error(`Synthesis failed with the following errors:\n  ${collisions.join('\n  ')}`);
}

/** Code-unit order, never locale order: output must not depend on the machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
 * `<outdir>/<cluster>/<kind>.<namespace>.<name>.yaml`, including the objects of ordinary charts
 * that belong to the cluster (declared inside `mesh.cluster(name)`, or placed there with
 * `placeChart`). Every other chart is written like cdk8s's default App writes it:
 * `<outdir>/<chart label>.k8s.yaml`. Every file starts with `---`, so the files concatenated in
 * any order (what `cdk8s synth --stdout` prints) are a valid multi-document YAML stream.
 * Next to the cluster directories go `connectivity.md` and `connectivity.json`: who may call
 * whom, read from the written objects (see the README's "Reviewing access").
 * Everything is synthesized and validated before the first file is written; then every cluster
 * directory is replaced as a whole, and only files this tool wrote are ever replaced or removed
 * (see `writeClusters`).
 */
export class MeshApp extends App {
  /** What the last synth wrote and removed (undefined before the first synth). */
  public lastWrite?: WriteReport;

  /** @param props cdk8s App props; `outdir` defaults to `CDK8S_OUTDIR`, else `dist`. */
  constructor(props: AppProps = {}) {
    super(props);
  }

  /**
   * Validates the whole app, synthesizes every cluster and chart, then writes them: the
   * clusters into `<outdir>/<cluster>/`, the other charts into `<outdir>/<chart label>.k8s.yaml`.
   * Throws, writing nothing, when anything is invalid or two objects would share a file.
   */
  public override synth(): void {
    withTextPrefetch(new ManifestTexts(), () => {
      validateApp(this);
      const clusters = clusterManifests(this);
      const charts = chartManifests(this);
      checkChartTargets(this.outdir, charts);
      if (clusters.length > 0) checkConnectivityTargets(this.outdir);
      // The graph first: the writer's YAML threads finish meanwhile.
      const graph = clusters.length > 0 ? connectivityTexts(clusters) : undefined;
      this.lastWrite = writeClusters(this.outdir, clusters);
      for (const w of this.lastWrite.warnings) process.stderr.write(`warning: ${w}\n`);
      writeCharts(this.outdir, charts);
      if (graph) writeConnectivityTexts(this.outdir, graph);
    });
  }
}

/** First line of every chart file MeshApp writes: how a rerun knows the file is its own. */
export const CHART_FILE_HEADER = '# Generated by cdk8s-istio-intents (MeshApp): rewritten on every synth.';

/**
 * Writes the charts that belong to no cluster into `<outdir>/<file>`, one YAML stream each,
 * each file replaced whole (written beside it, then renamed). A file of that name that this
 * tool did not write (no header line) is never overwritten: nothing is written and the error
 * names it. Call it only after everything has been synthesized (and so validated).
 */
export function writeCharts(outdir: string, charts: readonly ChartManifests[]): void {
  if (charts.length === 0) return;
  checkChartTargets(outdir, charts);
  fs.mkdirSync(outdir, { recursive: true });
  for (const c of charts) {
    const target = path.join(outdir, c.file);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${CHART_FILE_HEADER}\n---\n${Yaml.stringify(...c.objects)}`);
    fs.renameSync(tmp, target);
  }
}

/** Throws, naming them, when chart files would replace files this tool did not write. */
export function checkChartTargets(outdir: string, charts: readonly ChartManifests[]): void {
  const theirs = charts.map((c) => path.join(outdir, c.file)).filter((file) => {
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat) return false;
    if (!stat.isFile()) return true;
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(CHART_FILE_HEADER.length);
      fs.readSync(fd, head, 0, head.length, 0);
      return head.toString('utf8') !== CHART_FILE_HEADER;
    } finally {
      fs.closeSync(fd);
    }
  });
  if (theirs.length > 0) {
    const list = theirs.map((f) => `  ${f}: this tool did not write this file and would have to replace it; move it away`).join('\n');
    throw new OutputError(`nothing was written:\n${list}`);
  }
}
