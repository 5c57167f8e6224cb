/**
 * Progress of a long synth on the command line: a line per finished phase with its object
 * count and the elapsed time (once the run has 1,000 objects or more), or, on a terminal, one live status line rewritten as phases start
 * and end. Written to standard error, so standard output keeps only the results.
 */
import { performance } from 'node:perf_hooks';
import type { PhaseReport, SynthPhase, SynthProgress } from './progress';

const LABEL: Record<SynthPhase, string> = {
  load: 'reading the bundle', build: 'building the intents', plan: 'planning', render: 'rendering',
  validate: 'schema + CEL checks', analyze: 'cross-object analysis', files: 'mapping files', write: 'writing',
  graph: 'connectivity graph',
};

export interface CliProgress extends SynthProgress {
  /** Ends the live line (on a terminal); call once when the command is done. */
  finish(): void;
}

/** Runs with fewer objects than this finish in moments: their phases are not listed (except on a terminal). */
export const PROGRESS_THRESHOLD = 1000;

export function cliProgress(write: (text: string) => void, live: boolean): CliProgress {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const unit = (p: SynthPhase) => (p === 'load' ? 'intents' : 'objects');
  const count = (r: PhaseReport) => (r.count === undefined ? '' : `, ${r.count.toLocaleString('en-US')} ${unit(r.phase)}`);
  let shown = false;
  // Plain lines wait until the run shows it is large; then the waiting ones come out first.
  let large = false;
  const waiting: string[] = [];
  const show = (text: string) => {
    write(`\r\u001b[2K${text}`);
    shown = true;
  };
  return {
    start(phase) {
      if (live) show(`[${elapsed()}] ${LABEL[phase]}...`);
    },
    end(r) {
      const line = `[${elapsed()}] ${LABEL[r.phase]}: done in ${(r.ms / 1000).toFixed(1)} s${count(r)}`;
      if (live) return show(line);
      large ||= (r.count ?? 0) >= PROGRESS_THRESHOLD;
      waiting.push(`${line}\n`);
      if (large) waiting.splice(0).forEach(write);
    },
    finish() {
      if (live && shown) write('\n');
    },
  };
}
