// The cdk8s-cli validation plugin (cdk8s.yaml `validations:`, class IstioIntentsValidation).
// In a checkout (src/ present), the TypeScript source through tsx's CommonJS loader, so a
// stale lib/ is never used; in an installed package (only lib/ is shipped), the compiled one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const source = path.join(__dirname, 'src', 'validation', 'cdk8s-plugin.ts');
if (fs.existsSync(source)) {
  require('tsx/cjs');
  module.exports = require(source);
} else {
  module.exports = require(path.join(__dirname, 'lib', 'src', 'validation', 'cdk8s-plugin.js'));
}
