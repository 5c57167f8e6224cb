/**
 * The intent bundles shipped under apps/intents/ (the seed's requests made valid, and an
 * EMCO 22.x bundle), synthesized through the same constructs as the TypeScript apps.
 * Each bundle (a file, or a directory merged in file-name order) becomes `dist/<bundle>/`.
 *
 * Run alone: `node node_modules/tsx/dist/cli.mjs apps/intents.ts`; `npm run synth` runs it
 * together with the other apps (apps/main.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { ClusterManifests, writeClusters } from '../src';
import { writeConnectivity } from '../src/review/write';
import { buildBundle } from '../src/intents/build';
import { loadBundle } from '../src/intents/load';

export const BUNDLE_DIR = path.join(__dirname, 'intents');

/** Bundle name (file name without extension, or directory name) → path. */
export function intentBundles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(BUNDLE_DIR).sort()) {
    const full = path.join(BUNDLE_DIR, entry);
    if (fs.statSync(full).isDirectory()) out[entry] = full;
    else if (/\.(ya?ml|json)$/.test(entry)) out[entry.replace(/\.(ya?ml|json)$/, '')] = full;
  }
  return out;
}

/** Synthesizes (and validates) one bundle; nothing is written. */
export function synthBundle(bundlePath: string): ClusterManifests[] {
  return buildBundle(loadBundle(bundlePath), new App()).synth();
}

if (require.main === module) {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const results = Object.entries(intentBundles()).map(([name, p]) => ({ dir: path.join(outdir, name), clusters: synthBundle(p) }));
    for (const r of results) {
    writeClusters(r.dir, r.clusters);
    writeConnectivity(r.dir, r.clusters);
  }
}
