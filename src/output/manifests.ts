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

/**
 * `manifestText` for many objects, byte for byte, faster: a mesh repeats the same spec in many
 * clusters and namespaces (a service's client-side objects), and every object the same
 * apiVersion and kind lines, so each top-level entry is stringified once per distinct content
 * (a mapping indented under its key, which is how YAML nests a block mapping). One instance
 * per write: the cache lives as long as it does. (A test compares it with `manifestText`.)
 */
export class ManifestTexts {
  private readonly blocks = new Map<string, string>();

  public text(obj: unknown): string {
    if (!isPlainObject(obj)) return manifestText(obj);
    let out = '---\n';
    for (const [key, value] of Object.entries(obj)) {
      if (value === undefined) continue;
      out += this.entry(key, value);
    }
    return out;
  }

  /**
   * One top-level `key: value` entry. A non-empty mapping is written as the key line and the
   * mapping's own YAML indented one level (empty lines stay empty, as YAML writes them); the
   * key line is `key: {}` less ` {}` (the key as YAML writes it, quoted where it must be).
   */
  private entry(key: string, value: unknown): string {
    const cacheKey = `${key}\u0000${contentKey(value)}`;
    let text = this.blocks.get(cacheKey);
    if (text === undefined) {
      text = isPlainObject(value) && Object.keys(value).length > 0
        ? `${Yaml.stringify({ [key]: {} }).slice(0, -4)}\n${Yaml.stringify(value).replace(/^(?=.)/gm, '  ')}`
        : Yaml.stringify({ [key]: value });
      this.blocks.set(cacheKey, text);
    }
    return text;
  }
}

/** JSON, with what JSON cannot tell apart but YAML writes differently (undefined, NaN, ...) marked. */
function contentKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && !Number.isFinite(v)) return `\u0000${v}`;
    if (typeof v === 'bigint') return `\u0000${v}n`;
    return v;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}
