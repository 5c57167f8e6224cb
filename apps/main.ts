/**
 * Synthesizes every example into `<outdir>/<app>/<cluster>/` (`npm run synth`): the
 * TypeScript apps of apps/registry.ts and the intent bundles of apps/intents/.
 * Everything is synthesized and validated before the first file is written.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { synthClusters, writeClusters } from '../src';
import { writeConnectivity } from '../src/review/write';
import { intentBundles, synthBundle } from './intents';
import { APPS } from './registry';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const results = [
  ...Object.entries(APPS).map(([name, define]) => {
    const app = new App();
    define(app);
    return { dir: path.join(outdir, name), clusters: synthClusters(app) };
  }),
  ...Object.entries(intentBundles()).map(([name, bundle]) => ({ dir: path.join(outdir, name), clusters: synthBundle(bundle) })),
];
for (const r of results) {
  writeClusters(r.dir, r.clusters);
  writeConnectivity(r.dir, r.clusters);
}
