/**
 * Synthesizes every example app into `<outdir>/<app>/<cluster>/` (`npm run synth`).
 * All apps are synthesized and validated before the first file is written.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { synthClusters, writeClusters } from '../src';
import { APPS } from './registry';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const results = Object.entries(APPS).map(([name, define]) => {
  const app = new App({ outdir: path.join(outdir, name) });
  define(app);
  return { dir: app.outdir, clusters: synthClusters(app) };
});
for (const r of results) writeClusters(r.dir, r.clusters);
