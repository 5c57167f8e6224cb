/**
 * Review tools over rendered manifests: the who-may-call-whom graph (`connectivity.md`,
 * `connectivity.json`, DOT) and the access diff between two trees.
 */
import { ClusterObjects } from './access-types';
import { AccessModelOptions, buildAccessModel } from './access-model';
import { renderConnectivityMarkdown } from './connectivity-md';
import { connectivityJson } from './graph-json';

export { buildAccessModel } from './access-model';
export type { AccessModelOptions } from './access-model';
export type * from './access-types';
export { readManifestTree, ManifestTreeError } from './tree';
export { connectivityDocument, connectivityJson } from './graph-json';
export { renderConnectivityMarkdown } from './connectivity-md';
export { buildView, FocusError } from './graph-view';
export type { GraphOptions } from './graph-view';
export { renderMermaid } from './mermaid';
export { renderDot } from './dot';

/**
 * The files to write next to an app's cluster directories (`dist/<app>/connectivity.md` and
 * `connectivity.json`): file name → content. Takes each cluster's objects as synthesized.
 */
export function connectivityFiles(clusters: Array<{ cluster: string; objects: any[] }>, options: AccessModelOptions = {}): Map<string, string> {
  const model = buildAccessModel(clusters as ClusterObjects[], options);
  return new Map([
    ['connectivity.json', connectivityJson(model)],
    ['connectivity.md', renderConnectivityMarkdown(model)],
  ]);
}
