/**
 * Many new files written on worker threads (thread-shares.ts, task file-task.js), synchronously
 * for the caller. Why threads: creating a file is a few blocking system calls that cost
 * 0.05-1 ms each on a busy disk, and a large mesh writes 20,000+ files; calls made from several
 * threads overlap (measured here: 24,000 files in 5-25 s from one thread, 2-7 s from four).
 * Fewer files are written in the calling thread, where nothing is worth starting threads for.
 */
import * as path from 'node:path';
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
   * Fewest files for which threads are started.
   * @default 1,000
   */
  readonly minFilesForThreads?: number;
}

const DEFAULT_THREADS = 4;
const MIN_FILES_FOR_THREADS = 1_000;
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
 * Creates every file (`[path, text]`, each new: O_EXCL), on threads when there are many. On a
 * failure, throws an OutputError naming the file, what failed and its real cause; files already
 * made stay (the caller writes into a staging directory it removes on failure).
 */
export function writeNewFiles(files: ReadonlyArray<readonly [string, string]>, options: NewFilesOptions): void {
  const threads = options.threads ?? DEFAULT_THREADS;
  const task: ThreadTask = { module: path.join(__dirname, 'file-task.js'), options: { flush: options.flush }, stallMs: STALL_MS };
  const manyFiles = files.length >= (options.minFilesForThreads ?? MIN_FILES_FOR_THREADS);
  const pending = threads > 0 && manyFiles ? startShares<readonly [string, string], Failure | null>(task, files, threads) : undefined;
  if (!pending) {
    for (const [file, text] of files) writeNewFileOrFail(file, text, options.flush);
    return;
  }
  const results = pending.collect();
  if (!results) {
    const where = path.dirname(files[0][0]);
    throw new OutputError(`${where}: the threads writing the new files failed or made no progress for ${STALL_MS / 1000} s`);
  }
  const failure = results.find((r) => r !== null);
  if (failure) throw fsFailure(Object.assign(new Error(failure.message), { code: failure.code }), failure.file, failure.action);
}

/** One new file, in the calling thread; a failure is an OutputError naming the file and the action. */
export function writeNewFileOrFail(file: string, text: string, flush: boolean): void {
  try {
    writeNewFile(file, text, flush);
  } catch (e) {
    throw fsFailure(e, file, (e as { action?: string }).action ?? 'create');
  }
}
