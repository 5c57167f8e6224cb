/**
 * `cdk8s-istio-intents synth <bundle-file-or-dir> --out <dir> [--quiet]`
 *
 * Synthesizes an intent bundle through the same constructs as a TypeScript app and writes
 * `<dir>/<cluster>/<kind>.<namespace>.<name>.yaml`. Every problem is reported at once; on any
 * problem the exit status is 1 and nothing is written.
 */
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { writeClusters } from './mesh-app';
import { buildBundle } from './intents/build';
import { BundleError, loadBundle } from './intents/load';
import { registerReviewCommands } from './review/commands';
import { withWarningSink } from './warning-sink';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STDIO: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Synthesizes a bundle into a directory; returns the exit status. */
export function synthCommand(bundlePath: string, outdir: string, quiet: boolean, io: CliIo = STDIO, strict = false): number {
  if (outdir.trim() === '') {
    io.err('--out: "" is not a directory name');
    return 2;
  }
  try {
    const built = buildBundle(loadBundle(bundlePath));
    const warnings: string[] = [];
    const clusters = withWarningSink((w) => warnings.push(w), () => built.synth());
    if (strict && warnings.length > 0) {
      io.err(`${bundlePath}: ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (--strict), nothing written:`);
      for (const w of warnings) io.err(`  ${w}`);
      return 1;
    }
    try {
      writeClusters(outdir, clusters);
    } catch (e) {
      io.err(`${outdir}: cannot write the output (${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message})`);
      return 1;
    }
    for (const w of warnings) io.err(`warning: ${w}`);
    if (!quiet) {
      for (const c of clusters) io.out(`${c.cluster}: ${c.files.size} object${c.files.size === 1 ? '' : 's'} -> ${path.join(outdir, c.cluster)}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof BundleError) {
      io.err(`${bundlePath}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}, nothing written:`);
      for (const p of e.problems) io.err(`  ${p}`);
      return 1;
    }
    throw e;
  }
}

export function main(argv: string[], io: CliIo = STDIO): number {
  let status = 0;
  const program = new Command()
    .name('cdk8s-istio-intents')
    .description('Istio manifests for each cluster from traffic intents')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program
    .command('synth')
    .description('synthesize an intent bundle (a YAML/JSON file, or a directory of them) into <out>/<cluster>/')
    .argument('<bundle>', 'bundle file or directory')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('-q, --quiet', 'no progress lines', false)
    .option('--strict', 'treat warnings (intents that cannot hold in Istio) as errors', false)
    .action((bundle: string, opts: { out: string; quiet: boolean; strict: boolean }) => {
      status = synthCommand(bundle, opts.out, opts.quiet, io, opts.strict);
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
