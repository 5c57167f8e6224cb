'use strict';
/**
 * The two JSON Schema validators of this library, as Ajv compiles them: the CRD schema of each
 * Istio kind (closed: every object under `spec` that lists properties rejects unknown fields)
 * and the intent bundle's schema. scripts/compile-validators.js compiles them ahead of time into
 * imports/validators/ (Ajv's standalone code), so a synth loads validators instead of compiling
 * them (0.2-0.5 s of every CLI run, more in a test suite). The runtime needs only the formats
 * (formats.js), which the generated code requires. Plain JavaScript: the script runs without a
 * TypeScript loader.
 */
const { default: Ajv, _ } = require('ajv');
const { FORMATS } = require('./formats');

/**
 * Ajv for the CRD schemas. Istio's schemas use keywords and formats strict mode would reject.
 * `code.formats`: the generated code requires formats.js from imports/validators/.
 */
function crdAjv() {
  return new Ajv({
    strict: false, allErrors: true, validateFormats: true, formats: FORMATS,
    code: { source: true, formats: _`require("../../src/validation/formats").FORMATS` },
  });
}

/** Ajv for the intent bundle: strict, every error, with the failing schema in each (load.ts reads it). */
function bundleAjv() {
  return new Ajv({
    allErrors: true, allowUnionTypes: true, strict: true, verbose: true, formats: FORMATS,
    code: { source: true, formats: _`require("../../src/validation/formats").FORMATS` },
  });
}

/** The schema an object of `apiVersion` `kind` is checked against: the CRD's `spec` schema, closed. */
function crdRootSchema(apiVersion, kind, crdSchema) {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: { const: apiVersion },
      kind: { const: kind },
      metadata: { type: 'object' },
      spec: closeObjects(crdSchema.properties?.spec ?? {}),
      status: { type: 'object' },
    },
    additionalProperties: false,
  };
}

/**
 * A copy of a schema with `additionalProperties: false` on every object that lists properties
 * (Istio's schemas accept unknown fields, so a misspelled `loadbalancer` would otherwise pass),
 * without the CEL rules (evaluated separately; Ajv would see an unknown keyword).
 */
function closeObjects(schema) {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'x-kubernetes-validations') continue;
    out[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, closeObjects(pv)]))
      : closeObjects(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

module.exports = { bundleAjv, crdAjv, crdRootSchema };
