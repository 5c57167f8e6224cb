/**
 * Lets a writer's YAML start while the synth that feeds it is still checking its objects: a
 * caller that will write what it synthesizes (the CLI, MeshApp) runs the synth inside
 * `withTextPrefetch`, the mesh hands over its objects as soon as they are rendered, and the
 * writer then finds their texts made (or being made) on worker threads. Outside such a scope
 * (cdk8s's own synth, which writes with its own YAML) nothing happens.
 */
import { ManifestTexts } from './manifests';

const scopes: ManifestTexts[] = [];

/** Runs `fn` with rendered objects handed to `texts` (threads not collected by the end are ended). */
export function withTextPrefetch<T>(texts: ManifestTexts, fn: () => T): T {
  scopes.push(texts);
  try {
    return fn();
  } finally {
    scopes.pop();
    texts.dispose();
  }
}

/** Called with a mesh's objects when they are rendered. */
export function prefetchTexts(objects: readonly unknown[]): void {
  scopes[scopes.length - 1]?.prefetch(objects);
}

/** The texts of the innermost `withTextPrefetch` scope, or a new instance outside of one. */
export function currentTexts(): ManifestTexts {
  return scopes[scopes.length - 1] ?? new ManifestTexts();
}
