/**
 * Collects what is wrong with one construct's input, so that a synth reports every mistake
 * at once (cdk8s prefixes each message with the construct path: `[mesh/cluster02/httpbin]`).
 *
 * Every message has the same shape: `<field>: <bad value> <what is wrong> (<what is allowed>)`.
 */
export class Problems {
  private readonly messages: string[] = [];

  /** Records `field: value message`. */
  public add(field: string, value: unknown, message: string): void {
    this.messages.push(`${field}: ${show(value)} ${message}`);
  }

  /** Records a message that is not about one value (e.g. a combination of fields). */
  public addMessage(field: string, message: string): void {
    this.messages.push(`${field}: ${message}`);
  }

  public get isEmpty(): boolean {
    return this.messages.length === 0;
  }

  public list(): string[] {
    return [...this.messages];
  }
}

/** Renders a user value the way they wrote it: strings quoted, objects as JSON (long ones cut). */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 100)}..." (${value.length} characters)` : json;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? json.slice(0, 117) + '...' : json;
  } catch {
    return String(value);
  }
}

/** An error about input that cannot be deferred to synth (e.g. a lookup that must return). */
export class IntentError extends Error {
  constructor(path: string, field: string, value: unknown, message: string) {
    super(`[${path}] ${field}: ${show(value)} ${message}`);
    this.name = 'IntentError';
  }
}

/** Levenshtein distance (case-insensitive), for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate to a misspelled word, if one is close enough. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

/**
 * Checks that a props object is an object and has only known keys, so a misspelled setting
 * (the seed's `loadbalancer`) is an error instead of being silently ignored. Returns whether
 * the value is an object.
 */
export function checkKnownKeys(p: Problems, field: string, obj: unknown, allowed: readonly string[]): boolean {
  if (obj === undefined) return false;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || obj instanceof Map) {
    p.add(field || 'props', obj, 'is not an object');
    return false;
  }
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    const hint = suggest(k, allowed);
    p.add(field ? `${field}.${k}` : k, (obj as Record<string, unknown>)[k], `is not a known setting${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`);
  }
  return true;
}
