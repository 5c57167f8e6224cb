import { Duration } from 'cdk8s';
import { Problems } from './problems';

/**
 * A duration as users write it: a cdk8s `Duration`, or an Istio/Go duration string such as
 * `10s`, `5m`, `1h`, `1h30m`, `250ms`.
 */
export type DurationInput = Duration | string;

/** Nanoseconds per unit (exact integers: no floating-point rounding of "1.001s"). */
const UNIT_NS: Record<string, bigint> = {
  h: 3_600_000_000_000n, m: 60_000_000_000n, s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, µs: 1_000n, ns: 1n,
};
const PART = /([0-9]+)(?:\.([0-9]+))?(h|ms|m|s|us|µs|ns)/y;

/** Nanoseconds of a Go-style duration string, or undefined when it is not one. */
function parseNanos(text: string): bigint | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let ns = 0n;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== at) return undefined;
    const unit = UNIT_NS[m[3]];
    const fraction = m[2] ?? '';
    // value = int + fraction / 10^digits, times the unit; exact, or truncated below 1 ns
    ns += BigInt(m[1]) * unit + (BigInt(fraction || '0') * unit) / 10n ** BigInt(fraction.length);
  }
  return ns;
}

/** Milliseconds of a Go-style duration string (fractional when finer), or undefined. */
export function parseDurationString(text: string): number | undefined {
  const ns = parseNanos(text);
  return ns === undefined ? undefined : Number(ns) / 1e6;
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
      problems.add(field, value.toHumanString?.() ?? String(value),
        'is not a whole number of milliseconds (Istio durations have millisecond precision)');
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
