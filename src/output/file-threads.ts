/**
 * Many new files written on worker threads (thread-shares.ts, task file-task.js), synchronously
 * for the caller, when the file system is slow. Why threads: creating a file is a few blocking
 * system calls, and a large mesh writes 20,000+ files; on a busy disk each costs 0.05-1 ms, and
 * calls made from several threads overlap (measured here: 24,000 files in 5-25 s from one
 * thread, 2-7 s from four). Why only then: on a fast file system (tmpfs, 0.02 ms a file here)
 * creating them is CPU, and starting four threads and copying the texts to them cost more than
 * they save (2,000-service bench mesh into /dev/shm: 0.7 s slower end to end than in the calling
 * thread). So the calling thread writes the first files and times them; threads take the rest
 * only if those were slow. Fewer files are always written in the calling thread.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fsFailure, OutputError } from './fs-errors';
import { writeNewFile } from './new-file';
import { startShares, ThreadTask } from './thread-shares';

/** How `writeNewFiles` writes. */
export interface NewFilesOptions {
  /** Flush every file to disk (fsync). */
  readonly flush: boolean;
  /**
   * Threads for many files; 0 writes in the calling thread.
   * @default 4 (file-system calls wait on the disk, not on a core)
   */
  readonly threads?: number;
  /**
   * Fewest files for which threads are considered.
   * @default 1,000
   */
  readonly minFilesForThreads?: number;
  /**
   * Threads are started for the files left once the first `PROBE_FILES`, written in the calling
   * thread, took longer than this per file; 0 starts them for every file at once.
   * @default 0.08 (the files of the bench mesh's 24,000 would take 2 s: threads win on a disk that slow)
   */
  readonly slowFileMs?: number;
}

const DEFAULT_THREADS = 4;
const MIN_FILES_FOR_THREADS = 1_000;
const SLOW_FILE_MS = 0.08;
/** Files timed in the calling thread before threads are considered (tens of ms on a slow disk). */
const PROBE_FILES = 200;
/** No file created for this long on a thread: the disk (or a network file system) has stopped answering. */
const STALL_MS = 60_000;

/** What a file thread reports for the file that failed. */
interface Failure {
  readonly file: string;
  readonly action: string;
  readonly code?: string;
  readonly message: string;
}

/**
 * Creates every file (`[path, text]`, each new: O_EXCL), on threads when there are many and the
 * file system is slow. On a failure, throws an OutputError naming the file, what failed and its
 * real cause; files already made stay (the caller writes into a staging directory it removes on
 * failure).
 */
export function writeNewFiles(files: ReadonlyArray<readonly [string, string]>, options: NewFilesOptions): void {
  const threads = options.threads ?? DEFAULT_THREADS;
  const manyFiles = files.length >= (options.minFilesForThreads ?? MIN_FILES_FOR_THREADS);
  const slowFileMs = options.slowFileMs ?? SLOW_FILE_MS;
  let written = 0;
  if (threads > 0 && manyFiles && slowFileMs > 0) {
    const start = performance.now();
    written = writeInThread(files, 0, PROBE_FILES, options.flush);
    if ((performance.now() - start) / written <= slowFileMs) written = writeInThread(files, written, files.length, options.flush);
  }
  const rest = files.slice(written);
  const task: ThreadTask = { module: path.join(__dirname, 'file-task.js'), options: { flush: options.flush }, stallMs: STALL_MS };
  const onThreads = threads > 0 && manyFiles && rest.length > 0;
  const pending = onThreads ? startShares<readonly [string, string], Failure | null>(task, rest, threads) : undefined;
  if (!pending) {
    writeInThread(rest, 0, rest.length, options.flush);
    return;
  }
  const results = pending.collect();
  if (!results) {
    const where = path.dirname(rest[0][0]);
    throw new OutputError(`${where}: the threads writing the new files failed or made no progress for ${STALL_MS / 1000} s`);
  }
  const failure = results.find((r) => r !== null);
  if (failure) throw fsFailure(Object.assign(new Error(failure.message), { code: failure.code }), failure.file, failure.action);
}

/** Writes files[from..to) (to at most the end) in the calling thread; returns the index after the last. */
function writeInThread(files: ReadonlyArray<readonly [string, string]>, from: number, to: number, flush: boolean): number {
  const end = Math.min(to, files.length);
  for (let i = from; i < end; i++) writeNewFileOrFail(files[i][0], files[i][1], flush);
  return end;
}

/** One new file, in the calling thread; a failure is an OutputError naming the file and the action. */
export function writeNewFileOrFail(file: string, text: string, flush: boolean): void {
  try {
    writeNewFile(file, text, flush);
  } catch (e) {
    throw fsFailure(e, file, (e as { action?: string }).action ?? 'create');
  }
}
