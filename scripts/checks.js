#!/usr/bin/env node
// The static checks of `npm test`, run side by side: type-check (tsc, strict), lint (eslint,
// type-aware), import cycles (dpdm). Each prints its own output; the exit status is non-zero
// when any fails. Incremental state lives in node_modules/.cache, so a warm run is fast.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const bin = (name) => path.join(__dirname, '..', 'node_modules', '.bin', name);
const CHECKS = [
  ['types', bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/tsc/tsbuildinfo']],
  ['lint', bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']],
  ['import cycles', bin('dpdm'), ['--no-tree', '--no-warning', '--exit-code', 'circular:1', 'src/index.ts', 'src/cli.ts']],
];

function run([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ name, code, output }));
  });
}

Promise.all(CHECKS.map(run)).then((results) => {
  for (const r of results) {
    process.stdout.write(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name}\n`);
    if (r.code !== 0) process.stdout.write(r.output.replace(/\u001b\[[0-9;]*m/g, ''));
  }
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});
