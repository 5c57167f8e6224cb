import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { Mesh, MeshProps, synthClusters } from '../../src';
import { analyzeCluster, formatFinding } from '../../src/validation/analyzer';
import { formatViolation, validateManifests } from '../../src/validation/manifest-validator';

export type ClusterObjects = Record<string, any[]>;

/** Two clusters on two networks, both with east-west gateway addresses. */
export const TWO_CLUSTERS: MeshProps['clusters'] = [
  { name: 'cluster01', network: 'network1', eastWestGateway: { address: '192.0.2.10' } },
  { name: 'cluster02', network: 'network2', eastWestGateway: { address: '192.0.2.20' } },
];

export function newMesh(props: Partial<MeshProps> = {}): { app: App; mesh: Mesh } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const mesh = new Mesh(app, 'mesh', { name: 'lc1', clusters: TWO_CLUSTERS, ...props });
  return { app, mesh };
}

/**
 * Synthesizes every cluster of the app (all validations run) and checks every object
 * independently against the Istio schemas, CEL rules and the cross-object analyzer, so a test
 * can never look at output that Istio would reject.
 */
export function synth(app: App): ClusterObjects {
  const out: ClusterObjects = {};
  for (const c of synthClusters(app)) {
    const objects = [...c.files.values()];
    const violations = validateManifests(objects).map(formatViolation);
    expect(violations).toEqual([]);
    out[c.cluster] = objects;
  }
  return out;
}

/** Synthesizes and also runs the analyzer with the given service hosts per cluster. */
export function analyzerFindings(objects: any[], serviceHosts: string[]): string[] {
  return analyzeCluster({ objects, serviceHosts: new Set(serviceHosts) }).map(formatFinding);
}

/** The object of this kind and name (and namespace) in a cluster, or undefined. */
export function find(objects: any[] | undefined, kind: string, name: string, namespace?: string): any {
  return (objects ?? []).find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

export function kinds(objects: any[] | undefined): string[] {
  return (objects ?? []).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();
}

/** The synth error message (all errors), or fails the test when synth succeeds. */
export function synthError(app: App): string {
  try {
    synthClusters(app);
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('expected synth to fail, but it succeeded');
}

/** Every file under a directory: relative path → text. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
