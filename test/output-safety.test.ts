import fs = require('node:fs');
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { InboundService, Mesh, synthClusters } from '../src';
import { KUSTOMIZATION, LOCK_FILE, OUT_RECORD_FILE, RECORD_FILE, WORK_DIR } from '../src/output/file-names';
import { renderKustomization } from '../src/output/kustomization';
import { WriteReport, writeClusterTexts } from '../src/output/writer';
import { clusterTexts, deadPid, objectText, snapshot, tmpDir, under } from './support/output-fixtures';

const file = (n: string) => `configmap.default.${n}.yaml`;
let out: string;
beforeEach(() => {
  out = tmpDir('out');
});
afterEach(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

/** The error message of a write that must fail. */
function writeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('OutputError');
    return (e as Error).message;
  }
  throw new Error('expected the write to fail');
}

describe('never deletes or overwrites what it did not write', () => {
  test('a re-synth removes only files it wrote before, reports them, and keeps every file of the user', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['a', 'b'] }));
    const c1 = path.join(out, 'c1');
    fs.writeFileSync(path.join(c1, 'my-own.yaml'), 'kind: ConfigMap\n');
    fs.writeFileSync(path.join(c1, 'bundle.yaml'), 'logicalCloud: {}\n'); // the input bundle kept in the output
    fs.writeFileSync(path.join(c1, 'configmap.default.c.yaml'), objectText('c')); // our pattern and label, but not in the record
    const report = writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    expect(report.removed).toEqual(['c1/configmap.default.b.yaml']);
    expect(fs.readdirSync(c1).sort()).toEqual([RECORD_FILE, KUSTOMIZATION, 'bundle.yaml', 'configmap.default.a.yaml', 'configmap.default.c.yaml', 'my-own.yaml']);
    expect(fs.readFileSync(path.join(c1, 'my-own.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
  });

  test('a file of ours that the user replaced is theirs: it is kept, and the run stops if an object must go there', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['a', 'b'] }));
    fs.writeFileSync(path.join(out, 'c1', file('b')), 'kind: Mine\n');
    expect(writeClusterTexts(out, clusterTexts({ c1: ['a'] })).removed).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'c1', file('b')), 'utf8')).toBe('kind: Mine\n');
    const before = snapshot(out);
    expect(writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['a', 'b'] }, 2)))).toBe(
      `nothing was written:\n  ${path.join(out, 'c1', file('b'))}: this tool did not write this file (or it was changed since), and would have to replace it; move it away`,
    );
    expect(snapshot(out)).toEqual(before);
  });

  test('output of an earlier version (no record) is recognized by name pattern and managed-by label only', () => {
    fs.mkdirSync(path.join(out, 'c1'));
    fs.writeFileSync(path.join(out, 'c1', file('old')), objectText('old'));
    fs.writeFileSync(path.join(out, 'c1', file('hand')), 'kind: ConfigMap\n');
    expect(writeClusterTexts(out, clusterTexts({ c1: ['a'] })).removed).toEqual(['c1/configmap.default.old.yaml']);
    expect(fs.existsSync(path.join(out, 'c1', file('hand')))).toBe(true);
  });

  test('a cluster no longer produced: its directory goes when only our files were in it, and stays with the user\'s files', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['a'], c2: ['b'], c3: ['c'] }));
    fs.writeFileSync(path.join(out, 'c3', 'notes.md'), 'mine');
    const report = writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    expect(report.removed).toEqual(['c2/Kustomization', 'c2/configmap.default.b.yaml', 'c2/', 'c3/Kustomization', 'c3/configmap.default.c.yaml']);
    expect(report.warnings).toEqual([`${path.join(out, 'c3')}: kept (cluster c3 is no longer produced) because it holds files this tool did not write`]);
    expect(fs.existsSync(path.join(out, 'c2'))).toBe(false);
    expect(fs.readdirSync(path.join(out, 'c3'))).toEqual(['notes.md']);
    expect(JSON.parse(fs.readFileSync(path.join(out, OUT_RECORD_FILE), 'utf8')).clusters).toEqual(['c1']);
  });

  test('a symlinked cluster directory is never written through (nothing written), a symlink inside one is kept, not followed', () => {
    const elsewhere = tmpDir('elsewhere');
    try {
      fs.writeFileSync(path.join(elsewhere, file('x')), objectText('x'));
      fs.symlinkSync(elsewhere, path.join(out, 'c2'));
      const before = snapshot(elsewhere);
      expect(writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['a'], c2: ['x'] })))).toBe(
        `nothing was written:\n  ${path.join(out, 'c2')}: is a symbolic link; this tool writes only real directories inside the output directory, never through a link`,
      );
      expect(snapshot(elsewhere)).toEqual(before);
      expect(fs.readdirSync(out)).toEqual(['c2']);
      fs.unlinkSync(path.join(out, 'c2'));
      writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
      fs.symlinkSync(elsewhere, path.join(out, 'c1', 'linked'));
      fs.symlinkSync(path.join(elsewhere, file('x')), path.join(out, 'c1', file('z')));
      writeClusterTexts(out, clusterTexts({ c1: ['b'] }));
      expect(fs.readlinkSync(path.join(out, 'c1', 'linked'))).toBe(elsewhere);
      expect(fs.readlinkSync(path.join(out, 'c1', file('z')))).toBe(path.join(elsewhere, file('x')));
      expect(snapshot(elsewhere)).toEqual(before);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('user subdirectories and hard-to-copy entries survive the swap', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    fs.mkdirSync(path.join(out, 'c1', 'overlays', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(out, 'c1', 'overlays', 'prod', 'patch.yaml'), 'p');
    fs.chmodSync(path.join(out, 'c1'), 0o750);
    writeClusterTexts(out, clusterTexts({ c1: ['b'] }));
    expect(fs.readFileSync(path.join(out, 'c1', 'overlays', 'prod', 'patch.yaml'), 'utf8')).toBe('p');
    expect(fs.statSync(path.join(out, 'c1')).mode & 0o777).toBe(0o750);
    expect(fs.readdirSync(out).sort()).toEqual([OUT_RECORD_FILE, 'c1']);
  });
});

describe('names', () => {
  test.each([
    ['x/../../escape.yaml'], ['../escape.yaml'], ['.hidden.yaml'], ['a\u0000b.yaml'], ['UPPER.default.x.yaml'], ['kustomization.yaml'], [RECORD_FILE],
  ])('file name %j is refused at write time, nothing written', (name) => {
    const message = writeError(() => writeClusterTexts(out, [{ cluster: 'c1', files: new Map([[name, 'x']]) }]));
    expect(message).toMatch(/^nothing was written:\n {2}cluster c1: ".*" (cannot be a file name|is a name this tool reserves)/);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(fs.existsSync(path.join(out, '..', 'escape.yaml'))).toBe(false);
  });

  test.each([['../up'], ['a/b'], [''], ['.work'], ['UP']])('cluster name %j is refused at write time', (cluster) => {
    expect(writeError(() => writeClusterTexts(out, [{ cluster, files: new Map() }]))).toMatch(/cannot be a directory name/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('an object named x/../../escape with checkManifests: false is a synth error naming the object, never a path', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh', { name: 'lc1', checkManifests: false, clusters: [{ name: 'c1' }] });
    const service = new InboundService(mesh.cluster('c1'), 'web', { port: 80, protocol: 'HTTP' });
    new (require('cdk8s').ApiObject)(mesh.cluster('c1'), 'evil', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x/../../escape', namespace: 'default' } });
    expect(() => synthClusters(app)).toThrow(/\[mesh\] object ConfigMap default\/x\/\.\.\/\.\.\/escape \(cluster c1\) cannot be written, its file name "configmap\.default\.x\/\.\.\/\.\.\/escape\.yaml" cannot be a file name/);
    expect(service.name).toBe('web');
  });
});

describe('kustomization.yaml', () => {
  test('lists our files, sorted by code unit, deterministic', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['b', 'a-b', 'a'] }));
    expect(fs.readFileSync(path.join(out, 'c1', KUSTOMIZATION), 'utf8')).toBe(renderKustomization([file('a'), file('a-b'), file('b')]));
    expect(renderKustomization(['b.yaml', 'B.yaml', 'a.yaml'])).toMatch(/resources:\n {2}- B\.yaml\n {2}- a\.yaml\n {2}- b\.yaml\n$/);
    expect(renderKustomization([])).toMatch(/\nresources: \[\]\n$/);
  });

  test('a kustomization of the user is kept, with a warning, and ours is not written next to it', () => {
    fs.mkdirSync(path.join(out, 'c1'));
    fs.writeFileSync(path.join(out, 'c1', 'kustomization.yml'), 'resources: []\n');
    const report = writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    expect(report.warnings).toEqual([
      `${path.join(out, 'c1', 'kustomization.yml')}: is yours, so it was kept and no Kustomization was written; list this tool's files in it (see ${RECORD_FILE})`,
    ]);
    expect(fs.readdirSync(path.join(out, 'c1')).sort()).toEqual([RECORD_FILE, file('a'), 'kustomization.yml']);
  });
});

describe('write failures name the real cause; nothing is half-written', () => {
  test.each([
    ['EROFS', 'read-only file system'], ['ENOSPC', 'no space left on device'], ['EACCES', 'permission denied'], ['EDQUOT', 'disk quota exceeded'],
  ])('%s while writing the second cluster leaves the first untouched', (code, meaning) => {
    writeClusterTexts(out, clusterTexts({ c1: ['a'], c2: ['b'] }));
    const before = snapshot(out);
    const real = fs.writeSync;
    const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: any, ...rest: any[]) => {
      if (typeof data === 'string' && data.includes('name: b2')) throw Object.assign(new Error(`${code}: simulated`), { code });
      return (real as any)(fd, data, ...rest);
    }) as any);
    try {
      const message = writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['a2'], c2: ['b2'] })));
      expect(message).toBe(`${path.join(out, WORK_DIR, 'new', 'c2', file('b2'))}: cannot write: ${code} (${meaning})`);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(out)).toEqual(before);
  });

  test('a short write (the disk filling up, a file size limit) is completed, or fails with its cause: never a truncated file', () => {
    const real = fs.writeSync;
    // write(2) may write part of the text without an error; the next write reports the cause.
    const shortThenFail = (failWith?: string) => jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: any, ...rest: any[]) => {
      if (typeof data !== 'string' || !data.includes('kind: ConfigMap')) {
        if (failWith && typeof data !== 'string') throw Object.assign(new Error(`${failWith}: simulated`), { code: failWith });
        return (real as any)(fd, data, ...rest);
      }
      return (real as any)(fd, Buffer.from(data).subarray(0, 5));
    }) as any);
    let spy = shortThenFail();
    try {
      writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    } finally {
      spy.mockRestore();
    }
    const whole = snapshot(out);
    expect(whole[`c1/${file('a')}`]).toBe(objectText('a'));
    spy = shortThenFail('EFBIG');
    try {
      const message = writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['a2'] })));
      expect(message).toBe(`${path.join(out, WORK_DIR, 'new', 'c1', file('a2'))}: cannot write: EFBIG (file too large)`);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(out)).toEqual(whole);
  });

  test('a file squatting where the output directory goes, and a read-only parent, are named as such', () => {
    fs.writeFileSync(path.join(out, 'file'), 'x');
    expect(writeError(() => writeClusterTexts(path.join(out, 'file', 'sub'), []))).toBe(`${path.join(out, 'file')}: is not a directory (the output directory goes there)`);
    const spy = jest.spyOn(fs, 'mkdirSync').mockImplementation(() => {
      throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
    });
    try {
      expect(writeError(() => writeClusterTexts(path.join(out, 'new', 'deeper'), []))).toBe(`${path.join(out, 'new')}: cannot create the directory: EROFS (read-only file system)`);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('one run at a time', () => {
  test('a lock held by a running process stops a second run clearly; a stale lock of a dead process is taken over', () => {
    writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    const before = snapshot(out);
    fs.writeFileSync(path.join(out, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['b'] })))).toBe(
      `${out}: another run (pid ${process.ppid} on ${os.hostname()}) is writing this output directory; wait for it, or delete ${path.join(out, LOCK_FILE)} if no run is active`,
    );
    fs.unlinkSync(path.join(out, LOCK_FILE));
    expect(snapshot(out)).toEqual(before);
    fs.writeFileSync(path.join(out, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: os.hostname() }));
    writeClusterTexts(out, clusterTexts({ c1: ['b'] }));
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(false);
    expect(fs.existsSync(path.join(out, 'c1', file('b')))).toBe(true);
  });
});

/**
 * Crash at every single file-system change of a run (each later change fails, as if the
 * process were killed there), then check: our files in each cluster directory are the complete
 * old or the complete new output (or, between the two renames of a swap, the directory is absent
 * and the complete old output is in the work directory); no user file is lost; the next run
 * finishes the job.
 */
describe('all or nothing, at every crash point', () => {
  const OLD = { c1: ['a', 'b'], c3: ['gone'] };
  const NEW = { c1: ['a', 'n'], c4: ['fresh'] };
  const MUTATORS = ['openSync', 'writeSync', 'renameSync', 'unlinkSync', 'rmSync', 'rmdirSync', 'mkdirSync', 'linkSync', 'copyFileSync', 'chmodSync'] as const;

  function setUpOld(dir: string): void {
    writeClusterTexts(dir, clusterTexts(OLD));
    fs.writeFileSync(path.join(dir, 'c1', 'README.md'), 'mine');
    fs.mkdirSync(path.join(dir, 'c1', 'sub'));
    fs.writeFileSync(path.join(dir, 'c1', 'sub', 'f'), 'deep');
    fs.symlinkSync('README.md', path.join(dir, 'c1', 'link'));
    fs.writeFileSync(path.join(dir, 'c3', 'keep.txt'), 'mine too');
  }

  /** Runs fn; every fs change after the first `budget` ones fails. Returns how many changes fn made. */
  function crashAfter(budget: number, fn: () => void): number {
    let count = 0;
    const originals = MUTATORS.map((m) => [m, (fs as any)[m]] as const);
    for (const [m, real] of originals) {
      (fs as any)[m] = (...args: any[]) => {
        const writes = m !== 'openSync' || (typeof args[1] === 'string' ? /[wa+]/.test(args[1]) : (args[1] & (fs.constants.O_WRONLY | fs.constants.O_CREAT)) !== 0);
        if (writes && ++count > budget) throw Object.assign(new Error('crashed'), { code: 'ECRASHED' });
        return real(...args);
      };
    }
    try {
      fn();
    } catch {
      // the "crash"
    } finally {
      for (const [m, real] of originals) (fs as any)[m] = real;
    }
    return count;
  }

  const ours = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([k]) => /^(configmap\..*|kustomization\.yaml|\.cdk8s-istio-intents\.json)$/.test(k)));
  const USER = { 'README.md': 'mine', 'sub/f': 'deep', link: '-> README.md' };

  test('every crash point', () => {
    const ref = tmpDir('ref');
    setUpOld(ref);
    const oldSnap = snapshot(ref);
    const total = crashAfter(Number.MAX_SAFE_INTEGER, () => writeClusterTexts(ref, clusterTexts(NEW, 2)));
    const newSnap = snapshot(ref);
    fs.rmSync(ref, { recursive: true });
    expect(total).toBeGreaterThan(30);
    let gaps = 0;
    const dead = deadPid();
    for (let n = 0; n < total; n++) {
      const dir = tmpDir(`crash${n}`);
      try {
        setUpOld(dir);
        crashAfter(n, () => writeClusterTexts(dir, clusterTexts(NEW, 2)));
        const snap = snapshot(dir);
        for (const c of ['c1', 'c3', 'c4']) {
          const now = ours(under(snap, c));
          const aside = ours(under(snap, `${WORK_DIR}/old/${c}`));
          const old = ours(under(oldSnap, c));
          const isGap = !(`${c}/` in snap) && (`${c}/` in oldSnap) && JSON.stringify(aside) === JSON.stringify(old);
          gaps += isGap ? 1 : 0;
          expect([JSON.stringify(old), JSON.stringify(ours(under(newSnap, c))), ...(isGap ? [JSON.stringify(now)] : [])]).toContain(JSON.stringify(now));
        }
        for (const [rel, text] of Object.entries(USER)) {
          expect([under(snap, 'c1')[rel], under(snap, `${WORK_DIR}/old/c1`)[rel]]).toContain(text);
        }
        fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: os.hostname() })); // the killed run's lock
        const report: WriteReport = writeClusterTexts(dir, clusterTexts(NEW, 2));
        expect(report.clusters.map((c) => c.cluster)).toEqual(['c1', 'c4']);
        expect(snapshot(dir)).toEqual(newSnap);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(gaps).toBeGreaterThan(0); // the crash points between the two renames of a swap were tried
  });
});

describe('real processes', () => {
  const CHILD = path.join(__dirname, 'support', 'write-child.ts');
  const node = (args: string[]) => [process.execPath, ['-r', require.resolve('tsx/cjs'), CHILD, ...args]] as const;

  test('kill -9 while a large tree is written: every cluster directory is complete old or complete new, and the next run finishes', async () => {
    const { spawn } = await import('node:child_process');
    writeClusterTexts(out, clusterTexts({ c1: ['x'], c2: ['x'] }));
    fs.writeFileSync(path.join(out, 'c1', 'mine.txt'), 'mine');
    const [cmd, args] = node(['write', out, '2', '1500', '2']);
    const child = spawn(cmd, [...args], { stdio: 'ignore' });
    const work = path.join(out, WORK_DIR);
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(work) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
    const snap = snapshot(out);
    for (const c of ['c1', 'c2']) {
      const objects = Object.keys(under(snap, c)).filter((f) => f.startsWith('configmap.'));
      const aside = Object.keys(under(snap, `${WORK_DIR}/old/${c}`)).filter((f) => f.startsWith('configmap.'));
      // old (one object), new (1500 objects), or absent between the two renames of its swap with the old one aside
      expect([1, 1500, ...(aside.length === 1 ? [0] : [])]).toContain(objects.length);
    }
    expect([under(snap, 'c1')['mine.txt'], under(snap, `${WORK_DIR}/old/c1`)['mine.txt']]).toContain('mine');
    if (signal === 'SIGKILL' && fs.existsSync(path.join(out, LOCK_FILE))) {
      expect(JSON.parse(fs.readFileSync(path.join(out, LOCK_FILE), 'utf8')).pid).toBe(child.pid); // the dead run's lock: taken over below
    }
    const report = writeClusterTexts(out, clusterTexts({ c1: ['y'] }));
    expect(report.removed.length).toBeGreaterThanOrEqual(1);
    expect(fs.readdirSync(path.join(out, 'c1')).sort()).toEqual([RECORD_FILE, KUSTOMIZATION, file('y'), 'mine.txt']);
    expect(fs.existsSync(path.join(out, 'c2'))).toBe(false);
    expect(fs.existsSync(work)).toBe(false);
  }, 15000);

  test('a second run into an output directory that another process is writing fails clearly and changes nothing', async () => {
    const { spawn } = await import('node:child_process');
    writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
    const before = snapshot(out);
    const [cmd, args] = node(['hold-lock', out]);
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('locked') && resolve()));
    expect(writeError(() => writeClusterTexts(out, clusterTexts({ c1: ['b'] })))).toBe(
      `${out}: another run (pid ${child.pid} on ${os.hostname()}) is writing this output directory; wait for it, or delete ${path.join(out, LOCK_FILE)} if no run is active`,
    );
    const { [LOCK_FILE]: lock, ...rest } = snapshot(out);
    expect(lock).toBeDefined();
    expect(rest).toEqual(before);
    child.stdin!.end();
    await new Promise((r) => child.on('exit', r));
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(false);
  }, 15000);
});

describe('the Kustomization of a cluster directory', () => {
  test('parses, lists exactly the object files, and kubectl kustomize renders every object (when kubectl is installed)', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const YAML = require('yaml') as typeof import('yaml');
    const { MeshApp } = require('../src') as typeof import('../src');
    const { APPS } = require('../apps/registry') as typeof import('../apps/registry');
    const app = new MeshApp({ outdir: out });
    APPS['sleep-httpbin'](app);
    app.synth();
    for (const cluster of ['cluster01', 'cluster02']) {
      const dir = path.join(out, cluster);
      const kustomization = YAML.parse(fs.readFileSync(path.join(dir, KUSTOMIZATION), 'utf8'));
      const objectFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
      // `kubectl apply -f <dir>` reads every .json, .yaml and .yml file: each must be an object.
      for (const f of fs.readdirSync(dir).filter((x) => /\.(json|ya?ml)$/.test(x))) {
        expect({ f, kind: typeof YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'))?.kind }).toEqual({ f, kind: 'string' });
      }
      expect(kustomization).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: objectFiles });
      const kubectl = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30000 });
      if (kubectl.error) continue; // no kubectl on this machine: the parse above is the check
      expect(kubectl.status).toBe(0);
      expect(YAML.parseAllDocuments(kubectl.stdout).length).toBe(objectFiles.length);
    }
  });
});

test('a file of ours edited by hand is replaced with a warning naming it (the intents are the source)', () => {
  writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
  const edited = path.join(out, 'c1', file('a'));
  fs.appendFileSync(edited, '# my change\n');
  const report = writeClusterTexts(out, clusterTexts({ c1: ['a'] }));
  expect(report.warnings).toEqual([`${edited}: was edited since this tool wrote it; the edit is replaced by the new output (change the intents instead)`]);
  expect(fs.readFileSync(edited, 'utf8')).not.toContain('# my change');
});

test('files and directories are flushed to disk only in a durable run (--durable)', () => {
  const spy = jest.spyOn(fs, 'fsyncSync');
  try {
    writeClusterTexts(out, clusterTexts({ c1: ['a', 'b'] }));
    expect(spy).not.toHaveBeenCalled();
    writeClusterTexts(out, clusterTexts({ c1: ['a', 'b', 'c'] }), { durable: true });
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
  } finally {
    spy.mockRestore();
  }
});
