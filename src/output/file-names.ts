/**
 * The names the writer uses in an output directory, and the only names it accepts for what it
 * writes. Every name is checked again at write time, whatever the synth settings were
 * (`checkManifests: false` skips the Kubernetes name rules, never these), so no object name
 * can make a path that leaves the output directory.
 */
import { escapeText } from '../problems';

/**
 * In each cluster directory: the files this tool wrote there (see ownership.ts). JSON, but not
 * named `.json`: `kubectl apply -f <dir>` reads every .json, .yaml and .yml file as a manifest.
 */
export const RECORD_FILE = '.cdk8s-istio-intents.record';
/** In the output directory: the cluster directories this tool wrote (not `.json`, as above). */
export const OUT_RECORD_FILE = '.cdk8s-istio-intents-clusters.record';
/** In the output directory, while a run writes it (see lock.ts). */
export const LOCK_FILE = '.cdk8s-istio-intents.lock';
/** In the output directory, while a run writes it: staged and replaced cluster directories. */
export const WORK_DIR = '.cdk8s-istio-intents.work';
/** The kustomization this tool writes in each cluster directory. */
/**
 * Kustomize's extension-less name (Argo CD and Flux accept it as they accept
 * kustomization.yaml): `cdk8s synth --stdout` pipes every `.yaml` file, and a Kustomization is
 * no object `kubectl apply` takes.
 */
export const KUSTOMIZATION = 'Kustomization';
/** Every name kustomize reads; kustomize refuses a directory with two of them. */
export const KUSTOMIZATION_NAMES: readonly string[] = ['Kustomization', 'kustomization.yaml', 'kustomization.yml'];

/** A cluster directory: a DNS-1123 label, as cluster names are. */
const CLUSTER_DIR = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * An object file, `<kind>.<namespace or _>.<name>.yaml`: lowercase letters, digits and `.-_:`
 * only (ClusterRole names may hold `:`), no leading dot, at most 255 bytes.
 */
const OBJECT_FILE = /^[a-z0-9][a-z0-9_.:-]*\.yaml$/;

/** Why a cluster name cannot be a directory name, or undefined when it can. */
export function clusterDirProblem(name: unknown): string | undefined {
  if (typeof name === 'string' && CLUSTER_DIR.test(name)) return undefined;
  const shown = typeof name === 'string' ? `"${escapeText(name)}"` : String(name);
  return `cluster ${shown} cannot be a directory name (a DNS-1123 label: lowercase letters, digits, "-")`;
}

/** Why a file name cannot be written, or undefined when it can. */
export function objectFileProblem(name: unknown): string | undefined {
  const shown = typeof name === 'string' ? `"${escapeText(name.length > 300 ? `${name.slice(0, 300)}...` : name)}"` : String(name);
  if (typeof name !== 'string' || !OBJECT_FILE.test(name) || Buffer.byteLength(name) > 255) {
    return `${shown} cannot be a file name (lowercase letters, digits, ".", "-", "_", ":"; no "/"; not starting with "."; at most 255 bytes)`;
  }
  if (KUSTOMIZATION_NAMES.includes(name) || name === RECORD_FILE) return `${shown} is a name this tool reserves`;
  return undefined;
}
