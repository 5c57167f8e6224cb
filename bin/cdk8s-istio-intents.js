#!/usr/bin/env node
// The compiled CLI in an installed package; in a checkout (no lib/), the TypeScript source
// through tsx's CommonJS loader.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const compiled = path.join(__dirname, '..', 'lib', 'src', 'cli.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('tsx/cjs');
  cli = require('../src/cli.ts');
}
process.exitCode = cli.main(process.argv);
