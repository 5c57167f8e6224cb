#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's CommonJS loader (no build step).
'use strict';
require('tsx/cjs');
process.exitCode = require('../src/cli.ts').main(process.argv);
