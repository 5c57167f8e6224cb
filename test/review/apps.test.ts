/**
 * The review tools on the example apps: synthesized (and schema-checked) through the test
 * helpers, then one intent added and removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { App, Yaml } from 'cdk8s';
import { InboundService, Mesh, ServiceClient, manifestFileName } from '../../src';
import { main } from '../../src/cli';
import { buildAccessModel } from '../../src/review/access-model';
import { diffAccess } from '../../src/review/diff';
import { connectivityFiles } from '../../src/review';
import { APPS } from '../../apps/registry';
import { synth } from '../support/synth';
import schema = require('../../src/review/connectivity.schema.json');

const synthesized = new Map<string, Array<{ cluster: string; objects: any[] }>>();

/** An example app's clusters, synthesized once per app and change (schema-checked by synth()). */
function appClusters(name: string, change?: (mesh: Mesh) => void) {
  const key = `${name}/${change?.name ?? ''}`;
  if (!synthesized.has(key)) {
    const app = new App();
    const mesh = APPS[name](app) as Mesh;
    change?.(mesh);
    synthesized.set(key, Object.entries(synth(app)).map(([cluster, objects]) => ({ cluster, objects })));
  }
  return synthesized.get(key)!;
}

/** The example's change: a client `curl` (namespace tools, cluster01) connected to httpbin. */
function addCurl(mesh: Mesh): void {
  const httpbin = mesh.node.findAll().find((c): c is InboundService => c instanceof InboundService && c.node.id === 'httpbin')!;
  new ServiceClient(mesh.cluster('cluster01'), 'curl', { namespace: 'tools' }).connectTo(httpbin);
}

const CURL = 'principal cluster.local/ns/tools/sa/curl';

function cli(...args: string[]): { status: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const status = main(['node', 'cdk8s-istio-intents', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe.each(Object.keys(APPS))('example app %s', (name) => {
  test('the diff of its tree against itself is empty', () => {
    const model = buildAccessModel(appClusters(name));
    expect(model.flatMap((c) => c.workloads).length).toBeGreaterThan(0);
    expect(diffAccess(model, model).changes).toEqual([]);
  });

  test('connectivity.json follows its schema; both files are byte-stable', () => {
    const first = connectivityFiles(appClusters(name));
    expect([...first.keys()]).toEqual(['connectivity.json', 'connectivity.md']);
    const validate = new Ajv({ allowUnionTypes: true, strict: true }).compile(schema);
    expect(validate(JSON.parse(first.get('connectivity.json')!)) ? [] : validate.errors).toEqual([]);
    expect(connectivityFiles(appClusters(name))).toEqual(first);
  });

  test('connectivity.md (snapshot)', () => {
    expect(connectivityFiles(appClusters(name)).get('connectivity.md')).toMatchSnapshot();
  });
});

describe('one intent added and removed (sleep-httpbin + client curl)', () => {
  const before = buildAccessModel(appClusters('sleep-httpbin'));
  const after = buildAccessModel(appClusters('sleep-httpbin', addCurl));

  test('adding the client shows exactly that caller as widened', () => {
    const d = diffAccess(before, after);
    expect(d.changes).toEqual([{ cluster: 'cluster02', subject: 'cluster02/default/httpbin', kind: 'caller-added', effect: 'widened',
      caller: CURL, after: 'any request' }]);
    expect(d.widened).toBe(true);
  });

  test('removing it shows exactly that caller as removed, and nothing widened', () => {
    const d = diffAccess(after, before);
    expect(d.changes).toEqual([{ cluster: 'cluster02', subject: 'cluster02/default/httpbin', kind: 'caller-removed', effect: 'narrowed',
      caller: CURL, before: 'any request' }]);
    expect(d.widened).toBe(false);
  });
});

describe('the commands on written trees', () => {
  let dir: string;
  /** Writes sleep-httpbin (with the change) as `dist/<app>/` would be written. */
  const write = (sub: string, change?: (mesh: Mesh) => void) => {
    const target = path.join(dir, sub);
    for (const c of appClusters('sleep-httpbin', change)) {
      fs.mkdirSync(path.join(target, c.cluster), { recursive: true });
      for (const o of c.objects) fs.writeFileSync(path.join(target, c.cluster, manifestFileName(o)), Yaml.stringify(o));
    }
    return target;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('diff exits 3 with --fail-on-widen when a client was added, 0 without it, 0 when access only narrowed', () => {
    const before = write('before');
    const after = write('after', addCurl);
    const gated = cli('diff', before, after, '--fail-on-widen', '--format', 'text');
    expect(gated).toEqual({ status: 3, err: '',
      out: `cluster02 cluster02/default/httpbin: WIDENED caller added ${CURL}: - -> any request\n1 widened, 0 cannot decide, 0 narrowed, 0 other` });
    expect(cli('diff', before, after).status).toBe(0);
    expect(cli('diff', after, before, '--fail-on-widen').status).toBe(0);
    expect(cli('diff', before, before, '--fail-on-widen')).toEqual({ status: 0, err: '', out: '### Access changes: No access changes.' });
  });

  test('graph: mermaid (snapshot), dot, json, and --focus', () => {
    const tree = write('graph');
    const mermaid = cli('graph', tree);
    expect(mermaid.status).toBe(0);
    expect(mermaid.out).toMatchSnapshot();
    expect(cli('graph', tree, '--format',
      'dot').out).toMatch(/^digraph connectivity \{[\s\S]*"c2" -> "s1" \[label="GET \/headers\\nGET \/status"\];\n\}$/);
    expect(JSON.parse(cli('graph', tree, '--format', 'json').out).clusters.map((c: any) => c.name)).toEqual(['cluster01', 'cluster02']);
    expect(cli('graph', tree, '--focus', 'sleep').out).toContain('sleep (ns default)');
    expect(cli('graph', tree, '--focus', 'nothing-here')).toMatchObject({ status: 2,
      err: expect.stringContaining('--focus: "nothing-here" names no service') });
  });

  test('a tree that cannot be read: status 1 and the reason', () => {
    expect(cli('graph', path.join(dir, 'missing'))).toEqual({ status: 1, out: '', err: `${path.join(dir, 'missing')}: no such directory` });
    const bad = path.join(dir, 'bad', 'cluster01');
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'x.yaml'), 'kind: Gateway\n---\nmetadata: [unclosed\n');
    const r = cli('diff', path.join(dir, 'bad'), path.join(dir, 'bad'));
    expect(r.status).toBe(1);
    expect(r.err).toMatch(new RegExp(`^${path.join(bad, 'x.yaml')}:\\d+:\\d+: document 2 is not valid YAML`));
  });

  test('usage errors exit 2', () => {
    expect(cli('diff', dir).status).toBe(2);
    expect(cli('graph', dir, '--format', 'svg').status).toBe(2);
    expect(cli('graph', dir, '--format', 'json', '--focus', 'x').status).toBe(2);
  });
});

describe('connectivity files at every synth', () => {
  test('MeshApp writes connectivity.md and connectivity.json next to the cluster directories, and never over a file of the user\'s', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const path = require('node:path') as typeof import('node:path');
    const { MeshApp } = require('../../src') as typeof import('../../src');
    const { APPS } = require('../../apps/registry') as typeof import('../../apps/registry');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connectivity-'));
    try {
      const synthInto = () => {
        const app = new MeshApp({ outdir: dir });
        APPS['sleep-httpbin'](app);
        app.synth();
      };
      synthInto();
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('connectivity'))).toEqual(['connectivity.json', 'connectivity.md']);
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'connectivity.json'), 'utf8'));
      expect(json.clusters.map((c: any) => c.name)).toEqual(['cluster01', 'cluster02']);
      expect(fs.readFileSync(path.join(dir, 'connectivity.md'), 'utf8')).toContain('```mermaid');
      synthInto(); // its own files are replaced
      fs.writeFileSync(path.join(dir, 'connectivity.md'), '# my notes\n');
      const before = fs.readFileSync(path.join(dir, 'cluster02', '.cdk8s-istio-intents.record'), 'utf8');
      expect(synthInto).toThrow(`nothing was written:\n  ${path.join(dir, 'connectivity.md')}: this tool did not write this file; move it away`);
      expect(fs.readFileSync(path.join(dir, 'connectivity.md'), 'utf8')).toBe('# my notes\n');
      expect(fs.readFileSync(path.join(dir, 'cluster02', '.cdk8s-istio-intents.record'), 'utf8')).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
