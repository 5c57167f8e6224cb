/**
 * All-or-nothing replacement of cluster directories.
 *
 * Design (why it is safe):
 * 1. Stage: every cluster's complete new directory is built under
 *    `<out>/.cdk8s-istio-intents.work/new/<cluster>`: our new files (written with O_EXCL; files,
 *    directories and the journal are fsync'd only when `durable` asks for power-loss safety — a
 *    killed process loses nothing the kernel holds, and the flushes cost more than the rest of a
 *    large write), our record, and a hard link (a copy where links are not possible) of every
 *    regular file of the user in the current directory. Any failure here (full disk,
 *    read-only mount, permissions) removes the work directory: nothing visible changed.
 * 2. Commit: a journal naming the clusters is written (and renamed into place):
 *    from here on, the run is rolled forward, by this run or — after a crash — by the next.
 * 3. Swap: per cluster, two renames: `<out>/<cluster>` → `work/old/<cluster>`, then
 *    `work/new/<cluster>` → `<out>/<cluster>`. A directory is never written in place, so it is
 *    always the complete old or the complete new output. The only other state is the instant
 *    between the two renames (Node has no atomic exchange), when the directory is absent and
 *    the complete old output is in `work/old/`; a kill -9 exactly there is repaired by the next
 *    run, before anything else.
 * 4. Reconcile: what the user had in the old directory and is not already in the new one
 *    (subdirectories, symlinks, a file saved during the run) is moved into the new directory;
 *    our old files are deleted. User files are never deleted: each is either linked into the
 *    new directory or moved there.
 * 5. The output directory's record is replaced (write + rename), the work directory removed.
 *
 * Recovery (start of every run, under the lock): with a journal, steps 3-5 are finished; without
 * one, the staged directories are discarded (the swap never began).
 */
import fs = require('node:fs');
import * as path from 'node:path';
import { OUT_RECORD_FILE, WORK_DIR } from './file-names';
import { NewFilesOptions, writeNewFileOrFail, writeNewFiles } from './file-threads';
import { attempt, OutputError } from './fs-errors';

/** One cluster directory to replace (or retire), as planned before anything is written. */
export interface ClusterChange {
  readonly cluster: string;
  /** Our files now in the directory (removed from it by the swap). */
  readonly oldOurs: readonly string[];
  /** The user's regular files now in the directory (linked into the new one). */
  readonly userFiles: readonly string[];
  /** The new directory's files (ours): name → text. Empty for a cluster no longer produced. */
  readonly files: ReadonlyMap<string, string>;
  /** The cluster is no longer produced: its directory goes if nothing of the user's is left. */
  readonly retire: boolean;
  /** Mode of the current directory, kept by the new one. */
  readonly mode?: number;
}

interface JournalEntry {
  readonly cluster: string;
  readonly oldOurs: string[];
  readonly newOurs: string[];
  readonly retire: boolean;
}

interface Journal {
  readonly clusters: JournalEntry[];
  readonly outRecord: string;
}

const work = (out: string, ...p: string[]) => path.join(out, WORK_DIR, ...p);
const JOURNAL = 'journal.json';

/** Stages, commits and swaps; returns warnings (user entries that had to be renamed). */
export function replaceClusterDirs(out: string, changes: readonly ClusterChange[], outRecord: string, options: ReplaceOptions = {}): string[] {
  flushToDisk = options.durable === true;
  fileThreads = options.fileThreads ?? {};
  try {
    return replace(out, changes, outRecord);
  } finally {
    flushToDisk = false;
    fileThreads = {};
  }
}

/** How `replaceClusterDirs` writes. */
export interface ReplaceOptions {
  /** Flush files and directories to disk (see `flushToDisk`). */
  readonly durable?: boolean;
  /** Threads creating the new files (file-threads.ts). */
  readonly fileThreads?: FileThreads;
}

export type FileThreads = Pick<NewFilesOptions, 'threads' | 'minFilesForThreads' | 'slowFileMs'>;

/**
 * Whether this run flushes files and directories to disk (fsync). Without it a killed process
 * still leaves the complete old or new output (the kernel keeps what was written and renamed);
 * with it the output also survives a power loss. On a large output the flushes cost more than
 * everything else (each directory fsync commits every file written before it).
 */
let flushToDisk = false;
let fileThreads: FileThreads = {};

function replace(out: string, changes: readonly ClusterChange[], outRecord: string): string[] {
  try {
    stage(out, changes);
  } catch (e) {
    discardWork(out);
    throw e;
  }
  const journal: Journal = {
    clusters: changes.map((c) => ({ cluster: c.cluster, oldOurs: [...c.oldOurs], newOurs: [...c.files.keys()], retire: c.retire })),
    outRecord,
  };
  writeAtomically(work(out, JOURNAL), `${JSON.stringify(journal)}\n`, work(out, `${JOURNAL}.tmp`));
  try {
    return applyJournal(out, journal);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new OutputError(`${message}; the new output is committed: the next run into this directory finishes the swap (${work(out)} holds both)`);
  }
}

/** Finishes (journal present) or discards (no journal) the work of an interrupted run. */
export function recoverInterruptedRun(out: string): string[] {
  const dir = work(out);
  const stat = lstatOrUndefined(dir);
  if (!stat) return [];
  if (!stat.isDirectory()) {
    throw new OutputError(`${dir}: is not a directory this tool made (a ${stat.isSymbolicLink() ? 'symbolic link' : 'file'}); remove it`);
  }
  const journalText = fs.existsSync(work(out, JOURNAL)) ? fs.readFileSync(work(out, JOURNAL), 'utf8') : undefined;
  if (journalText === undefined) {
    discardWork(out);
    return [`discarded the staged output of an interrupted run (${dir}); the previous output was untouched`];
  }
  let journal: Journal;
  try {
    journal = JSON.parse(journalText);
  } catch {
    throw new OutputError(`${work(out, JOURNAL)}: an interrupted run left a journal that cannot be read; inspect ${dir} and remove it`);
  }
  const warnings = applyJournal(out, journal);
  return [`finished an interrupted run: ${journal.clusters.map((c) => c.cluster).join(', ')} now hold its complete output`, ...warnings];
}

function stage(out: string, changes: readonly ClusterChange[]): void {
  attempt(work(out), 'create the staging directory', () => fs.mkdirSync(work(out)));
  fs.mkdirSync(work(out, 'new'));
  fs.mkdirSync(work(out, 'old'));
  const staged = (c: ClusterChange) => work(out, 'new', c.cluster);
  for (const c of changes) attempt(staged(c), 'create the staging directory', () => fs.mkdirSync(staged(c)));
  const newFiles = changes.flatMap((c) => [...c.files].map(([name, text]) => [path.join(staged(c), name), text] as const));
  writeNewFiles(newFiles, { flush: flushToDisk, ...fileThreads });
  for (const c of changes) {
    for (const name of c.userFiles) linkOrCopy(path.join(out, c.cluster, name), path.join(staged(c), name));
    if (c.mode !== undefined) attempt(staged(c), 'set the mode of', () => fs.chmodSync(staged(c), c.mode! & 0o7777));
    fsyncDir(staged(c));
  }
  fsyncDir(work(out, 'new'));
}

function applyJournal(out: string, journal: Journal): string[] {
  for (const c of journal.clusters) swapIn(out, c.cluster);
  fsyncDir(out);
  const warnings = journal.clusters.flatMap((c) => reconcile(out, c));
  writeAtomically(path.join(out, OUT_RECORD_FILE), journal.outRecord, work(out, `${OUT_RECORD_FILE}.tmp`));
  attempt(work(out, JOURNAL), 'remove the journal', () => fs.unlinkSync(work(out, JOURNAL)));
  discardWork(out);
  return warnings;
}

/** `<out>/<cluster>` → work/old, work/new → `<out>/<cluster>`; idempotent, so recovery can repeat it. */
function swapIn(out: string, cluster: string): void {
  const staged = work(out, 'new', cluster);
  const old = work(out, 'old', cluster);
  const target = path.join(out, cluster);
  if (!lstatOrUndefined(staged)) return; // swapped already
  const current = lstatOrUndefined(target);
  if (current) {
    if (!current.isDirectory() || lstatOrUndefined(old)) {
      throw new OutputError(`${target}: changed while an interrupted run was being finished; the new output is in ${staged}, the old in ${old}`);
    }
    attempt(target, 'move the old output aside', () => fs.renameSync(target, old));
  }
  attempt(target, 'move the new output into place', () => fs.renameSync(staged, target));
}

/** Moves what the user had in the old directory into the new one; deletes our old files. */
function reconcile(out: string, entry: JournalEntry): string[] {
  const old = work(out, 'old', entry.cluster);
  const target = path.join(out, entry.cluster);
  const warnings: string[] = [];
  if (lstatOrUndefined(old)) {
    const oldOurs = new Set(entry.oldOurs);
    for (const name of fs.readdirSync(old)) {
      const from = path.join(old, name);
      if (oldOurs.has(name)) {
        attempt(from, 'remove', () => fs.unlinkSync(from));
        continue;
      }
      const warning = moveUserEntry(from, path.join(target, name), entry.newOurs.includes(name));
      if (warning) warnings.push(warning);
    }
    attempt(old, 'remove', () => fs.rmdirSync(old));
  }
  if (entry.retire && lstatOrUndefined(target) && fs.readdirSync(target).length === 0) attempt(target, 'remove', () => fs.rmdirSync(target));
  return warnings;
}

/**
 * Puts a user's entry from the old directory into the new one: dropped when the new directory
 * has the same file (a hard link), moved when the name is free or holds an older link of the
 * user's file (it was saved again during the run), kept under another name otherwise.
 */
function moveUserEntry(from: string, to: string, toIsOurs: boolean): string | undefined {
  const src = fs.lstatSync(from);
  const dst = lstatOrUndefined(to);
  if (dst && dst.ino === src.ino && dst.dev === src.dev) {
    attempt(from, 'remove a link', () => fs.unlinkSync(from)); // the new directory has the same file
    return undefined;
  }
  if (!dst || (!toIsOurs && !dst.isDirectory() && !src.isDirectory())) {
    attempt(to, 'move a file of yours back into', () => fs.renameSync(from, to));
    return undefined;
  }
  const kept = `${to}.kept-${process.pid}`;
  attempt(kept, 'keep a file of yours as', () => fs.renameSync(from, kept));
  return `${to}: a file of yours appeared there during the run; it was kept as ${kept}`;
}

function discardWork(out: string): void {
  const old = work(out, 'old');
  if (lstatOrUndefined(old) && fs.readdirSync(old).length > 0) {
    throw new OutputError(`${old}: holds old output of an interrupted run without its journal; inspect it and remove ${work(out)}`);
  }
  attempt(work(out), 'remove the staging directory', () => fs.rmSync(work(out), { recursive: true, force: true }));
}

/** Replaces a file by renaming a complete temporary file (in the work directory) over it. */
function writeAtomically(file: string, text: string, tmp: string): void {
  fs.rmSync(tmp, { force: true });
  writeNewFileOrFail(tmp, text, flushToDisk);
  attempt(file, 'replace', () => fs.renameSync(tmp, file));
  fsyncDir(path.dirname(file));
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    attempt(from, 'copy a file of yours into the staging directory', () => fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL));
  }
}

function fsyncDir(dir: string): void {
  if (!flushToDisk) return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the renames are still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** lstat, or undefined when the path does not exist (or, with `absent`, fails with one of those codes). */
export function lstatOrUndefined(p: string, absent: readonly string[] = ['ENOENT']): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if (absent.includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}
