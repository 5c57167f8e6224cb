/**
 * Reads a directory tree of rendered manifests: `<dir>/<cluster>/**.yaml` (the layout of
 * `dist/<app>/`), or YAML files directly in `<dir>` (one cluster, named after the directory).
 * Files may hold several YAML documents; objects of other kinds are kept (the model skips them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ClusterObjects, byCodeUnit } from './access-types';

/** A tree that cannot be read, with the reason (no stack trace is shown for it). */
export class ManifestTreeError extends Error {}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (e.isFile() && isYaml(e.name)) out.push(p);
  }
  return out;
}

/** The objects of one YAML file (every document that is a mapping). */
export function readManifestFile(file: string, text: string): any[] {
  const objects: any[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
      throw new ManifestTreeError(`${file}${at}: document ${i + 1} is not valid YAML (${error.message.split('\n')[0]})`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) objects.push(value);
  });
  return objects;
}

function readFiles(files: readonly string[]): any[] {
  return files.flatMap((file) => readManifestFile(file, fs.readFileSync(file, 'utf8')));
}

/** Every cluster of a tree, sorted by name. Throws ManifestTreeError when the tree cannot be read. */
export function readManifestTree(dir: string): ClusterObjects[] {
  try {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat) throw new ManifestTreeError(`${dir}: no such directory`);
    if (!stat.isDirectory()) throw new ManifestTreeError(`${dir}: is not a directory (give the directory that holds the cluster directories)`);
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
    const clusters: ClusterObjects[] = [];
    const topFiles = entries.filter((e) => e.isFile() && isYaml(e.name)).map((e) => path.join(dir, e.name));
    if (topFiles.length > 0) clusters.push({ cluster: path.basename(path.resolve(dir)), objects: readFiles(topFiles) });
    for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.'))) {
      const files = yamlFilesUnder(path.join(dir, e.name));
      if (files.length > 0) clusters.push({ cluster: e.name, objects: readFiles(files) });
    }
    return clusters.sort((a, b) => byCodeUnit(a.cluster, b.cluster));
  } catch (e) {
    if (e instanceof ManifestTreeError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new ManifestTreeError(`${err.path ?? dir}: cannot be read (${err.code ?? err.message})`);
  }
}
