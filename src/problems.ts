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

/** Renders a user value the way they wrote it: strings quoted, objects as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
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
