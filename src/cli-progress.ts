/**
 * Progress of a long synth on the command line: a line per finished phase with its object
 * count and the elapsed time, or, on a terminal, one live status line rewritten as phases start
 * and end. Written to standard error, so standard output keeps only the results.
 */
import { performance } from 'node:perf_hooks';
import type { PhaseReport, SynthPhase, SynthProgress } from './progress';

const LABEL: Record<SynthPhase, string> = {
  load: 'reading the bundle', build: 'building the intents', plan: 'planning', render: 'rendering',
  validate: 'schema + CEL checks', analyze: 'cross-object analysis', files: 'mapping files', write: 'writing',
};

export interface CliProgress extends SynthProgress {
  /** Ends the live line (on a terminal); call once when the command is done. */
  finish(): void;
}

export function cliProgress(write: (text: string) => void, live: boolean): CliProgress {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const unit = (p: SynthPhase) => (p === 'load' ? 'intents' : 'objects');
  const count = (r: PhaseReport) => (r.count === undefined ? '' : `, ${r.count.toLocaleString('en-US')} ${unit(r.phase)}`);
  let shown = false;
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
      if (live) show(line);
      else write(`${line}\n`);
    },
    finish() {
      if (live && shown) write('\n');
    },
  };
}
