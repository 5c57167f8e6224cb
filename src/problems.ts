import type { IConstruct } from 'constructs';

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
    return this.messages.map(redactSecrets);
  }
}

/**
 * Renders a user value the way they wrote it: strings quoted, objects as JSON, long ones cut.
 * Characters outside printable ASCII are escaped (`"ht\u200btpbin"`), so a zero-width space or a
 * Cyrillic look-alike is visible; PEM private keys are never echoed.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return showString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'symbol') return `a Symbol (${escapeText(String(value.description ?? ''))})`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  return boundedJson(value, 120);
}

// PEM keys (`... PRIVATE KEY`) and OpenPGP armored keys (`PGP PRIVATE KEY BLOCK`).
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const KEY_LABEL = '[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?';
const PRIVATE_KEY_BLOCK = new RegExp(`-----BEGIN ${KEY_LABEL}-----(?:[\\s\\S]{0,16384}?-----END ${KEY_LABEL}-----|[\\s\\S]*)`, 'g');

/** Whether text holds PEM private-key material (`-----BEGIN ... PRIVATE KEY-----`). */
export function containsPrivateKey(text: unknown): boolean {
  return typeof text === 'string' && PRIVATE_KEY.test(text);
}

/** Replaces every PEM private-key block (to its END line, or to the end) by a placeholder. */
export function redactSecrets(text: string): string {
  return text.replace(PRIVATE_KEY_BLOCK, '[PEM private key redacted]');
}

/** Escapes everything outside printable ASCII as `\uXXXX` (JSON style). */
export function escapeText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function showString(value: string): string {
  if (containsPrivateKey(value)) return `a string with a PEM private key (${value.length} characters, redacted)`;
  const cut = value.length > 100 ? value.slice(0, 100) : value;
  const json = escapeText(JSON.stringify(cut));
  return cut === value ? json : `${json.slice(0, -1)}..." (${value.length} characters)`;
}

/** JSON of a value, stopping once `limit` characters are written (never walks a huge value). */
function boundedJson(value: unknown, limit: number): string {
  let out = '';
  const seen = new Set<unknown>();
  const write = (v: unknown): void => {
    if (out.length > limit) return;
    if (typeof v === 'string') out += containsPrivateKey(v) ? '"[redacted]"' : escapeText(JSON.stringify(v.length > limit ? v.slice(0, limit) : v));
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out += String(v);
    else if (typeof v !== 'object') out += 'null';
    else if (seen.has(v)) out += '"[circular]"';
    else {
      seen.add(v);
      const entries = Array.isArray(v)
        ? v.map((x) => [undefined, x] as const)
        : Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, x] as const);
      out += Array.isArray(v) ? '[' : '{';
      entries.forEach(([k, x], i) => {
        if (out.length > limit) return;
        if (i > 0) out += ',';
        if (k !== undefined) out += `${containsPrivateKey(k) ? '"[redacted]"' : escapeText(JSON.stringify(k))}:`;
        write(x);
      });
      out += Array.isArray(v) ? ']' : '}';
      seen.delete(v);
    }
  };
  try {
    write(value);
  } catch {
    return 'an unreadable value';
  }
  return out.length > limit ? `${out.slice(0, limit - 3)}...` : out;
}

/**
 * One step of a JSON path for a map key: `.key` for plain identifiers, `["key"]` otherwise,
 * escaped, cut when long, and redacted when it holds a private key (keys are user input too).
 */
export function pathKey(key: string, brackets = false): string {
  if (!brackets && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && key.length <= 100) return `.${key}`;
  return `[${showString(key).replace(/^a string with a PEM private key.*$/, '"[PEM private key redacted]"')}]`;
}

/** An error about input that cannot be deferred to synth (e.g. a lookup that must return). */
export class IntentError extends Error {
  constructor(path: string, field: string, value: unknown, message: string) {
    super(redactSecrets(`[${path}] ${field}: ${show(value)} ${message}`));
    this.name = 'IntentError';
  }
}

/**
 * Checks a construct id given from JavaScript before it reaches `constructs` (which would throw
 * a TypeError for a Symbol or a number, and a vague error for an empty id or a taken one).
 * `what` names the construct, e.g. "InboundService".
 */
export function constructId(scope: IConstruct, id: unknown, what: string): string {
  const at = scope?.node?.path ?? '';
  if (typeof id !== 'string' || id === '') {
    throw new IntentError(at, 'id', id, `is not a construct id for ${what} (a non-empty string, unique in its scope)`);
  }
  const sanitized = id.replace(/[/\n]/g, '--');
  const taken = scope?.node?.tryFindChild(sanitized);
  if (taken) {
    const how = sanitized === id ? '' : ` (as "${escapeText(sanitized)}": constructs write "/" as "--")`;
    throw new IntentError(at, 'id', id, `is already used in this scope${how} by ${taken.node.path}; ids must be unique`);
  }
  return id;
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
    p.add(field ? `${field}.${k}` : k, (obj as Record<string, unknown>)[k],
      `is not a known setting${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`);
  }
  return true;
}
