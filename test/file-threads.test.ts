/**
 * Files created on worker threads (a large output) are what the calling thread writes, and a
 * failure on a thread is named like one in the calling thread (the path, what failed, the real
 * cause). The failure-injection tests (output-safety.test.ts) mock `fs` in this thread, so they
 * run on the small outputs written here; these tests cover the threads with real failures.
 */
import fs = require('node:fs');
import * as path from 'node:path';
import { writeNewFiles } from '../src/output/file-threads';
import { OutputError } from '../src/output/fs-errors';
import { startShares } from '../src/output/thread-shares';
import { writeClusterTexts } from '../src/output/writer';
import { clusterTexts, snapshot, tmpDir } from './support/output-fixtures';

const ON_THREADS = { threads: 3, minFilesForThreads: 1, slowFileMs: 0 };

let dir: string;
beforeEach(() => {
  dir = tmpDir('file-threads');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = (n: number) => Array.from({ length: n }, (_, i) => [path.join(dir, `f${i}.yaml`), `n: ${i}\n`] as const);

function outputError(fn: () => unknown): OutputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OutputError) return e;
    throw e;
  }
  throw new Error('no error');
}

test('many files written on threads hold the same bytes as files written in this thread', () => {
  writeNewFiles(files(50), { flush: false, ...ON_THREADS });
  const threaded = snapshot(dir);
  fs.rmSync(dir, { recursive: true });
  fs.mkdirSync(dir);
  writeNewFiles(files(50), { flush: true, threads: 0 });
  expect(Object.keys(threaded)).toHaveLength(50);
  expect(threaded).toEqual(snapshot(dir));
});

test('threads take over only when the files written first in this thread were slow', () => {
  const opened = jest.spyOn(fs, 'openSync'); // this thread's calls only: a thread has its own fs
  try {
    writeNewFiles(files(1200), { flush: false, threads: 3, slowFileMs: 1e9 }); // never slow: all here
    expect(opened).toHaveBeenCalledTimes(1200);
    expect(fs.readdirSync(dir)).toHaveLength(1200);
    fs.rmSync(dir, { recursive: true });
    fs.mkdirSync(dir);
    opened.mockClear();
    writeNewFiles(files(1200), { flush: false, threads: 3, slowFileMs: 1e-9 }); // always slow: threads take the rest
    expect(opened.mock.calls.length).toBeGreaterThan(0);
    expect(opened.mock.calls.length).toBeLessThan(1200);
    expect(fs.readdirSync(dir)).toHaveLength(1200);
    expect(snapshot(dir)[`f1199.yaml`]).toBe('n: 1199\n');
  } finally {
    opened.mockRestore();
  }
});

test('a file that exists already stops the threads with the error the calling thread would give', () => {
  const squatted = path.join(dir, 'f7.yaml');
  fs.writeFileSync(squatted, 'mine\n');
  const error = outputError(() => writeNewFiles(files(30), { flush: false, ...ON_THREADS }));
  expect(error.message).toBe(`${squatted}: cannot create: EEXIST (already exists)`);
  expect(error.code).toBe('EEXIST');
  expect(fs.readFileSync(squatted, 'utf8')).toBe('mine\n');
});

test('a missing directory is named as ENOENT; a directory where a file goes as EEXIST', () => {
  const missing = [[path.join(dir, 'no-such-dir', 'a.yaml'), 'a: 1\n']] as const;
  expect(outputError(() => writeNewFiles(missing, { flush: false, ...ON_THREADS })).message)
    .toBe(`${missing[0][0]}: cannot create: ENOENT (no such file or directory)`);
  fs.mkdirSync(path.join(dir, 'f3.yaml'));
  expect(outputError(() => writeNewFiles(files(5), { flush: false, ...ON_THREADS })).message)
    .toBe(`${path.join(dir, 'f3.yaml')}: cannot create: EEXIST (already exists)`);
});

test('a whole output written with its files on threads is the output written without threads', () => {
  const clusters = clusterTexts({ c1: ['a', 'b', 'c'], c2: ['d'], c3: [] });
  const threaded = path.join(dir, 'threaded');
  const inThread = path.join(dir, 'in-thread');
  writeClusterTexts(threaded, clusters, { fileThreads: ON_THREADS });
  writeClusterTexts(inThread, clusters, { fileThreads: { threads: 0 } });
  expect(Object.keys(snapshot(threaded)).length).toBeGreaterThan(8);
  expect(snapshot(threaded)).toEqual(snapshot(inThread));
});

test('no thread begins unless every thread was started: an item that cannot be copied writes nothing', () => {
  const task = { module: path.join(__dirname, '..', 'src', 'output', 'file-task.js'), options: { flush: false }, stallMs: 10_000 };
  const items: unknown[] = [...files(4), [path.join(dir, 'x.yaml'), new WeakMap()]];
  expect(startShares(task, items, 5)).toBeUndefined();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // time for a thread that wrongly began to write
  expect(fs.readdirSync(dir)).toEqual([]);
});
