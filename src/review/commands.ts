/**
 * `cdk8s-istio-intents graph <dir>` and `cdk8s-istio-intents diff <before-dir> <after-dir>`.
 *
 * Exit status: 0 when the command ran (whatever the diff found); 3 when `--fail-on-widen` is
 * given and access widened (or changed in a way the model cannot decide); 1 when a tree cannot
 * be read (with the reason); 2 on usage errors (commander's, and a --focus naming nothing).
 */
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io';
import { buildAccessModel } from './access-model';
import { renderConnectivityMarkdown } from './connectivity-md';
import { diffAccess } from './diff';
import { DIFF_FORMATS, DiffFormat, formatDiff } from './diff-format';
import { renderDot } from './dot';
import { connectivityJson } from './graph-json';
import { buildView, FocusError, GraphOptions } from './graph-view';
import { renderMermaid } from './mermaid';
import { ManifestTreeError, readManifestTree } from './tree';

export type GraphFormat = 'mermaid' | 'json' | 'dot' | 'markdown';
const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'json', 'dot', 'markdown'];

export const EXIT_WIDENED = 3;

interface GraphFlags { format: GraphFormat; focus?: string; collapse: boolean; rootNamespace: string }
interface DiffFlags { format: DiffFormat; failOnWiden: boolean; rootNamespace: string }

/** Runs a command body: tree errors → 1, focus errors → 2, with the reason and no stack trace. */
function guarded(io: CliIo, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof ManifestTreeError) {
      io.err(e.message);
      return 1;
    }
    if (e instanceof FocusError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
}

export function graphCommand(dir: string, flags: GraphFlags, io: CliIo): number {
  return guarded(io, () => {
    if (flags.format === 'json'
      && flags.focus !== undefined) throw new FocusError('--focus: applies to the mermaid, dot and markdown formats, not json');
    const model = buildAccessModel(readManifestTree(dir), { rootNamespace: flags.rootNamespace });
    const options: GraphOptions = { focus: flags.focus, collapse: flags.collapse };
    const text = flags.format === 'json' ? connectivityJson(model)
      : flags.format === 'dot' ? renderDot(buildView(model, options))
        : flags.format === 'markdown' ? renderConnectivityMarkdown(model, options) : renderMermaid(buildView(model, options));
    io.out(text.trimEnd());
    return 0;
  });
}

export function diffCommand(beforeDir: string, afterDir: string, flags: DiffFlags, io: CliIo): number {
  return guarded(io, () => {
    const options = { rootNamespace: flags.rootNamespace };
    const before = buildAccessModel(readManifestTree(beforeDir), options);
    const after = buildAccessModel(readManifestTree(afterDir), options);
    const diff = diffAccess(before, after);
    io.out(formatDiff(diff, flags.format).trimEnd());
    return flags.failOnWiden && diff.widened ? EXIT_WIDENED : 0;
  });
}

const rootNamespaceOption = () => new Option('--root-namespace <ns>', "the mesh's root namespace (meshConfig.rootNamespace)").default('istio-system');

/** Adds `graph` and `diff` to the CLI; each action reports its exit status through setStatus. */
export function registerReviewCommands(program: Command, io: CliIo, setStatus: (n: number) => void): void {
  program
    .command('graph')
    .description('who may call whom, from rendered manifests in <dir>/<cluster>/ (or YAML files directly in <dir>)')
    .argument('<dir>', 'directory of cluster directories, e.g. dist/<app>')
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .option('--focus <service>', 'only this service or caller and its neighbours (name, <namespace>/<name>, host or principal)')
    .option('--no-collapse', 'one node per service, even when several have the same callers')
    .addOption(rootNamespaceOption())
    .action((dir: string, flags: GraphFlags) => setStatus(graphCommand(dir, flags, io)));
  program
    .command('diff')
    .description('access added or removed between two trees of rendered manifests, per cluster')
    .argument('<before-dir>', 'the tree before the change')
    .argument('<after-dir>', 'the tree after the change')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('markdown'))
    .option('--fail-on-widen', `exit with status ${EXIT_WIDENED} when access widened (or a change cannot be decided)`, false)
    .addOption(rootNamespaceOption())
    .action((before: string, after: string, flags: DiffFlags) => setStatus(diffCommand(before, after, flags, io)));
}
