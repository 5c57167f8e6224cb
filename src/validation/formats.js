'use strict';
/**
 * The string and number formats the validators check (ajv-setup.js): ajv-formats' full set
 * (the CRDs use `byte` and `date-time`) and the OpenAPI number formats of Istio's schemas.
 * Required by the validators compiled into imports/validators/, so plain JavaScript.
 */
const { fullFormats } = require('ajv-formats/dist/formats');

const FORMATS = {
  ...fullFormats,
  int32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  int64: { type: 'number', validate: (n) => Number.isInteger(n) },
  double: { type: 'number', validate: () => true },
  float: { type: 'number', validate: () => true },
};

module.exports = { FORMATS };
