import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClusterTexts } from '../../src/output/writer';

/** A memory file system where there is one (the writer fsyncs every file; tmpfs makes that free). */
const TMP_ROOT = (() => {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
})();

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(TMP_ROOT, `${prefix}-`));
}

/** An object file as the tool writes it (with its managed-by label). */
export function objectText(name: string, version = 1): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/managed-by: cdk8s-istio-intents\ndata:\n  v: "${version}"\n`;
}

/** Clusters of ConfigMap files: cluster → object names (file `configmap.default.<name>.yaml`). */
export function clusterTexts(spec: Record<string, string[]>, version = 1): ClusterTexts[] {
  return Object.entries(spec).map(([cluster, names]) => ({
    cluster,
    files: new Map(names.map((n) => [`configmap.default.${n}.yaml`, objectText(n, version)])),
  }));
}

/** Every entry under a directory: relative path → file text, `-> target` for a symlink, `/` for a directory. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) {
        out[`${rel}/`] = '/';
        walk(p);
      } else out[rel] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** The entries of a snapshot under one top-level directory, relative to it. */
export function under(snap: Record<string, string>, dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snap).filter(([k]) => k.startsWith(`${dir}/`) && k !== `${dir}/`).map(([k, v]) => [k.slice(dir.length + 1), v]));
}

/** A pid that is not running (a child that has exited). */
export function deadPid(): number {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}
