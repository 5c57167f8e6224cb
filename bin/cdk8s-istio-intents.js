#!/usr/bin/env node
// In a checkout (src/ present), the TypeScript source through tsx's CommonJS loader, so a
// stale lib/ is never used; in an installed package (only lib/ is shipped), the compiled CLI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const source = path.join(__dirname, '..', 'src', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(path.join(__dirname, '..', 'lib', 'src', 'cli.js'));
}
process.exitCode = cli.main(process.argv);
