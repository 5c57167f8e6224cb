'use strict';
/**
 * A worker thread of thread-shares.ts: runs a task module over its share of the items, once the
 * caller has started every thread (so a failure to start one means no thread did anything). It
 * reports progress and completion through shared memory, because the thread that started it
 * waits without an event loop (Atomics.wait), and posts the results on a port that thread reads
 * synchronously. Plain JavaScript: it runs without a TypeScript loader.
 */
const { receiveMessageOnPort, workerData } = require('node:worker_threads');

const { task, options, items, stream, signal, port } = workerData;
/**
 * [0]: 0 while working, 1 done, 2 failed; [1]: items done so far; [2]: 0 until told, then 1 go
 * or -1 abort — in stream mode, the number of messages posted to `port` so far.
 */
const state = new Int32Array(signal);

function runShare() {
  const run = require(task).runner(options);
  const results = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    results[i] = run(items[i]);
    Atomics.store(state, 1, i + 1);
  }
  return results;
}

/** Stream mode: batches `{ items }` arrive on the port until `{ end: true }`. */
function runStream() {
  const run = require(task).runner(options); // loaded while the caller makes the first batch
  const results = [];
  for (let read = 0; ; read++) {
    Atomics.wait(state, 2, read); // returns at once when a message was posted already
    const message = receiveMessageOnPort(port)?.message;
    if (!message || message.end) return results;
    for (const item of message.items) {
      results.push(run(item));
      Atomics.add(state, 1, 1);
    }
  }
}

try {
  if (stream) {
    port.postMessage({ results: runStream() });
  } else {
    Atomics.wait(state, 2, 0);
    if (Atomics.load(state, 2) !== 1) throw new Error('aborted before it began');
    port.postMessage({ results: runShare() });
  }
  Atomics.store(state, 0, 1);
} catch (e) {
  port.postMessage({ error: String((e && e.message) || e) });
  Atomics.store(state, 0, 2);
}
Atomics.notify(state, 0);
