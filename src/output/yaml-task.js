'use strict';
/**
 * The YAML task of the writer's threads (yaml-workers.ts): an item is a manifest, its result
 * the manifest's file text (yaml-entry.js `objectText`, each distinct entry stringified once
 * per thread), written with the cdk8s module the calling thread resolved, so the text is what
 * it would have written.
 */
const { jsonText, objectText } = require('./yaml-entry');

/** An item is an object's recorded JSON (`keys`, `values`: object-json.ts) or `{ object }`. */
exports.runner = ({ cdk8s }) => {
  const { Yaml } = require(cdk8s);
  const blocks = new Map();
  return (item) => (item.values ? jsonText(Yaml, item.keys, item.values, blocks) : objectText(Yaml, item.object, blocks));
};
