#!/usr/bin/env node
// Regenerates imports/ from the vendored Istio CRDs, offline and byte-identically.
//
// 1. Checks the vendored file against the sha256 pinned in vendor/istio/SOURCE.md, so a
//    silently edited CRD file can never leak into the generated classes.
// 2. Runs `cdk8s import` on the networking.istio.io and security.istio.io CRDs only
//    (telemetry/extensions are not used and would slow type-checking).
// 3. Writes imports/istio-schemas.json: the openAPIV3Schema of every served version of those
//    CRDs, keyed by "<group>/<version>/<Kind>". The manifest validator reads it instead of
//    parsing 870 KB of YAML on every synth.
'use strict';
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const crdFile = path.join(root, 'vendor', 'istio', 'crd-all.gen.yaml');
const sourceFile = path.join(root, 'vendor', 'istio', 'SOURCE.md');
// `--out DIR` regenerates elsewhere (the test that proves imports/ is untouched output).
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'imports');
const GROUPS = ['networking.istio.io', 'security.istio.io'];

const text = fs.readFileSync(crdFile, 'utf8');
const sha = createHash('sha256').update(text).digest('hex');
if (!fs.readFileSync(sourceFile, 'utf8').includes(sha)) {
  console.error(`vendor/istio/crd-all.gen.yaml has sha256 ${sha}, which SOURCE.md does not pin. Re-vendor it and record its provenance.`);
  process.exit(1);
}

const crds = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d && d.kind === 'CustomResourceDefinition');
const wanted = crds.filter((crd) => GROUPS.includes(crd.spec.group));

const schemas = {};
for (const crd of [...wanted].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
  for (const version of crd.spec.versions) {
    if (!version.served) continue;
    schemas[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = version.schema.openAPIV3Schema;
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-import-'));
try {
  const filtered = path.join(tmp, 'istio-crds.yaml');
  fs.writeFileSync(filtered, wanted.map((d) => YAML.stringify(d)).join('---\n'));
  fs.rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'import', filtered, '--language', 'typescript', '--output', outDir, '--no-save', '--no-check-upgrade'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
linearUndefinedFilter(outDir);
fs.writeFileSync(path.join(outDir, 'istio-schemas.json'), JSON.stringify(schemas) + '\n');
console.log(`${path.relative(root, outDir) || outDir}/ regenerated from Istio CRDs (sha256 ${sha.slice(0, 12)}…): ${Object.keys(schemas).length} schemas`);

/**
 * The generated `toJson_*` functions drop undefined values with
 * `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})`,
 * which copies the object once per field: quadratic, and the largest cost of rendering a big
 * mesh after cdk8s itself. Rewritten to `Object.fromEntries(Object.entries(x).filter(...))`:
 * the same keys in the same order, each defined as an own property (as the spread did, so a
 * `__proto__` key stays a key), in one pass. Every occurrence must be rewritten.
 */
function linearUndefinedFilter(dir) {
  const quadratic = /Object\.entries\(((?:[^()]|\([^()]*\))*)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: (i\[1\]|\w+\(i\[1\]\)) \}\), \{\}\)/g;
  const linear = (_m, entries, value) => {
    const defined = `Object.entries(${entries}).filter((i) => i[1] !== undefined)`;
    return `Object.fromEntries(${value === 'i[1]' ? defined : `${defined}.map((i) => [i[0], ${value}])`})`;
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const rewritten = fs.readFileSync(path.join(dir, file), 'utf8').replace(quadratic, linear);
    if (rewritten.includes('...r, [i[0]]')) throw new Error(`${file}: an undefined filter of cdk8s import was not rewritten`);
    fs.writeFileSync(path.join(dir, file), rewritten);
  }
}
