// After `tsc -p tsconfig.build.json`: the files tsc does not emit but the package needs in lib/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const ASSETS = [
  'imports/istio-schemas.json',
  // Plain JavaScript run by the writer's worker threads (and declarations for the .d.ts that import it).
  'src/output/yaml-entry.js',
  'src/output/yaml-entry.d.ts',
  'src/output/share-worker.js',
  'src/output/yaml-task.js',
  'src/output/file-task.js',
  'src/output/new-file.js',
  'src/output/new-file.d.ts',
];
// Validators compiled ahead of time (scripts/compile-validators.js) and the formats they require.
ASSETS.push('src/validation/formats.js');
// Not imported by the code any more, but the README points editors at it.
ASSETS.push('src/intents/intent-bundle.schema.json');
for (const file of fs.readdirSync(path.join(ROOT, 'imports', 'validators'))) ASSETS.push(`imports/validators/${file}`);
for (const asset of ASSETS) {
  const target = path.join(ROOT, 'lib', asset);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(ROOT, asset), target);
}
