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

/** JSON, with what JSON cannot tell apart but YAML writes differently (undefined, NaN, ...) marked. */
function contentKey(value) {
  return JSON.stringify(value, (_k, v) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && !Number.isFinite(v)) return `\u0000${v}`;
    if (typeof v === 'bigint') return `\u0000${v}n`;
    return v;
  });
}

/**
 * A manifest's file text, `---` and the object as one `Yaml.stringify` writes it, made from its
 * top-level entries, each stringified once per distinct content: `blocks` (cache key → text)
 * is the caller's cache. Undefined values are left out, as YAML leaves them. Anything but an
 * object literal is stringified whole.
 */
function objectText(Yaml, obj, blocks) {
  if (!isPlainObject(obj)) return `---\n${Yaml.stringify(obj)}`;
  let text = '---\n';
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined) continue;
    const cacheKey = `${key}\u0000${contentKey(value)}`;
    let block = blocks.get(cacheKey);
    if (block === undefined) blocks.set(cacheKey, (block = entryText(Yaml, key, value)));
    text += block;
  }
  return text;
}

module.exports = { entryText, isPlainObject, objectText };
