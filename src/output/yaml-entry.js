'use strict';
/**
 * One `key: value` entry of a manifest (top-level or nested), exactly as cdk8s's
 * `Yaml.stringify` writes it inside the whole object: a non-empty mapping is the key line and
 * the mapping's own YAML (its entries, one after the other) indented one level (empty lines
 * stay empty, as YAML writes them), the key line being `key: {}` less ` {}` (the key as YAML
 * writes it, quoted where it must be); anything else is the one-entry mapping itself. An
 * entry's text does not depend on how deep it is: its parent indents it. Plain JavaScript
 * because the writer's worker threads (yaml-task.js) run it too, without a TypeScript loader.
 */

/** An object literal (not an array, not a class instance). */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Key lines by key, per Yaml module: a manifest has a handful of top-level keys, each written once. */
const keyLines = new WeakMap();

/** `key:` as YAML writes a key whose value is a block mapping. */
function keyLine(Yaml, key) {
  let lines = keyLines.get(Yaml);
  if (!lines) keyLines.set(Yaml, (lines = new Map()));
  let line = lines.get(key);
  if (line === undefined) lines.set(key, (line = Yaml.stringify({ [key]: {} }).slice(0, -4)));
  return line;
}

/** The entry's text; `Yaml` is cdk8s's (the same module the caller's objects would be written with). */
function entryText(Yaml, key, value) {
  return isPlainObject(value) && Object.keys(value).length > 0
    ? `${keyLine(Yaml, key)}\n${Yaml.stringify(value).replace(/^(?=.)/gm, '  ')}`
    : Yaml.stringify({ [key]: value });
}

/** Thrown by `contentKey` for an entry whose text is not a function of its JSON. */
const NOT_KEYABLE = new Error('not keyable');

/**
 * JSON, with what JSON cannot tell apart but YAML writes differently (undefined, -0, NaN, ...)
 * marked: a marked key starts with `!`, which no JSON text does, so it never equals the plain
 * JSON of an entry (`jsonText`'s key), and in it a string starting with NUL gets a second NUL,
 * so no string reads as a mark. Throws NOT_KEYABLE for anything else YAML writes by more than
 * its JSON: an object that is not a literal or an array (a Date, a Map, a class instance), and
 * an object met twice in one manifest (`seen`), which YAML writes as an anchor and an alias.
 */
function contentKey(value, seen) {
  let marked = false;
  const mark = (text) => {
    marked = true;
    return `\u0000${text}`;
  };
  const json = JSON.stringify(value, function (key, v) {
    const original = this[key]; // before toJSON
    if (typeof original === 'object' && original !== null) {
      if (seen.has(original) || !(isPlainObject(original) || Array.isArray(original))) throw NOT_KEYABLE;
      seen.add(original);
    }
    if (v === undefined) return mark('undefined');
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return mark(Object.is(v, -0) ? '-0' : v);
    if (typeof v === 'bigint') return mark(`${v}n`);
    if (typeof v === 'string' && v.startsWith('\u0000')) return mark(v);
    return v;
  });
  return marked ? `!${json}` : json;
}

/**
 * The entries of an object literal, each `[key, content key, value]` (the content key is the
 * same for an entry whether it comes from the object or from its recorded JSON), or undefined
 * when one cannot be keyed.
 */
function keyedEntries(obj) {
  const seen = new Set();
  const entries = [];
  try {
    for (const key of Object.keys(obj)) entries.push([key, contentKey(obj[key], seen), obj[key]]);
  } catch (e) {
    if (e === NOT_KEYABLE) return undefined;
    throw e;
  }
  return entries;
}

/**
 * A manifest's file text, `---` and the object as one `Yaml.stringify` writes it, made from its
 * top-level entries, each stringified once per distinct content: `blocks` (key → content key
 * → text) is the caller's cache. Anything but a non-empty object literal of plain data is
 * stringified whole.
 */
function objectText(Yaml, obj, blocks) {
  const entries = isPlainObject(obj) ? keyedEntries(obj) : undefined;
  if (!entries || entries.length === 0) return `---\n${Yaml.stringify(obj)}`;
  let text = '---\n';
  for (const [key, content, value] of entries) text += block(Yaml, blocks, key, content, () => entryText(Yaml, key, value));
  return text;
}

/**
 * `objectText` of an object given as its recorded JSON (object-json.ts: a non-empty object
 * literal whose JSON is faithful): the JSON of each entry is its cache key, and parsed only for
 * an entry not yet in `blocks`.
 */
function jsonText(Yaml, keys, values, blocks) {
  let text = '---\n';
  for (let i = 0; i < keys.length; i++) {
    text += block(Yaml, blocks, keys[i], values[i], () => jsonEntryText(Yaml, blocks, keys[i], JSON.parse(values[i])));
  }
  return text;
}

/**
 * `entryText` of a value read from faithful JSON, with a non-empty mapping made from its own
 * entries, each looked up in `blocks` (by its JSON) first: an entry's text does not depend on
 * how deep it is (its parent indents it), and objects that differ in a few fields (a host, a
 * name) share the text of the rest (a traffic policy, labels).
 */
function jsonEntryText(Yaml, blocks, key, value) {
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  if (keys.length === 0) return entryText(Yaml, key, value);
  let inner = '';
  for (const k of keys) {
    const v = value[k];
    inner += block(Yaml, blocks, k, JSON.stringify(v), () => jsonEntryText(Yaml, blocks, k, v));
  }
  return `${keyLine(Yaml, key)}\n${inner.replace(/^(?=.)/gm, '  ')}`;
}

/**
 * An entry's text from `blocks` (key → content key → text: two lookups of strings as they are,
 * where one key made of both would be a new string to hash, 12 MB of them at the bench mesh's
 * size), made and remembered on a miss.
 */
function block(Yaml, blocks, key, content, make) {
  let byContent = blocks.get(key);
  if (byContent === undefined) blocks.set(key, (byContent = new Map()));
  let text = byContent.get(content);
  if (text === undefined) byContent.set(content, (text = make()));
  return text;
}

module.exports = { entryText, isPlainObject, jsonText, objectText };
