import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { parseAllDocuments } from 'yaml';
import { clustersOfChart, InboundService, Mesh, MeshApp, MeshCluster, placeChart, ServiceClient, synthCharts, synthClusters } from '../src';
import { CHART_FILE_HEADER } from '../src/mesh-app';
import { validateManifests, formatViolation } from '../src/validation/manifest-validator';
import { readTree, TWO_CLUSTERS } from './support/synth';

/** A workload chart as cdk8s apps usually have: cdk8s-plus objects in their own Chart. */
function workloads(scope: App | Chart, id: string): { chart: Chart; service: kplus.Service } {
  const chart = new Chart(scope, id, { namespace: 'shop' });
  const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web' } });
  const deployment = new kplus.Deployment(chart, 'web', { serviceAccount: sa, containers: [{ image: 'nginx', portNumber: 8080 }] });
  const service = deployment.exposeViaService({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
  return { chart, service };
}

const clustersOf = (chart: Chart) => clustersOfChart(chart).map((c) => c.clusterName);

function meshIn(app: App): Mesh {
  return new Mesh(app, 'mesh', { name: 'lc1', clusters: TWO_CLUSTERS });
}

/** Runs `define` in a MeshApp writing to a temporary directory; returns the files written. */
function writeMeshApp(define: (app: App) => void): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-'));
  try {
    const app = new MeshApp({ outdir: dir });
    define(app);
    app.synth();
    // The writer's own records and the Kustomization are tested in output-safety.test.ts.
    return Object.fromEntries(Object.entries(readTree(dir)).filter(([f]) => f.endsWith('.yaml')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** File names with cdk8s's 8-character name hashes replaced by `#`. */
function unhashed(files: Record<string, string>): string[] {
  return Object.keys(files).map((f) => f.replace(/-[0-9a-f]{8}\./, '-#.')).sort();
}

/** Every document of a YAML stream; fails on a YAML error. */
function documents(stream: string): any[] {
  return parseAllDocuments(stream).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
}

describe('ordinary charts next to a mesh', () => {
  test('instanceof MeshCluster is true for mesh clusters only (cdk8s Chart answers it for every chart)', () => {
    const app = new App();
    const mesh = meshIn(app);
    expect(new Chart(app, 'plain') instanceof MeshCluster).toBe(false);
    expect(MeshCluster.isMeshCluster(new Chart(mesh.cluster('cluster01'), 'nested'))).toBe(false);
    expect(mesh.cluster('cluster01') instanceof MeshCluster).toBe(true);
    expect(mesh.cluster('cluster01') instanceof Chart).toBe(true);
  });

  test('synthClusters leaves a top-level workload chart out of the clusters (no TypeError)', () => {
    const app = new App();
    const mesh = meshIn(app);
    workloads(app, 'workloads');
    new InboundService(mesh.cluster('cluster01'), 'a', { protocol: 'TCP', port: 1 });
    const clusters = synthClusters(app);
    expect(clusters.map((c) => c.cluster)).toEqual(['cluster01', 'cluster02']);
    expect([...clusters[0].files.keys()].some((f) => f.startsWith('deployment.'))).toBe(false);
    expect(synthCharts(app).map((c) => [c.chart, c.file])).toEqual([['workloads', 'workloads.k8s.yaml']]);
  });

  test('MeshApp writes a chart in no cluster exactly as cdk8s App does, after a --- line', () => {
    const define = (app: App) => {
      meshIn(app);
      workloads(app, 'workloads');
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-'));
    try {
      const plain = new App({ outdir: dir });
      define(plain);
      plain.synth();
      const byCdk8s = fs.readFileSync(path.join(dir, 'workloads.k8s.yaml'), 'utf8');
      const files = writeMeshApp(define);
      expect(files['workloads.k8s.yaml']).toBe(`${CHART_FILE_HEADER}\n---\n${byCdk8s}`);
      expect(documents(byCdk8s).map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a chart declared inside a cluster goes into that cluster directory, one file per object', () => {
    const files = writeMeshApp((app) => {
      const mesh = meshIn(app);
      const { service } = workloads(mesh.cluster('cluster02'), 'workloads');
      InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service).allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'caller'));
    });
    expect(unhashed(files)).toEqual([
      'cluster01/destinationrule.default.mesh-cluster02-workloads-web-service-#.yaml',
      'cluster01/serviceentry.default.mesh-cluster02-workloads-web-service-#.yaml',
      'cluster02/authorizationpolicy.shop.mesh-cluster02-workloads-web-service-#.yaml',
      'cluster02/deployment.shop.mesh-cluster02-workloads-web-#.yaml',
      'cluster02/gateway.istio-system.lc1-eastwest.yaml',
      'cluster02/peerauthentication.shop.mesh-cluster02-workloads-web-service-#.yaml',
      'cluster02/service.shop.mesh-cluster02-workloads-web-service-#.yaml',
      'cluster02/serviceaccount.shop.web.yaml',
    ]);
  });

  test('placeChart writes a chart into each cluster it runs in, and nowhere else', () => {
    const files = writeMeshApp((app) => {
      const mesh = meshIn(app);
      const { chart } = workloads(app, 'workloads');
      placeChart(chart, [mesh.cluster('cluster01')]);
      placeChart(chart, [mesh.cluster('cluster02'), mesh.cluster('cluster01')]);
    });
    expect(unhashed(files)).toEqual(['cluster01', 'cluster02'].flatMap((c) => [
      `${c}/deployment.shop.workloads-web-#.yaml`, `${c}/service.shop.workloads-web-service-#.yaml`, `${c}/serviceaccount.shop.web.yaml`,
    ]));
    expect(files[Object.keys(files)[0]]).toBe(files[Object.keys(files)[3]]);
    expect(files['workloads.k8s.yaml']).toBeUndefined();
  });

  test('a chart declared inside a placed chart goes where its parent goes', () => {
    const app = new App();
    const mesh = meshIn(app);
    const parent = new Chart(app, 'parent');
    const { chart: nested } = workloads(parent, 'nested');
    placeChart(parent, [mesh.cluster('cluster02')]);
    expect(clustersOf(nested)).toEqual(['cluster02']);
    expect(clustersOf(new Chart(nested, 'deeper'))).toEqual(['cluster02']);
    expect(synthCharts(app)).toEqual([]);
    const deployments = [...synthClusters(app)[1].files.keys()].filter((f) => f.startsWith('deployment.'));
    expect(deployments).toEqual([expect.stringMatching(/^deployment\.shop\.parent-nested-web-/)]);
  });

  test('an object of a placed chart and a mesh object for the same file are both named in the error', () => {
    const app = new App();
    const mesh = meshIn(app);
    new InboundService(mesh.cluster('cluster01'), 'web', { namespace: 'shop', protocol: 'TCP', port: 80 });
    const chart = new Chart(app, 'mine');
    new ApiObject(chart, 'pa', {
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'web', namespace: 'shop' }, spec: {},
    });
    placeChart(chart, [mesh.cluster('cluster01')]);
    expect(() => synthClusters(app)).toThrow(
      'Synthesis failed with the following errors:\n  cluster cluster01: '
      + 'PeerAuthentication shop/web and PeerAuthentication shop/web would both be written to peerauthentication.shop.web.yaml',
    );
  });

  test('charts without objects are not written', () => {
    const files = writeMeshApp((app) => {
      new Mesh(new Chart(app, 'wrapper'), 'mesh', { clusters: [{ name: 'cluster01' }] });
      new Chart(app, 'empty');
    });
    expect(Object.keys(files)).toEqual([]);
  });

  test.each([
    ['a construct that is not a chart',
      (app: App, mesh: Mesh) => placeChart(new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'X' }) as any, [mesh.cluster('cluster01')]),
      '[c/o] chart: "c/o" is not a cdk8s Chart (placeChart places whole charts)'],
    ['a mesh cluster', (_: App, mesh: Mesh) => placeChart(mesh.cluster('cluster02'), [mesh.cluster('cluster01')]),
      '[mesh/cluster02] chart: "mesh/cluster02" is a mesh cluster already; place ordinary charts only'],
    ['no clusters', (app: App) => placeChart(new Chart(app, 'c'), []),
      '[c] clusters: [] is not a non-empty list of mesh clusters (mesh.cluster("<name>"))'],
    ['an ordinary chart as a cluster', (app: App) => placeChart(new Chart(app, 'c'), [new Chart(app, 'other') as MeshCluster]),
      '[c] clusters[0]: "other" is not a mesh cluster (use mesh.cluster("<name>"))'],
    ['a cluster of another app', (app: App) => placeChart(new Chart(app, 'c'), [meshIn(new App()).cluster('cluster01')]),
      '[c] clusters[0]: "mesh/cluster01" belongs to another App than the chart (declare both in one App)'],
  ])('placeChart rejects %s, naming the chart', (_, act, message) => {
    const app = new App();
    const mesh = meshIn(app);
    expect(() => act(app, mesh)).toThrow(message);
  });
});

describe('cdk8s synth --stdout', () => {
  // cdk8s-cli pipes every *.yaml file under the output directory to stdout, all at once and
  // without separators: the stream is valid only if every file is a complete document set
  // that starts with `---`, whatever order the files arrive in.
  test('the files MeshApp writes, concatenated in any order, are one valid YAML stream', () => {
    const files = writeMeshApp((app) => {
      const mesh = meshIn(app);
      const { service } = workloads(mesh.cluster('cluster02'), 'web-workloads');
      workloads(app, 'other-workloads');
      InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service).allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'caller'));
    });
    const names = Object.keys(files).sort();
    expect(names.length).toBeGreaterThan(5);
    for (const order of [names, [...names].reverse()]) {
      const objects = documents(order.map((f) => files[f]).join(''));
      // one document per cluster file, three in the chart file; every one an object
      expect(objects).toHaveLength(names.length - 1 + 3);
      expect(objects.every((o) => typeof o?.kind === 'string' && typeof o?.metadata?.name === 'string')).toBe(true);
      expect(validateManifests(objects).map(formatViolation)).toEqual([]);
    }
  });
});

describe('chart files are the tool\'s own', () => {
  test('a file of the user\'s where a chart file goes is never overwritten: nothing is written, the error names it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-own-'));
    try {
      fs.writeFileSync(path.join(dir, 'workloads.k8s.yaml'), 'mine: true\n');
      const app = new MeshApp({ outdir: dir });
      meshIn(app);
      workloads(app, 'workloads');
      expect(() => app.synth()).toThrow(`${path.join(dir, 'workloads.k8s.yaml')}: this tool did not write this file and would have to replace it`);
      expect(fs.readdirSync(dir)).toEqual(['workloads.k8s.yaml']);
      expect(fs.readFileSync(path.join(dir, 'workloads.k8s.yaml'), 'utf8')).toBe('mine: true\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('its own chart file is replaced on the next synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-own-'));
    try {
      for (let i = 0; i < 2; i++) {
        const app = new MeshApp({ outdir: dir });
        meshIn(app);
        workloads(app, 'workloads');
        app.synth();
      }
      expect(fs.readFileSync(path.join(dir, 'workloads.k8s.yaml'), 'utf8').startsWith(`${CHART_FILE_HEADER}\n---\n`)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
