/**
 * The JSON of each top-level entry of a rendered object, made once, when the mesh renders it,
 * and read by everything that needs the object as text at synth: the schema checks key their
 * cache on it (manifest-validator.ts), the object checks measure it and search it for private
 * keys (object-checks.ts), and the YAML threads receive it instead of the object and key their
 * cache on it (yaml-entry.js). At the bench mesh's size that is one walk of 24,000 objects
 * where there were three, and strings rather than object trees copied to the YAML thread.
 *
 * Only for objects whose JSON is faithful: what `JSON.parse` gives back is written as the same
 * YAML and passes the same checks. That is plain data: object literals and arrays, strings,
 * booleans, null, finite numbers other than -0 (JSON writes it as 0); no undefined value (YAML
 * writes it as null where JSON leaves it out), no array hole, no object met twice (YAML writes
 * an anchor and an alias). Anything else is not recorded, and each reader handles the object
 * as it would without this.
 *
 * Recorded only for objects a mesh rendered itself (fresh from `toJson`, never handed to user
 * code before the writer reads them), so a record cannot go stale: an object a user passes to
 * `validateManifest` is never looked up here.
 */

/** A faithful object's top-level keys (in its order) and the JSON of each value. */
export interface ObjectJson {
  readonly keys: readonly string[];
  readonly values: readonly string[];
}

const recorded = new WeakMap<object, ObjectJson>();

/** Records the JSON of each object that has a faithful one. */
export function recordObjectJson(objects: readonly unknown[]): void {
  for (const obj of objects) {
    const json = faithfulJson(obj);
    if (json) recorded.set(obj as object, json);
  }
}

/** The recorded JSON of a rendered object; undefined when none was recorded. */
export function recordedJson(obj: unknown): ObjectJson | undefined {
  return typeof obj === 'object' && obj !== null ? recorded.get(obj) : undefined;
}

/** `JSON.stringify` of the whole object, less the `omit` key: the same bytes, from the entries. */
export function wholeJson(json: ObjectJson, omit?: string): string {
  let text = '';
  json.keys.forEach((key, i) => {
    if (key !== omit) text += `${text ? ',' : ''}${JSON.stringify(key)}:${json.values[i]}`;
  });
  return `{${text}}`;
}

/** The entries' JSON of an object literal with at least one entry whose JSON is faithful; else undefined. */
export function faithfulJson(obj: unknown): ObjectJson | undefined {
  if (!isLiteral(obj) || !isFaithful(obj, new Set(), 0)) return undefined;
  const keys = Object.keys(obj);
  if (keys.length === 0) return undefined; // YAML writes `{}`, not an empty document
  return { keys, values: keys.map((key) => JSON.stringify((obj as Record<string, unknown>)[key])) };
}

/** Deeper than any manifest: a pathological value, handled without this. */
const MAX_DEPTH = 64;

function isFaithful(value: unknown, seen: Set<object>, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false; // undefined, bigint, function, symbol
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH || seen.has(value)) return false;
  seen.add(value);
  if (Object.getPrototypeOf(value) === Array.prototype) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) if (!isFaithful(list[i], seen, depth + 1)) return false; // a hole reads as undefined
    return true;
  }
  if (!isLiteral(value)) return false; // a Date, a Map, a class instance: JSON and YAML write them differently
  for (const key in value) {
    // An object literal inherits no enumerable key, so `in` lists its own: the keys JSON and YAML write.
    if (!isFaithful((value as Record<string, unknown>)[key], seen, depth + 1)) return false;
  }
  return true;
}

function isLiteral(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
