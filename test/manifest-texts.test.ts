/**
 * The writer's cached YAML (ManifestTexts) is byte for byte what cdk8s's Yaml.stringify
 * writes, for every example object and for the shapes where YAML is particular (empty
 * collections, block scalars with empty lines, keys and values that need quoting, YAML 1.1
 * booleans, undefined and null).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { synthClusters, withWarningSink, writeClusters } from '../src';
import { manifestText, ManifestTexts } from '../src/output/manifests';
import { withTextPrefetch } from '../src/output/text-prefetch';
import { objectTextsOnThreads, startObjectStream, startObjectTexts } from '../src/output/yaml-workers';
import { readTree } from './support/synth';
import { APPS } from '../apps/registry';

const EDGE_CASES = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { a: 'line1\n\nline3\n', yes: 'no', b: '' } }, data: { on: 'off', k: 'multi\nline', e: '', n: '1.0' } },
  { a: [], b: {}, c: [1, { d: undefined, e: null }], 'needs: quote': { x: 1 }, t: { '': 'empty key', '#': 'hash', '- dash': [{}] } },
  { spec: { x: 1 } }, { spec: { x: 1 }, other: { x: 1 } }, { spec: { x: '1' } },
  {}, { spec: undefined, kind: 'X' }, // YAML writes `{}`, and an undefined value as null
  // A string that starts with NUL is not confused with a value JSON cannot write (the cache marks those).
  ...twins({ spec: { u: undefined } }, { spec: { u: '\u0000undefined' } }),
  // Pairs whose JSON is the same but whose YAML is not: each must be written as itself, in either order.
  ...twins({ spec: { z: -0 } }, { spec: { z: 0 } }),
  ...twins({ spec: { d: new Date(0) } }, { spec: { d: new Date(0).toISOString() } }),
  ...twins({ spec: { m: new Map([['k', 1]]) } }, { spec: { m: { k: 1 } } }),
  ...twins((() => {
    const shared = { a: 1 };
    return { spec: { x: shared, y: shared } }; // YAML writes an anchor and an alias
  })(), { spec: { x: { a: 1 }, y: { a: 1 } } }),
  ...twins((() => {
    const labels = { app: 'x' };
    return { metadata: { labels }, spec: { selector: labels } }; // shared across top-level entries
  })(), { metadata: { labels: { app: 'x' } }, spec: { selector: { app: 'x' } } }),
];

/** Both orders of two objects. */
function twins(a: object, b: object): object[] {
  return [a, b, b, a];
}

const exampleObjects = () => Object.values(APPS).flatMap((define) => {
  const app = new App();
  define(app);
  return withWarningSink(() => undefined, () => synthClusters(app)).flatMap((c) => [...c.files.values()]);
});

test('every object of every example app, and the edge cases, read the same as one stringify each', () => {
  const objects = exampleObjects();
  expect(objects.length).toBeGreaterThan(50);
  const texts = new ManifestTexts({ threads: 0 });
  // Twice: the second round is served from the cache.
  for (const round of [1, 2]) {
    for (const o of [...objects, ...EDGE_CASES]) expect({ round, text: texts.text(o) }).toEqual({ round, text: manifestText(o) });
  }
});

test('on worker threads, every example object and edge case reads the same as one stringify each', () => {
  const objects = [...exampleObjects(), ...EDGE_CASES];
  const texts = new ManifestTexts({ threads: 2, minObjectsForThreads: 1 }).texts(objects);
  expect(texts).toEqual(objects.map((o) => manifestText(o)));
});

test('objects that cannot be copied to a thread are stringified in the calling thread, with the same bytes', () => {
  expect(objectTextsOnThreads([{ spec: { a: 1 } }, { w: new WeakMap() }], 2)).toBeUndefined();
  expect(objectTextsOnThreads([{ spec: { a: 1 } }, { s: 'x' }], 2)).toEqual(['---\nspec:\n  a: 1\n', '---\ns: x\n']);
  const objects = [{ kind: 'X', spec: { a: 1 } }, { kind: 'X', spec: { w: new WeakMap() } }];
  expect(new ManifestTexts({ threads: 2, minObjectsForThreads: 1 }).texts(objects)).toEqual(objects.map((o) => manifestText(o)));
});

test('YAML started on threads while a synth checks its objects is what the writer writes', () => {
  const define = APPS['failover-bookinfo'];
  const write = (texts: ManifestTexts) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefetch-'));
    const prefetch = jest.spyOn(texts, 'prefetch');
    try {
      withTextPrefetch(texts, () => {
        const app = new App();
        define(app);
        writeClusters(dir, withWarningSink(() => undefined, () => synthClusters(app)));
      });
      return { prefetched: prefetch.mock.calls.length > 0, files: readTree(dir) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const onThreads = write(new ManifestTexts({ threads: 2, minObjectsForThreads: 1 }));
  const inThread = write(new ManifestTexts({ threads: 0 }));
  expect(onThreads.prefetched).toBe(true);
  expect(Object.keys(onThreads.files).length).toBeGreaterThan(10);
  expect(onThreads.files).toEqual(inThread.files);
});

test('a synth that fails after its YAML was started ends the threads and leaves the next write alone', () => {
  const texts = new ManifestTexts({ threads: 2, minObjectsForThreads: 1 });
  expect(() => withTextPrefetch(texts, () => {
    texts.prefetch(exampleObjects());
    throw new Error('invalid mesh');
  })).toThrow('invalid mesh');
  expect(texts.texts(EDGE_CASES)).toEqual(EDGE_CASES.map((o) => manifestText(o)));
});

test('without its worker file (a bundled package), no thread is started and nothing waits', () => {
  expect(startObjectTexts([{ spec: { a: 1 } }], 2, path.join(os.tmpdir(), 'no-such-dir', 'yaml-task.js'))).toBeUndefined();
  expect(startObjectTexts([{ spec: { a: 1 } }], 2)?.collect()).toEqual(['---\nspec:\n  a: 1\n']);
});

test('objects handed to a thread batch by batch come back in order, as one stringify each', () => {
  const objects = [...exampleObjects(), ...EDGE_CASES];
  const stream = startObjectStream()!;
  for (let i = 0; i < objects.length; i += 7) expect(stream.push(objects.slice(i, i + 7))).toBe(true);
  expect(stream.collect()).toEqual(objects.map((o) => manifestText(o)));
});

test('prefetched batch by batch (a cluster at a time), with one that cannot be copied, the texts are the same', () => {
  const objects = [...exampleObjects(), ...EDGE_CASES];
  const uncopyable = { kind: 'X', spec: { w: new WeakMap() } };
  const texts = new ManifestTexts({ threads: 2, minObjectsForThreads: 10 });
  for (let i = 0; i < objects.length; i += 5) texts.prefetch(objects.slice(i, i + 5));
  texts.prefetch([uncopyable]); // ends the thread: everything is made in this thread instead
  const all = [...objects, uncopyable];
  expect(texts.texts(all)).toEqual(all.map((o) => manifestText(o)));
  const again = new ManifestTexts({ threads: 2, minObjectsForThreads: 10 });
  for (let i = 0; i < objects.length; i += 5) again.prefetch(objects.slice(i, i + 5));
  expect(again.texts(objects)).toEqual(objects.map((o) => manifestText(o)));
  const madeOnThreads = (again as unknown as { made: WeakMap<object, string> }).made;
  expect(objects.filter((o) => !madeOnThreads.has(o))).toEqual([]); // the thread made them, not the fallback
});
