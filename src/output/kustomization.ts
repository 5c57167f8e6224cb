/**
 * The `Kustomization` of a cluster directory, listing the tool's files, so Argo CD, Flux
 * or `kubectl apply -k` can point at `<out>/<cluster>/` directly. Deterministic: the header,
 * then the files sorted by code unit.
 */
import { KUSTOMIZATION_HEADER } from './ownership';

export function renderKustomization(files: readonly string[]): string {
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const resources = sorted.length === 0 ? 'resources: []\n' : `resources:\n${sorted.map((f) => `  - ${f}\n`).join('')}`;
  return [
    `${KUSTOMIZATION_HEADER}: the manifests of this cluster directory, rewritten on every synth.`,
    '# To add your own resources, write your own kustomization.yaml here (this tool then keeps it and',
    '# stops writing this one) or refer to this directory from a kustomization elsewhere.',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    resources,
  ].join('\n');
}
