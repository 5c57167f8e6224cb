import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { MeshApp } from '../src';
import { APPS } from '../apps/registry';
import { readTree, synth } from './support/synth';


function writeApp(name: string): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  try {
    const app = new MeshApp({ outdir: dir });
    APPS[name](app);
    app.synth();
    return readTree(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(Object.keys(APPS))('example app %s', (name) => {
  test('synthesizes valid objects for every cluster (snapshot)', () => {
    const app = new App();
    APPS[name](app);
    expect(synth(app)).toMatchSnapshot();
  });

  test('writes one file per object under <cluster>/, byte-identical across synths', () => {
    const first = writeApp(name);
    const second = writeApp(name);
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    for (const [file, text] of Object.entries(first)) {
      if (/(^|\/)(Kustomization|\.cdk8s-istio-intents(-clusters)?\.record|connectivity\.(md|json))$/.test(file)) continue; // the writer's own files
      expect(file).toMatch(/^cluster0[1-3]\/[a-z]+\.[a-z0-9-]+\.[a-z0-9.-]+\.yaml$/);
      expect(text.match(/^kind: /gm)).toHaveLength(1);
    }
  });
});

test('MeshApp removes stale files it wrote from a cluster directory and keeps every other file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-'));
  try {
    fs.mkdirSync(path.join(dir, 'cluster01'), { recursive: true });
    // written by an earlier version (no record): recognized by its name and managed-by label
    fs.writeFileSync(path.join(dir, 'cluster01', 'serviceentry.default.gone.yaml'), 'metadata:\n  labels:\n    app.kubernetes.io/managed-by: cdk8s-istio-intents\n');
    fs.writeFileSync(path.join(dir, 'cluster01', 'serviceentry.default.mine.yaml'), 'kind: ServiceEntry\n');
    fs.writeFileSync(path.join(dir, 'cluster01', 'README.txt'), 'mine');
    const app = new MeshApp({ outdir: dir });
    APPS['sleep-httpbin'](app);
    app.synth();
    const files = fs.readdirSync(path.join(dir, 'cluster01')).sort();
    expect(files).toEqual([
      '.cdk8s-istio-intents.record', 'Kustomization', 'README.txt', 'destinationrule.default.httpbin.yaml',
      'serviceentry.default.httpbin.yaml', 'serviceentry.default.mine.yaml',
    ]);
    expect(app.lastWrite?.removed).toEqual(['cluster01/serviceentry.default.gone.yaml']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
