#!/usr/bin/env bash
# Proves the published package works outside this repository: packs it (which builds lib/),
# installs the tarball into an empty project from the npm cache (no network), type-checks a
# TypeScript consumer strictly (skipLibCheck off, no cdk8s-plus installed), runs it, and runs
# the CLI binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
npm pack --silent --pack-destination "$work" >/dev/null
cd "$work"
npm init -y >/dev/null
npm install ./cdk8s-istio-intents-*.tgz --offline --no-audit --no-fund --silent
cat > consumer.ts <<'TS'
import { App } from 'cdk8s';
import { InboundService, LoadBalancer, Mesh, ServiceAccessPolicy, ServiceClient, synthClusters } from 'cdk8s-istio-intents';

const app = new App();
const mesh = new Mesh(app, 'mesh', { clusters: [{ name: 'a', eastWestGateway: { address: '192.0.2.1' } }, { name: 'b' }] });
const web = new InboundService(mesh.cluster('a'), 'web', { protocol: 'HTTP', port: 80, trafficPolicy: { loadBalancer: LoadBalancer.leastRequest() } });
const caller = new ServiceClient(mesh.cluster('b'), 'caller');
new ServiceAccessPolicy(web, 'caller-access', { client: caller, rules: [{ methods: ['GET'], paths: ['/'] }] });
const files = synthClusters(app).map((c) => `${c.cluster}:${c.files.size}`).join(' ');
if (files !== 'a:4 b:2') throw new Error(`unexpected output: ${files}`);
console.log(`consumer ok: ${files}`);
TS
"$root/node_modules/.bin/tsc" --strict --noEmit --skipLibCheck false --module commonjs --target es2022 --moduleResolution node --types node --typeRoots "$root/node_modules/@types" consumer.ts
"$root/node_modules/.bin/tsc" --module commonjs --target es2022 --moduleResolution node --skipLibCheck --types node --typeRoots "$root/node_modules/@types" consumer.ts
node consumer.js
npx --no-install cdk8s-istio-intents synth "$root/apps/intents/seed-sleep-httpbin.yaml" --out out
test -f out/cluster02/authorizationpolicy.default.httpbin.yaml
echo "pack-check ok"
