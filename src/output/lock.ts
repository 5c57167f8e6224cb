/**
 * One run at a time per output directory: a lock file created with O_EXCL that holds the
 * writer's pid and host. A second run fails at once with a clear message (two CI jobs writing
 * one directory would otherwise both succeed with a mixed tree). A lock left by a run that
 * died (kill -9) is taken over when its pid is gone on this host.
 */
import fs = require('node:fs');
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCK_FILE } from './file-names';
import { fsFailure, OutputError } from './fs-errors';

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly ageMs: number;
}

export interface OutputLock {
  readonly file: string;
  release(): void;
}

const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
/** A lock file without a readable pid younger than this may be a run that is starting. */
const UNREADABLE_GRACE_MS = 5000;

/** Takes the lock of an output directory (which exists), or throws an OutputError saying who holds it. */
export function lockOutputDir(outdir: string): OutputLock {
  const file = path.join(outdir, LOCK_FILE);
  for (let round = 0; round < 5; round++) {
    if (tryCreate(file)) return { file, release: () => release(file) };
    const holder = readHolder(file);
    if (holder === undefined) continue; // released meanwhile
    if (isRunning(holder)) {
      const who = Number.isInteger(holder.pid) ? `pid ${holder.pid} on ${holder.host}` : 'a run that is starting';
      const message = `${outdir}: another run (${who}) is writing this output directory; wait for it, or delete ${file} if no run is active`;
      throw new OutputError(message, 'ELOCKED');
    }
    takeOver(file, holder);
  }
  throw new OutputError(`${outdir}: could not take the lock ${file} (it keeps changing hands)`, 'ELOCKED');
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, CREATE, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsFailure(e, file, 'create the lock file');
  }
  try {
    fs.writeSync(fd, `${JSON.stringify({ pid: process.pid, host: os.hostname() })}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readHolder(file: string): Holder | undefined {
  try {
    const ageMs = Date.now() - fs.lstatSync(file).mtimeMs;
    const text = fs.readFileSync(file, 'utf8');
    let data: any;
    try {
      data = JSON.parse(text);
    } catch {
      data = {};
    }
    return { pid: Number(data?.pid), host: String(data?.host ?? ''), ageMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsFailure(e, file, 'read the lock file');
  }
}

function isRunning(h: Holder): boolean {
  if (!Number.isInteger(h.pid) || h.pid <= 0) return h.ageMs < UNREADABLE_GRACE_MS;
  if (h.host !== os.hostname()) return true; // cannot tell: assume it runs
  if (h.pid === process.pid) return true;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a stale lock. A second lock file serializes the take-over, so two runs that both
 * found the same stale lock cannot both remove it (the second would remove the first's new lock).
 */
function takeOver(file: string, stale: Holder): void {
  const guard = `${file}.takeover`;
  if (!tryCreate(guard)) {
    const holder = readHolder(guard);
    if (holder && !isRunning(holder)) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    const now = readHolder(file);
    if (now && now.pid === stale.pid && now.host === stale.host && !isRunning(now)) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function release(file: string): void {
  const holder = readHolder(file);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(file, { force: true });
}
