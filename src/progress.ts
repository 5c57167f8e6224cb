/**
 * Progress of a synth, phase by phase: what the CLI shows on long runs and what the benchmark
 * prints. A reporter is installed for the duration of one call (`withProgress`); the phases
 * report to it, and cost nothing when none is installed.
 */
import { performance } from 'node:perf_hooks';

export type SynthPhase = 'load' | 'build' | 'plan' | 'render' | 'validate' | 'analyze' | 'files' | 'write' | 'graph';

export interface PhaseReport {
  readonly phase: SynthPhase;
  /** Wall-clock milliseconds the phase took. */
  readonly ms: number;
  /** Objects (or documents) the phase handled, when it counts them. */
  readonly count?: number;
}

/** Receives a report when a phase starts and when it ends. */
export interface SynthProgress {
  start?(phase: SynthPhase): void;
  end(report: PhaseReport): void;
}

const reporters: SynthProgress[] = [];

/** Runs `fn` with `progress` receiving the phases of every synth inside it. */
export function withProgress<T>(progress: SynthProgress | undefined, fn: () => T): T {
  if (!progress) return fn();
  reporters.push(progress);
  try {
    return fn();
  } finally {
    reporters.pop();
  }
}

/** Runs one phase, reporting its duration (and the count `count` derives from its result). */
export function phase<T>(name: SynthPhase, fn: () => T, count?: (result: T) => number): T {
  const progress = reporters[reporters.length - 1];
  if (!progress) return fn();
  progress.start?.(name);
  const t = performance.now();
  const result = fn();
  progress.end({ phase: name, ms: performance.now() - t, count: count?.(result) });
  return result;
}

/** Sums reports per phase (several meshes or apps in one run), in the order phases first ended. */
export class PhaseTotals implements SynthProgress {
  public readonly totals = new Map<SynthPhase, { ms: number; count?: number }>();

  public end(r: PhaseReport): void {
    const prev = this.totals.get(r.phase);
    const count = r.count === undefined ? prev?.count : (prev?.count ?? 0) + r.count;
    this.totals.set(r.phase, { ms: (prev?.ms ?? 0) + r.ms, count });
  }
}
