/**
 * Seed values as the constructs take them. The seed writes ports, counts and flags as numbers or
 * strings; these convert what is meant unambiguously and pass anything else on unchanged, so the
 * construct's own check reports it with its value.
 */
import type { DurationInput } from '../duration';
import { escapeText, show } from '../problems';
import type { CountJson, DurationJson, FlagJson, PortJson } from './bundle-json';

/** `"8000"` → 8000. Any other string is passed on for the construct to reject. */
export function asNumber(v: PortJson | CountJson): number;
export function asNumber(v: PortJson | CountJson | undefined): number | undefined;
export function asNumber(v: PortJson | CountJson | undefined): number | undefined {
  return (typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v) as number | undefined;
}

/** A duration as given: a number (the schema lets it through) is for the construct to reject. */
export function asDuration(v: DurationJson | undefined): DurationInput | undefined {
  return v as DurationInput | undefined;
}

const TRUE = new Set(['true', 'yes']);
const FALSE = new Set(['false', 'no']);

/** `true`/`false`, `"true"`/`"false"`, `"yes"`/`"no"` (any case); anything else is a problem. */
export function flag(v: FlagJson | undefined, at: string, problems: string[]): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  problems.push(`${at}: ${show(v)} is not a yes/no value (true, false, "yes", "no")`);
  return undefined;
}

/** Drops undefined values, so defaults apply (`{ a: undefined }` would override them). */
export function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The defined values of `o`, or undefined when there are none. */
export function pick<T extends object>(o: T): T | undefined {
  const out = withoutUndefined(o);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Names for a message: escaped (invisible characters show), at most 20. */
export function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.slice(0, 20).map(escapeText).join(', ') + (names.length > 20 ? `, ... (${names.length} in all)` : '');
}
