/**
 * Writes synthesized clusters into `<out>/<cluster>/`, one file per object, plus a
 * `Kustomization` and the record of what was written. The rules:
 * - only files this tool wrote are replaced or removed (ownership.ts); everything else in a
 *   cluster directory stays, and a file of the user's where an object file must go stops the
 *   run before anything is written;
 * - a cluster directory is replaced as a whole (transaction.ts): complete old or complete new;
 * - one run at a time per output directory (lock.ts);
 * - names are checked here again, whatever the synth settings (file-names.ts);
 * - symbolic links are never followed out of the output directory: a cluster directory that is
 *   a link is an error, links inside one are the user's entries and are moved, not followed.
 */
import fs = require('node:fs');
import * as path from 'node:path';
import { clusterDirProblem, KUSTOMIZATION, KUSTOMIZATION_NAMES, objectFileProblem, OUT_RECORD_FILE, RECORD_FILE } from './file-names';
import { attempt, fsFailure, OutputError } from './fs-errors';
import { renderKustomization } from './kustomization';
import { lockOutputDir } from './lock';
import { ClusterDirScan, readRegularFile, renderRecord, scanClusterDir, sha256 } from './ownership';
import { ClusterChange, FileThreads, lstatOrUndefined, recoverInterruptedRun, replaceClusterDirs } from './transaction';

/** How a write is made. */
export interface WriteOptions {
  /**
   * Flush every file to disk (fsync) before the swap, so the output survives a power loss or an
   * operating-system crash mid-run, not only a killed process. Slow on large outputs.
   * @default false
   */
  readonly durable?: boolean;
  /**
   * Threads creating the files of a large output (tests force them on small ones).
   * @internal
   */
  readonly fileThreads?: FileThreads;
}

/** One cluster's files as text: file name → YAML. */
export interface ClusterTexts {
  readonly cluster: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface WrittenCluster {
  readonly cluster: string;
  readonly dir: string;
  /** Object files written (the kustomization and the record not counted). */
  readonly objects: number;
}

/** What a write did. */
export interface WriteReport {
  readonly clusters: readonly WrittenCluster[];
  /** Files this tool had written earlier and removed now (no longer produced), `<cluster>/<file>`; a removed directory ends in `/`. */
  readonly removed: readonly string[];
  /** Things the user should know: a kustomization of theirs kept, a directory kept for their files. */
  readonly warnings: readonly string[];
  /** What was done to finish or undo an interrupted earlier run. */
  readonly recovered: readonly string[];
}

interface Planned {
  readonly changes: ClusterChange[];
  readonly removed: string[];
  readonly warnings: string[];
}

/**
 * Writes every cluster, or — on any problem — nothing, and throws an OutputError naming each
 * problem (a path and its real cause).
 */
export function writeClusterTexts(outdir: string, clusters: readonly ClusterTexts[], options: WriteOptions = {}): WriteReport {
  checkNames(clusters);
  makeDirectories(outdir);
  const lock = lockOutputDir(outdir);
  try {
    const recovered = recoverInterruptedRun(outdir);
    const plan = planChanges(outdir, clusters);
    const outRecord = renderOutRecord(clusters.map((c) => c.cluster));
    const warnings = [...plan.warnings, ...replaceClusterDirs(outdir, plan.changes, outRecord, options)];
    const written = clusters.map((c) => ({ cluster: c.cluster, dir: path.join(outdir, c.cluster), objects: c.files.size }));
    return { clusters: written, removed: plan.removed, warnings, recovered };
  } catch (e) {
    throw e instanceof OutputError ? e : fsFailure(e, outdir, 'write the output');
  } finally {
    lock.release();
  }
}

function checkNames(clusters: readonly ClusterTexts[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of clusters) {
    const dirProblem = clusterDirProblem(c.cluster);
    if (dirProblem) problems.push(dirProblem);
    else if (seen.has(c.cluster)) problems.push(`cluster "${c.cluster}" is given twice`);
    seen.add(c.cluster);
    for (const name of c.files.keys()) {
      const fileProblem = objectFileProblem(name);
      if (fileProblem) problems.push(`cluster ${c.cluster}: ${fileProblem}`);
    }
  }
  if (problems.length > 0) throw new OutputError(`nothing was written:\n  ${problems.join('\n  ')}`);
}

/** Creates the output directory and its parents one by one, so a failure names its real cause. */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    const stat = attempt(cur, 'use as the output directory', () => lstatOrUndefined(cur, ['ENOENT', 'ENOTDIR']));
    if (stat) {
      const target = stat.isSymbolicLink() ? attempt(cur, 'follow the link', () => fs.statSync(cur)) : stat;
      if (!target.isDirectory()) throw new OutputError(`${cur}: is not a directory (the output directory goes there)`, 'ENOTDIR');
      break;
    }
    missing.unshift(cur);
    if (path.dirname(cur) === cur) break;
  }
  for (const d of missing) attempt(d, 'create the directory', () => fs.mkdirSync(d));
}

function planChanges(outdir: string, clusters: readonly ClusterTexts[]): Planned {
  const planned: Planned = { changes: [], removed: [], warnings: [] };
  const problems: string[] = [];
  for (const c of clusters) planCluster(outdir, c.cluster, c.files, planned, problems);
  const current = new Set(clusters.map((c) => c.cluster));
  for (const gone of readOutRecord(outdir).filter((c) => !current.has(c))) planCluster(outdir, gone, undefined, planned, problems);
  if (problems.length > 0) throw new OutputError(`nothing was written:\n  ${problems.join('\n  ')}`);
  return planned;
}

/** Plans one cluster directory; `objects` undefined retires a directory of a cluster no longer produced. */
function planCluster(outdir: string, cluster: string, objects: ReadonlyMap<string, string> | undefined, planned: Planned, problems: string[]): void {
  const dir = path.join(outdir, cluster);
  const stat = attempt(dir, 'inspect', () => lstatOrUndefined(dir));
  if (stat?.isSymbolicLink()) {
    const why = 'this tool writes only real directories inside the output directory, never through a link';
    if (objects) problems.push(`${dir}: is a symbolic link; ${why}`);
    else planned.warnings.push(`${dir}: is a symbolic link; left alone (cluster ${cluster} is no longer produced)`);
    return;
  }
  if (stat && !stat.isDirectory()) {
    if (objects) problems.push(`${dir}: is a file where the directory of cluster ${cluster} goes (EEXIST); move it away`);
    return;
  }
  const scan: ClusterDirScan = stat ? scanClusterDir(dir) : { ours: new Set<string>(), user: [], edited: [] };
  const userNames = new Set(scan.user.map((e) => e.name));
  const files = new Map(objects ?? []);
  const theirKustomization = KUSTOMIZATION_NAMES.filter((n) => userNames.has(n));
  if (objects && theirKustomization.length > 0) {
    const theirs = path.join(dir, theirKustomization[0]);
    const fix = `list this tool's files in it (see ${RECORD_FILE})`;
    planned.warnings.push(`${theirs}: is yours, so it was kept and no Kustomization was written; ${fix}`);
  } else if (objects) files.set(KUSTOMIZATION, renderKustomization([...objects.keys()]));
  if (objects) files.set(RECORD_FILE, renderRecord(new Map([...files].map(([name, text]) => [name, sha256(text)]))));
  for (const name of files.keys()) {
    if (!userNames.has(name)) continue;
    problems.push(`${path.join(dir, name)}: this tool did not write this file (or it was changed since), and would have to replace it; move it away`);
  }
  for (const name of scan.ours) if (!files.has(name) && name !== RECORD_FILE) planned.removed.push(`${cluster}/${name}`);
  for (const name of scan.edited) {
    const fate = files.has(name) ? 'replaced by the new output' : 'removed (no longer produced)';
    planned.warnings.push(`${path.join(dir, name)}: was edited since this tool wrote it; the edit is ${fate} (change the intents instead)`);
  }
  if (!objects && stat && scan.user.length === 0) planned.removed.push(`${cluster}/`);
  if (!objects && scan.user.length > 0) {
    planned.warnings.push(`${dir}: kept (cluster ${cluster} is no longer produced) because it holds files this tool did not write`);
  }
  if (!stat && !objects) return;
  const userFiles = scan.user.filter((e) => e.type === 'file').map((e) => e.name);
  planned.changes.push({ cluster, oldOurs: [...scan.ours], userFiles, files, retire: !objects, mode: stat?.mode });
}

function renderOutRecord(clusters: readonly string[]): string {
  const sorted = [...clusters].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = {
    generator: 'cdk8s-istio-intents',
    note: 'The cluster directories cdk8s-istio-intents writes here; a cluster no longer produced has its files removed (only files it wrote).',
    clusters: sorted,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function readOutRecord(outdir: string): string[] {
  const bytes = readRegularFile(path.join(outdir, OUT_RECORD_FILE));
  if (!bytes) return [];
  try {
    const data = JSON.parse(bytes.toString('utf8'));
    if (data?.generator !== 'cdk8s-istio-intents' || !Array.isArray(data.clusters)) return [];
    return data.clusters.filter((c: unknown) => typeof c === 'string' && clusterDirProblem(c) === undefined);
  } catch {
    return [];
  }
}
