/**
 * Manifests turned into YAML on worker threads (thread-shares.ts, task yaml-task.js),
 * synchronously for the caller. Why threads: a large mesh writes 20,000+ objects, YAML
 * stringify is the largest CPU cost of such a synth, and in the thread that built the
 * constructs it runs 3-6× slower than in a fresh one (measured: 24,120 objects of the
 * 2,000-service bench mesh, ~26 s after synthesizing it, ~4 s in a new thread; V8's state after
 * building a large tree of objects). A fresh thread per core gets both the speed and the cores.
 *
 * Any failure (a value that cannot be copied to a thread, a worker that fails or stops making
 * progress) gives undefined, and the caller stringifies in its own thread: the bytes are the
 * same either way.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ObjectJson, recordedJson } from '../render/object-json';
import { PendingShares, startShares, startStream, StreamedShares, ThreadTask } from './thread-shares';

const YAML_TASK = path.join(__dirname, 'yaml-task.js');
/** A worker that makes no progress for this long is given up on (it would have done thousands of entries). */
const STALL_MS = 10_000;

const yamlTask = (taskFile: string): ThreadTask => ({ module: taskFile, options: { cdk8s: require.resolve('cdk8s') }, stallMs: STALL_MS });

/** Worker threads worth starting on this machine for CPU work: one per core, at most four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The manifests' file texts (in order), made on `threads` worker threads; undefined if that failed. */
export function objectTextsOnThreads(objects: readonly unknown[], threads: number): string[] | undefined {
  return startObjectTexts(objects, threads)?.collect();
}

/**
 * Manifest texts being made on worker threads, started before they are needed (the threads work
 * while the caller goes on, e.g. validating). Collect them once, or cancel.
 */
export type PendingTexts = PendingShares<string>;

/** Manifests handed to one worker thread batch by batch (`push`), their texts collected at the end. */
export type ObjectTextStream = StreamedShares<unknown, string>;

/** Starts a worker thread that makes the file texts of manifests pushed to it; undefined if it cannot be started. */
export function startObjectStream(taskFile = YAML_TASK): ObjectTextStream | undefined {
  const stream = startStream<YamlItem, string>(yamlTask(taskFile));
  return stream && { ...stream, push: (objects) => stream.push(objects.map(yamlItem)) };
}

/** Starts making the manifests' file texts on `threads` worker threads; undefined if they cannot be started. */
export function startObjectTexts(objects: readonly unknown[], threads: number, taskFile = YAML_TASK): PendingTexts | undefined {
  return startShares<YamlItem, string>(yamlTask(taskFile), objects.map(yamlItem), threads);
}

/** What yaml-task.js receives for an object: its recorded JSON (object-json.ts), which copies faster than the object, or the object. */
type YamlItem = ObjectJson | { readonly object: unknown };

function yamlItem(obj: unknown): YamlItem {
  return recordedJson(obj) ?? { object: obj };
}
