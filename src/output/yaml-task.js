'use strict';
/**
 * The YAML task of the writer's threads (yaml-workers.ts): an item is a manifest, its result
 * the manifest's file text (yaml-entry.js `objectText`, each distinct entry stringified once
 * per thread), written with the cdk8s module the calling thread resolved, so the text is what
 * it would have written.
 */
const { objectText } = require('./yaml-entry');

exports.runner = ({ cdk8s }) => {
  const { Yaml } = require(cdk8s);
  const blocks = new Map();
  return (obj) => objectText(Yaml, obj, blocks);
};
