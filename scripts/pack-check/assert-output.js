// pack-check: checks what `cdk8s synth` wrote (argv[2]) and printed with --stdout (argv[3]).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require('yaml');

function fail(message) {
  console.error(`pack-check: ${message}`);
  process.exit(1);
}

function parse(text, where) {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) fail(`${where} document ${i + 1}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (!obj || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') fail(`${where} document ${i + 1} is not an object`);
    return obj;
  });
}

const id = (o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const [outdir, streamFile] = process.argv.slice(2);
const files = fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
const objects = Object.fromEntries(files.map((f) => [f, parse(fs.readFileSync(path.join(outdir, f), 'utf8'), f)]));
const inCluster = (cluster) => Object.entries(objects).filter(([f]) => f.startsWith(`${cluster}/`)).flatMap(([, o]) => o);

// The workload chart went into both clusters reviews runs in; the frontend chart into edge.
for (const cluster of ['east', 'west']) {
  const kinds = inCluster(cluster).map(id);
  const wanted = ['Service/bookinfo/reviews', 'ServiceAccount/bookinfo/reviews', 'PeerAuthentication/bookinfo/reviews', 'AuthorizationPolicy/bookinfo/reviews'];
  for (const want of ['Deployment', ...wanted]) {
    if (!kinds.some((k) => k.startsWith(want))) fail(`${cluster}: no ${want} in ${kinds.join(', ')}`);
  }
  // STRICT mTLS and the allow rules must select pods that exist in this cluster.
  const podLabels = inCluster(cluster).filter((o) => o.kind === 'Deployment').map((d) => d.spec.template.metadata.labels ?? {});
  for (const policy of inCluster(cluster).filter((o) => o.kind === 'PeerAuthentication' || o.kind === 'AuthorizationPolicy')) {
    const selector = policy.spec.selector?.matchLabels ?? {};
    const selected = podLabels.some((labels) => Object.entries(selector).every(([k, v]) => labels[k] === v));
    if (!selected) fail(`${cluster}: ${id(policy)} selects no pod of this cluster`);
  }
}
const edge = inCluster('edge').map(id);
for (const want of ['Deployment/bookinfo/', 'ServiceEntry/bookinfo/reviews', 'DestinationRule/bookinfo/reviews']) {
  if (!edge.some((k) => k.startsWith(want))) fail(`edge: no ${want} in ${edge.join(', ')}`);
}
if (!objects['ops.k8s.yaml'] || objects['ops.k8s.yaml'].map(id).join() !== 'ConfigMap/ops/settings') fail(`ops.k8s.yaml: ${JSON.stringify(files)}`);

// --stdout: one valid YAML stream holding exactly the objects of the files.
const streamed = parse(fs.readFileSync(streamFile, 'utf8'), 'stdout').map(id).sort();
const written = Object.values(objects).flat().map(id).sort();
if (JSON.stringify(streamed) !== JSON.stringify(written)) fail(`stdout has ${streamed.length} objects, the files ${written.length}`);
console.log(`cdk8s synth: ${files.length} files, ${written.length} objects; --stdout: ${streamed.length} documents`);
