/**
 * Work split into shares and run on worker threads, synchronously for the caller: the writers
 * are synchronous (cdk8s's `app.synth()` is), so the caller waits with `Atomics.wait`, having no
 * event loop while it waits. Each worker (share-worker.js) runs a task module — plain
 * JavaScript, so it runs without a TypeScript loader — over its share of the items (given at
 * start, `startShares`, or pushed batch by batch, `startStream`), reports progress and
 * completion in shared memory, and posts its results on a port the caller reads with
 * `receiveMessageOnPort`. Used for YAML (yaml-task.js: CPU, on fresh V8 isolates, streamed
 * while a mesh renders) and for creating many files (file-task.js: blocking file-system calls
 * overlap on threads).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

const WORKER_FILE = path.join(__dirname, 'share-worker.js');

/** A task module (its `runner(options)` returns the function run on each item) and its options. */
export interface ThreadTask {
  /** Absolute path of the plain-JavaScript module. */
  readonly module: string;
  /** Copied to each thread (structured clone). */
  readonly options?: unknown;
  /** A thread that makes no progress for this long is given up on. */
  readonly stallMs: number;
}

/** Results being made on threads. Collect them once, or cancel. */
export interface PendingShares<R> {
  /** Waits for every result (in the items' order); undefined if a thread failed or stalled. Ends the threads. */
  collect(): R[] | undefined;
  /** Ends the threads without waiting. */
  cancel(): void;
}

interface Started {
  readonly worker: Worker;
  readonly port: MessagePort;
  /**
   * [0]: 0 while working, 1 done, 2 failed; [1]: items done so far; [2]: 0 until told, then GO
   * or ABORT (a stream: the number of messages posted to the thread).
   */
  readonly state: Int32Array;
}

const GO = 1;
const ABORT = -1;

/** Tells a thread to begin (GO) or not to (ABORT); a thread that began already is not affected. */
function tell(s: Started, what: typeof GO | typeof ABORT): void {
  if (Atomics.compareExchange(s.state, 2, 0, what) === 0) Atomics.notify(s.state, 2);
}

/**
 * Starts the task over the items on up to `threads` threads (one contiguous share each) and
 * returns at once; undefined if no thread can be started. A missing worker or task file (the
 * package bundled into one file, say) is found here: a Worker reports it only later, as an
 * event the caller would not see while it waits.
 */
export function startShares<I, R>(task: ThreadTask, items: readonly I[], threads: number, workerFile = WORKER_FILE): PendingShares<R> | undefined {
  if (items.length === 0 || !fs.existsSync(workerFile) || !fs.existsSync(task.module)) return undefined;
  const size = Math.ceil(items.length / Math.max(1, threads));
  const shares = Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
  const started: Started[] = [];
  const end = () => started.splice(0).forEach((s) => {
    tell(s, ABORT); // a thread still waiting to begin does nothing
    s.port.close();
    void s.worker.terminate();
  });
  try {
    for (const share of shares) started.push(start(workerFile, task, share));
  } catch {
    end(); // e.g. an item that cannot be copied to another thread: no thread began
    return undefined;
  }
  started.forEach((s) => tell(s, GO));
  return {
    collect: () => {
      try {
        // Every thread is waited for, even after one failed: none may still be working (writing
        // files, say) when the caller acts on the failure.
        const parts = started.map((s) => waitFor<R>(s, task.stallMs));
        if (parts.some((part) => part === undefined)) return undefined;
        const results = parts.flatMap((part) => part!);
        return results.length === items.length ? results : undefined;
      } finally {
        end();
      }
    },
    cancel: end,
  };
}

function start(workerFile: string, task: ThreadTask, items: readonly unknown[], stream = false): Started {
  const signal = new SharedArrayBuffer(12);
  const { port1, port2 } = new MessageChannel();
  const workerData = { task: task.module, options: task.options, items, stream, signal, port: port2 };
  const worker = new Worker(workerFile, { workerData, transferList: [port2] });
  worker.unref();
  // Failures are read from the shared state (or a stall); an 'error' event must not end the process.
  worker.on('error', () => undefined);
  return { worker, port: port1, state: new Int32Array(signal) };
}

function waitFor<R>(s: Started, stallMs: number): R[] | undefined {
  while (Atomics.load(s.state, 0) === 0) {
    const progress = Atomics.load(s.state, 1);
    const waited = Atomics.wait(s.state, 0, 0, stallMs);
    if (waited === 'timed-out' && Atomics.load(s.state, 1) === progress) return undefined;
  }
  const message = receiveMessageOnPort(s.port)?.message as { results?: R[] } | undefined;
  return Atomics.load(s.state, 0) === 1 ? message?.results : undefined;
}

/** Items handed to one thread batch by batch, as they are made; results collected once at the end. */
export interface StreamedShares<I, R> {
  /** Hands the thread more items; false if they cannot be copied to it (the stream is then ended). */
  push(items: readonly I[]): boolean;
  /** Waits for the results of every item pushed (in order); undefined if the thread failed or stalled. Ends the thread. */
  collect(): R[] | undefined;
  /** Ends the thread without waiting. */
  cancel(): void;
}

/**
 * Starts one thread that runs the task over items pushed to it later (`stream` mode of
 * share-worker.js), so it can begin on the first batches while the caller makes the next:
 * each `push` posts a batch and counts it in shared memory, where the waiting thread sees it.
 * Undefined if no thread can be started.
 */
export function startStream<I, R>(task: ThreadTask, workerFile = WORKER_FILE): StreamedShares<I, R> | undefined {
  if (!fs.existsSync(workerFile) || !fs.existsSync(task.module)) return undefined;
  let s: Started | undefined;
  try {
    s = start(workerFile, task, [], true);
  } catch {
    return undefined;
  }
  const post = (message: unknown) => {
    s!.port.postMessage(message);
    Atomics.add(s!.state, 2, 1);
    Atomics.notify(s!.state, 2);
  };
  const end = () => {
    s?.port.close();
    void s?.worker.terminate();
    s = undefined;
  };
  return {
    push: (items) => {
      if (!s) return false;
      try {
        post({ items });
        return true;
      } catch {
        end(); // an item that cannot be copied
        return false;
      }
    },
    collect: () => {
      if (!s) return undefined;
      try {
        post({ end: true });
        return waitFor<R>(s, task.stallMs);
      } finally {
        end();
      }
    },
    cancel: end,
  };
}
