/**
 * `cdk8s-istio-intents synth <bundle-file-or-dir> --out <dir> [--quiet]`
 *
 * Synthesizes an intent bundle through the same constructs as a TypeScript app and writes
 * `<dir>/<cluster>/<kind>.<namespace>.<name>.yaml` (plus a Kustomization per cluster).
 * Every problem is reported at once; on any problem the exit status is 1 and nothing is
 * written. Only files this tool wrote are ever replaced or removed; removals are listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { buildBundle } from './intents/build';
import { BundleError, LoadedBundle, loadBundle } from './intents/load';
import { registerReviewCommands } from './review/commands';
import { checkConnectivityTargets, connectivityTexts, writeConnectivityTexts } from './review/write';
import { OutputError } from './output/fs-errors';
import { ManifestTexts } from './output/manifests';
import { withTextPrefetch } from './output/text-prefetch';
import { writeClusters } from './output/write-clusters';
import type { WriteReport } from './output/writer';
import { redactSecrets } from './problems';
import type { CliIo } from './cli-io';
import { CliProgress, cliProgress } from './cli-progress';
import { phase, withProgress } from './progress';
import { withWarningSink } from './warning-sink';

export type { CliIo } from './cli-io';

const STDIO: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  progress: cliProgress((text) => process.stderr.write(text), process.stderr.isTTY === true),
};

/** How many intents a bundle declares (for progress). */
function intentCount(b: LoadedBundle): number {
  return b.inboundServices.length + b.clients.length + b.securityIntents.length
    + b.emcoInboundIntents.length + b.emcoClientsIntents.length + b.emcoAccessPoints.length;
}

/**
 * Loads, builds, synthesizes and writes a bundle (the YAML of the objects is made on worker
 * threads while they are checked); with `strict`, warnings stop it before anything is written.
 */
function synthAndWrite(bundlePath: string, outdir: string, progress: CliProgress | undefined, strict: boolean, durable: boolean):
  { report: WriteReport; warnings: string[] } | { strictWarnings: string[] } {
  const built = withProgress(progress, () => {
    const bundle = phase('load', () => loadBundle(bundlePath), intentCount);
    return phase('build', () => buildBundle(bundle));
  });
  const warnings: string[] = [];
  const clusters = withProgress(progress, () => withWarningSink((w) => warnings.push(w), () => built.synth()));
  progress?.finish();
  if (strict && warnings.length > 0) return { strictWarnings: warnings };
  checkConnectivityTargets(outdir);
  // The graph first: the writer's YAML threads finish meanwhile.
  const graph = withProgress(progress, () => phase('graph', () => connectivityTexts(clusters)));
  const objects = (r: WriteReport) => r.clusters.reduce((n, c) => n + c.objects, 0);
  const report = withProgress(progress, () => phase('write', () => writeClusters(outdir, clusters, { durable }), objects));
  writeConnectivityTexts(outdir, graph);
  return { report, warnings };
}

/** Synthesizes a bundle into a directory; returns the exit status. */
export function synthCommand(bundlePath: string, outdir: string, quiet: boolean, io: CliIo = STDIO, strict = false, durable = false): number {
  if (outdir.trim() === '') {
    io.err('--out: "" is not a directory name');
    return 2;
  }
  try {
    const progress = quiet ? undefined : io.progress;
    const synthesized = withTextPrefetch(new ManifestTexts(), () => synthAndWrite(bundlePath, outdir, progress, strict, durable));
    if ('strictWarnings' in synthesized) {
      const warnings = synthesized.strictWarnings;
      io.err(`${bundlePath}: ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (--strict), nothing written:`);
      for (const w of warnings) io.err(`  ${w}`);
      return 1;
    }
    const { report, warnings } = synthesized;
    progress?.finish();
    for (const line of report.recovered) io.err(`note: ${line}`);
    for (const w of [...warnings, ...report.warnings]) io.err(`warning: ${w}`);
    if (!quiet) {
      for (const c of report.clusters) io.out(`${c.cluster}: ${c.objects} object${c.objects === 1 ? '' : 's'} -> ${c.dir}`);
      for (const r of report.removed) io.out(`removed ${path.join(outdir, r)} (written by an earlier run, no longer produced)`);
    }
    return 0;
  } catch (e) {
    if (e instanceof BundleError) {
      io.err(`${bundlePath}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}, nothing written:`);
      for (const p of e.problems) io.err(`  ${p}`);
      return 1;
    }
    if (e instanceof OutputError) {
      const [first, ...rest] = e.message.split('\n');
      io.err(`${outdir}: cannot write the output: ${first}`);
      for (const line of rest) io.err(line);
      return 1;
    }
    io.err(`cdk8s-istio-intents: internal error, nothing written: ${redactSecrets(String((e as Error)?.message ?? e))} (please report it)`);
    return 70;
  }
}

/** The version in package.json (found from here, in a checkout or an installed package). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'cdk8s-istio-intents') return String(pkg.version);
    } catch {
      // not here: look further up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export function main(argv: string[], io: CliIo = STDIO): number {
  let status = 0;
  const program = new Command()
    .name('cdk8s-istio-intents')
    .description('Istio manifests for each cluster from traffic intents')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program
    .command('synth')
    .description('synthesize an intent bundle (a YAML/JSON file, or a directory of them) into <out>/<cluster>/')
    .argument('<bundle>', 'bundle file or directory')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('-q, --quiet', 'no progress lines', false)
    .option('--strict', 'treat warnings (intents that cannot hold in Istio) as errors', false)
    .option('--durable', 'flush every file to disk before the output is swapped in (survives a power loss; slower)', false)
    .action((bundle: string, opts: { out: string; quiet: boolean; strict: boolean; durable: boolean }) => {
      status = synthCommand(bundle, opts.out, opts.quiet, io, opts.strict, opts.durable);
    });
  registerReviewCommands(program, io, (n) => { status = n; });
  try {
    program.parse(argv, { from: 'node' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return status;
}
