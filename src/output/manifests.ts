/** What a synth hands to the writers: objects by cluster and file name, and how a file reads. */
import { Yaml } from 'cdk8s';

export interface ClusterManifests {
  readonly cluster: string;
  /** File name → object, sorted by file name. */
  readonly files: ReadonlyMap<string, any>;
}

/**
 * The file an object is written to: `<kind>.<namespace>.<name>.yaml` (lowercase kind), and
 * `<kind>._.<name>.yaml` without a namespace (`_` is in no namespace name, so no collision).
 */
export function manifestFileName(obj: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${obj.kind.toLowerCase()}.${obj.metadata.namespace ?? '_'}.${obj.metadata.name}.yaml`;
}

/**
 * The text of one object's file: a YAML document that starts with `---`, so files can be
 * concatenated into one stream (cdk8s-cli's `synth --stdout` does, without separators).
 */
export function manifestText(obj: unknown): string {
  return `---\n${Yaml.stringify(obj)}`;
}
