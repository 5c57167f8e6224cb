/**
 * A writer in its own process, for the kill -9 and concurrency tests (test/output-safety.test.ts):
 * `write <out> <clusters> <files> <version>` writes a large tree; `hold-lock <out>` takes the
 * output directory's lock, prints "locked", and keeps it until its stdin closes.
 */
import * as fs from 'node:fs';
import { lockOutputDir } from '../../src/output/lock';
import { writeClusterTexts } from '../../src/output/writer';
import { clusterTexts } from './output-fixtures';

const [mode, out, clusters, files, version] = process.argv.slice(2);
if (mode === 'write') {
  const names = Array.from({ length: Number(files) }, (_, i) => `object-${i}`);
  const spec = Object.fromEntries(Array.from({ length: Number(clusters) }, (_, i) => [`c${i + 1}`, names]));
  writeClusterTexts(out, clusterTexts(spec, Number(version)));
} else if (mode === 'hold-lock') {
  const lock = lockOutputDir(out);
  process.stdout.write('locked\n');
  process.stdin.resume();
  process.stdin.on('end', () => lock.release());
  process.stdin.on('close', () => lock.release());
} else {
  fs.writeSync(2, `unknown mode ${mode}\n`);
  process.exitCode = 2;
}
