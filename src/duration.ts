import { Duration } from 'cdk8s';
import { Problems } from './problems';

/**
 * A duration as users write it: a cdk8s `Duration`, or an Istio/Go duration string such as
 * `10s`, `5m`, `1h`, `1h30m`, `250ms`.
 */
export type DurationInput = Duration | string;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)/y;

/** Milliseconds of a Go-style duration string, or undefined when it is not one. */
export function parseDurationString(text: string): number | undefined {
  const s = text.trim();
  if (s === '' ) return undefined;
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== at) return undefined;
    ms += Number(m[1]) * UNIT_MS[m[2]];
  }
  return ms;
}

/** Renders milliseconds the way Istio's docs write durations: the largest exact unit. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Normalizes a duration for Istio: at least 1 ms (Istio's CEL rule) and whole milliseconds
 * (Istio's Go validation). Records a problem and returns undefined otherwise.
 */
export function normalizeDuration(problems: Problems, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let ms: number | undefined;
  if (value instanceof Duration) {
    try {
      ms = value.toMilliseconds();
    } catch {
      problems.add(field, value.toHumanString?.() ?? String(value), 'is not a whole number of milliseconds (Istio durations have millisecond precision)');
      return undefined;
    }
  } else if (typeof value === 'string') {
    ms = parseDurationString(value);
    if (ms === undefined) {
      problems.add(field, value, 'is not a duration (write a number with a unit: "250ms", "10s", "5m", "1h")');
      return undefined;
    }
  } else if (typeof value === 'number') {
    problems.add(field, value, 'is ambiguous without a unit (write "15s", "15m" or Duration.minutes(15))');
    return undefined;
  } else {
    problems.add(field, value, 'is not a duration (a cdk8s Duration or a string such as "10s")');
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < 1) {
    problems.add(field, value, 'is shorter than Istio allows (at least 1ms)');
    return undefined;
  }
  if (!Number.isInteger(ms)) {
    problems.add(field, value, 'is finer than Istio allows (whole milliseconds)');
    return undefined;
  }
  return formatDuration(ms);
}
