'use strict';
/**
 * One top-level `key: value` entry of a manifest, exactly as cdk8s's `Yaml.stringify` writes it
 * inside the whole object: a non-empty mapping is the key line and the mapping's own YAML
 * indented one level (empty lines stay empty, as YAML writes them), the key line being
 * `key: {}` less ` {}` (the key as YAML writes it, quoted where it must be); anything else is
 * the one-entry mapping itself. Plain JavaScript because the writer's worker threads
 * (yaml-task.js) run it too, without a TypeScript loader.
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
 * marked. Throws NOT_KEYABLE for anything else YAML writes by more than its JSON: an object
 * that is not a literal or an array (a Date, a Map, a class instance), and an object met
 * twice in one manifest (`seen`), which YAML writes as an anchor and an alias.
 */
function contentKey(value, seen) {
  return JSON.stringify(value, function (key, v) {
    const original = this[key]; // before toJSON
    if (typeof original === 'object' && original !== null) {
      if (seen.has(original) || !(isPlainObject(original) || Array.isArray(original))) throw NOT_KEYABLE;
      seen.add(original);
    }
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `\u0000${Object.is(v, -0) ? '-0' : v}`;
    if (typeof v === 'bigint') return `\u0000${v}n`;
    return v;
  });
}

/** The entries of an object literal with their cache keys, or undefined when one cannot be keyed. */
function keyedEntries(obj) {
  const seen = new Set();
  const entries = [];
  try {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (value !== undefined) entries.push([`${key}\u0000${contentKey(value, seen)}`, key, value]);
    }
  } catch (e) {
    if (e === NOT_KEYABLE) return undefined;
    throw e;
  }
  return entries;
}

/**
 * A manifest's file text, `---` and the object as one `Yaml.stringify` writes it, made from its
 * top-level entries, each stringified once per distinct content: `blocks` (cache key → text)
 * is the caller's cache. Undefined values are left out, as YAML leaves them. Anything but an
 * object literal of plain data is stringified whole.
 */
function objectText(Yaml, obj, blocks) {
  const entries = isPlainObject(obj) ? keyedEntries(obj) : undefined;
  if (!entries) return `---\n${Yaml.stringify(obj)}`;
  let text = '---\n';
  for (const [cacheKey, key, value] of entries) {
    let block = blocks.get(cacheKey);
    if (block === undefined) blocks.set(cacheKey, (block = entryText(Yaml, key, value)));
    text += block;
  }
  return text;
}

module.exports = { entryText, isPlainObject, objectText };
