/**
 * Synth benchmarks (`npm run bench`). Speed is measured here, never asserted in tests.
 *
 * 1. Scale: a generated mesh (bench/generate.ts) of 500 / 1,000 / 2,000 / 4,000 services × 4
 *    clients over 20 clusters, through the TypeScript API, phase by phase (build constructs,
 *    plan, render, schema + CEL validation, analyzer, file mapping, write), against the floor:
 *    the same objects as plain JS written with `yaml` into the same files, in the same run.
 *    Prints the ratio to the floor and the cost of each doubling.
 * 2. The CLI end to end on the 2,000-service bundle (process start to last file written), with
 *    its peak RSS and phase lines, running the compiled package (`npm run build` first) as users
 *    do: the median of `BENCH_CLI_RUNS` runs (default 5; one above 4,000 services).
 *    `BENCH_CLI_SIZES=2000,10000` adds sizes.
 * 3. The example apps, in-process.
 *
 * `BENCH_SIZES=500,1000 npm run bench` picks sizes; `BENCH_CLI=0` skips the CLI run;
 * `BENCH_OUT=/dev/shm` writes to a memory file system (the library without the disk).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { synthClusters, withWarningSink, writeClusters } from '../src';
import { PhaseTotals, SynthPhase, withProgress } from '../src/progress';
import { APPS } from '../apps/registry';
import { benchBundle, defineBenchMesh } from './generate';

const ROOT = path.join(__dirname, '..');
const SIZES = (process.env.BENCH_SIZES ?? '500,1000,2000,4000').split(',').map(Number);
const PHASES: SynthPhase[] = ['build', 'plan', 'render', 'validate', 'analyze', 'files', 'write'];

interface Run {
  readonly services: number;
  readonly objects: number;
  readonly phases: Map<SynthPhase, number>;
  readonly total: number;
  readonly floor: number;
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const result = fn();
  return [result, performance.now() - t];
}

/**
 * Output directories, removed when the benchmark ends: deleting tens of thousands of files
 * keeps this machine's disk busy for a while, which would slow the next measurement's writes.
 */
const outputs: string[] = [];
/** Where outputs are written: `BENCH_OUT=/dev/shm` (a memory file system) takes the disk out of the figures. */
const OUT_ROOT = process.env.BENCH_OUT ?? os.tmpdir();
process.on('exit', () => outputs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** One size: the library phase by phase, then the floor for the same objects. */
function runSize(services: number): Run {
  const out = fs.mkdtempSync(path.join(OUT_ROOT, 'bench-'));
  outputs.push(out);
  const totals = new PhaseTotals();
  const [app, build] = timed(() => {
    const a = new App();
    defineBenchMesh(a, { services, clusters: 20, clientsPerService: 4 });
    return a;
  });
  // Warnings (the generated GRPC services' balancing) are collected, not printed.
  const [clusters, synth] = timed(() => withProgress(totals, () => withWarningSink(() => undefined, () => synthClusters(app))));
  const [, write] = timed(() => writeClusters(path.join(out, 'lib'), clusters));
  const phases = new Map<SynthPhase, number>([['build', build], ['write', write]]);
  for (const [p, t] of totals.totals) phases.set(p, t.ms);
  const accounted = [...totals.totals.values()].reduce((n, t) => n + t.ms, 0);
  phases.set('files', Math.max(0, synth - accounted));
  const [, floor] = timed(() => writeFloor(path.join(out, 'floor'), clusters));
  const objects = clusters.reduce((n, c) => n + c.files.size, 0);
  return { services, objects, phases, total: build + synth + write, floor };
}

/** The floor: the same objects, as plain JS, stringified with `yaml` into the same files. */
function writeFloor(dir: string, clusters: ReturnType<typeof synthClusters>): void {
  for (const c of clusters) {
    const target = path.join(dir, c.cluster);
    fs.mkdirSync(target, { recursive: true });
    for (const [file, obj] of c.files) fs.writeFileSync(path.join(target, file), YAML.stringify(JSON.parse(JSON.stringify(obj))));
  }
}

function printScale(runs: readonly Run[]): void {
  const head = ['services', 'objects', ...PHASES, 'total', 'floor', 'ratio', 'doubling'];
  console.log(head.map((h) => h.padStart(9)).join(''));
  runs.forEach((r, i) => {
    const prev = runs[i - 1];
    const doubling = prev && r.services === prev.services * 2 ? (r.total / prev.total).toFixed(2) + '×' : '';
    const cells = [r.services, r.objects, ...PHASES.map((p) => (r.phases.get(p) ?? 0).toFixed(0)), r.total.toFixed(0), r.floor.toFixed(0),
      (r.total / r.floor).toFixed(2) + '×', doubling];
    console.log(cells.map((c) => String(c).padStart(9)).join(''));
  });
  console.log('(milliseconds; ratio = total / floor; doubling = total / total at half the services)\n');
}

/** Builds the package once (lib/, as installed users run it) for the CLI runs. */
function buildPackage(): void {
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/**
 * The compiled CLI on a generated bundle: wall time (process start to exit), peak RSS, and its
 * phase lines. One run varies by ±0.8 s on a busy 2-core machine, so up to 4,000 services it
 * runs `BENCH_CLI_RUNS` times (default 5), each into a new directory, and reports the median
 * run (its RSS and phase lines) with every time.
 */
function runCli(services: number): void {
  const work = fs.mkdtempSync(path.join(OUT_ROOT, 'bench-cli-'));
  outputs.push(work);
  const bundle = path.join(work, 'bundle.json');
  fs.writeFileSync(bundle, JSON.stringify(benchBundle({ services, clusters: 20, clientsPerService: 4 })));
  const runs = Array.from({ length: services > 4000 ? 1 : CLI_RUNS }, (_, i) => cliRun(bundle, path.join(work, `out-${i}`)));
  const byTime = [...runs].sort((a, b) => a.wall - b.wall);
  const median = byTime[Math.floor((byTime.length - 1) / 2)];
  const times = runs.length > 1 ? ` (median of ${runs.length} runs: ${runs.map((r) => (r.wall / 1000).toFixed(1)).join(', ')} s)` : '';
  console.log(`CLI synth of the ${services}-service bundle, end to end: ${(median.wall / 1000).toFixed(1)} s${times}, peak RSS ${median.rssMiB} MiB`);
  for (const line of median.phases) console.log(`  ${line}`);
  console.log();
}

const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? '5');

/** One CLI run into `out` (removed afterwards, outside the measurement). */
function cliRun(bundle: string, out: string): { wall: number; rssMiB: string; phases: string[] } {
  const entry = path.join(__dirname, 'cli-entry.js');
  const t = performance.now();
  // Not --quiet: the phase lines are part of the result (plain lines, stderr is not a TTY).
  const run = spawnSync(process.execPath, ['--require', path.join(__dirname, 'peak-rss.js'), entry, 'synth', bundle, '--out', out],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = performance.now() - t;
  if (run.status !== 0) throw new Error(`CLI failed (${run.status}):\n${run.stderr}`);
  fs.rmSync(out, { recursive: true, force: true });
  const rss = /peak-rss-bytes (\d+)/.exec(run.stderr)?.[1];
  return { wall, rssMiB: (Number(rss) / 2 ** 20).toFixed(0), phases: run.stderr.split('\n').filter((l) => /^\[[\d.]+ s\] /.test(l)) };
}

function runExamples(): void {
  for (const [name, define] of Object.entries(APPS)) {
    const samples = Array.from({ length: 15 }, () => timed(() => {
      const app = new App();
      define(app);
      withWarningSink(() => undefined, () => synthClusters(app));
    })[1]).sort((a, b) => a - b);
    console.log(`example ${name} (build + synth + checks): median ${samples[7].toFixed(1)} ms`);
  }
}

console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
runSize(200); // warm-up: module loading, schema compilation
printScale(SIZES.map(runSize));
const CLI_SIZES = process.env.BENCH_CLI === '0' ? [] : (process.env.BENCH_CLI_SIZES ?? '2000').split(',').map(Number);
if (CLI_SIZES.length > 0) buildPackage();
CLI_SIZES.forEach(runCli);
runExamples();
