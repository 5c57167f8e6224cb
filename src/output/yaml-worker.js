'use strict';
/**
 * A worker thread of the writer (yaml-workers.ts): turns its share of manifest entries into
 * YAML text. It reports progress and completion through shared memory, because the thread that
 * started it waits without an event loop (Atomics.wait), and posts the texts on a port that
 * thread reads synchronously. Plain JavaScript: it runs without a TypeScript loader.
 */
const { workerData } = require('node:worker_threads');

const { cdk8s, entries, signal, port } = workerData;
/** [0]: 0 while working, 1 done, 2 failed; [1]: entries done so far. */
const state = new Int32Array(signal);
try {
  const { entryText } = require('./yaml-entry');
  // The cdk8s module the calling thread resolved, so the text is what it would have written.
  const { Yaml } = require(cdk8s);
  const texts = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    texts[i] = entryText(Yaml, entries[i][0], entries[i][1]);
    Atomics.store(state, 1, i + 1);
  }
  port.postMessage({ texts });
  Atomics.store(state, 0, 1);
} catch (e) {
  port.postMessage({ error: String((e && e.message) || e) });
  Atomics.store(state, 0, 2);
}
Atomics.notify(state, 0);
