/**
 * Synthesizes every example app into `<outdir>/<app>/<cluster>/` (`npm run synth`).
 */
import * as path from 'node:path';
import { MeshApp } from '../src';
import { APPS } from './registry';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
for (const [name, define] of Object.entries(APPS)) {
  const app = new MeshApp({ outdir: path.join(outdir, name) });
  define(app);
  app.synth();
}
