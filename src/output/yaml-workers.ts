/**
 * Manifest entries turned into YAML on worker threads, synchronously for the caller (writers
 * are synchronous: cdk8s's `app.synth()` is). Why threads: a large mesh writes 20,000+ objects,
 * YAML stringify is the largest CPU cost of such a synth, and in the thread that built the
 * constructs it runs 3-6× slower than in a fresh one (measured: 24,120 objects of the
 * 2,000-service bench mesh, ~26 s after synthesizing it, ~4 s in a new thread; V8's state after
 * building a large tree of objects). A fresh thread per core gets both the speed and the cores.
 *
 * The caller waits with `Atomics.wait` (it has no event loop while it waits); each worker
 * reports progress and completion in shared memory and posts its texts on a port read with
 * `receiveMessageOnPort`. Any failure (a value that cannot be copied to a thread, a worker that
 * fails or stops making progress) returns undefined, and the caller stringifies in its own
 * thread: the bytes are the same either way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

const WORKER_FILE = path.join(__dirname, 'yaml-worker.js');
/** A worker that makes no progress for this long is given up on (it would have done thousands of entries). */
const STALL_MS = 10_000;

/** One `key: value` entry of a manifest's top level. */
export type ManifestEntry = readonly [key: string, value: unknown];

interface Started {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** [0]: 0 while working, 1 done, 2 failed; [1]: entries done so far. */
  readonly state: Int32Array;
}

/** Worker threads worth starting on this machine: one per core, at most four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The texts of the entries (in order), made on `threads` worker threads; undefined if that failed. */
export function entryTextsOnThreads(entries: readonly ManifestEntry[], threads: number): string[] | undefined {
  return startEntryTexts(entries, threads)?.collect();
}

/**
 * Entry texts being made on worker threads, started before they are needed (the threads work
 * while the caller goes on, e.g. validating). Collect them once, or cancel.
 */
export interface PendingTexts {
  /** Waits for the texts (in the entries' order); undefined if making them failed. Ends the threads. */
  collect(): string[] | undefined;
  /** Ends the threads without waiting. */
  cancel(): void;
}

/**
 * Starts making the entries' texts on `threads` worker threads; undefined if they cannot be
 * started. A missing worker file (the package bundled into one file, say) is found here: a
 * Worker reports it only later, as an event this thread would not see while it waits.
 */
export function startEntryTexts(entries: readonly ManifestEntry[], threads: number, workerFile = WORKER_FILE): PendingTexts | undefined {
  if (!fs.existsSync(workerFile)) return undefined;
  const size = Math.ceil(entries.length / Math.max(1, threads));
  const shares = Array.from({ length: Math.ceil(entries.length / size) }, (_, i) => entries.slice(i * size, (i + 1) * size));
  const started: Started[] = [];
  const end = () => started.splice(0).forEach((s) => {
    s.port.close();
    void s.worker.terminate();
  });
  try {
    for (const share of shares) started.push(start(share, workerFile));
  } catch {
    end(); // e.g. a value that cannot be copied to another thread
    return undefined;
  }
  return {
    collect: () => {
      try {
        const texts: string[] = [];
        for (const s of started) {
          const part = waitFor(s);
          if (!part) return undefined;
          texts.push(...part);
        }
        return texts.length === entries.length ? texts : undefined;
      } finally {
        end();
      }
    },
    cancel: end,
  };
}

function start(entries: readonly ManifestEntry[], workerFile: string): Started {
  const signal = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerFile, { workerData: { cdk8s: require.resolve('cdk8s'), entries, signal, port: port2 }, transferList: [port2] });
  worker.unref();
  // Failures are read from the shared state (or a stall); an 'error' event must not end the process.
  worker.on('error', () => undefined);
  return { worker, port: port1, state: new Int32Array(signal) };
}

function waitFor(s: Started): string[] | undefined {
  while (Atomics.load(s.state, 0) === 0) {
    const progress = Atomics.load(s.state, 1);
    const waited = Atomics.wait(s.state, 0, 0, STALL_MS);
    if (waited === 'timed-out' && Atomics.load(s.state, 1) === progress) return undefined;
  }
  const message = receiveMessageOnPort(s.port)?.message as { texts?: string[] } | undefined;
  return Atomics.load(s.state, 0) === 1 ? message?.texts : undefined;
}
