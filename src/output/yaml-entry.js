'use strict';
/**
 * One top-level `key: value` entry of a manifest, exactly as cdk8s's `Yaml.stringify` writes it
 * inside the whole object: a non-empty mapping is the key line and the mapping's own YAML
 * indented one level (empty lines stay empty, as YAML writes them), the key line being
 * `key: {}` less ` {}` (the key as YAML writes it, quoted where it must be); anything else is
 * the one-entry mapping itself. Plain JavaScript because the writer's worker threads
 * (yaml-worker.js) run it too, without a TypeScript loader.
 */

/** An object literal (not an array, not a class instance). */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** The entry's text; `Yaml` is cdk8s's (the same module the caller's objects would be written with). */
function entryText(Yaml, key, value) {
  return isPlainObject(value) && Object.keys(value).length > 0
    ? `${Yaml.stringify({ [key]: {} }).slice(0, -4)}\n${Yaml.stringify(value).replace(/^(?=.)/gm, '  ')}`
    : Yaml.stringify({ [key]: value });
}

module.exports = { entryText, isPlainObject };
