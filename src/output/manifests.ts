/** What a synth hands to the writers: objects by cluster and file name, and how a file reads. */
import { Yaml } from 'cdk8s';
import { entryText, isPlainObject } from './yaml-entry';
import { defaultThreads, entryTextsOnThreads, ManifestEntry, PendingTexts, startEntryTexts } from './yaml-workers';

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

/** Distinct entries at least this many are stringified on worker threads (fewer are not worth starting them). */
const MIN_ENTRIES_FOR_THREADS = 2_000;

/** How `ManifestTexts.texts` may use threads. */
export interface ManifestTextsOptions {
  /**
   * Worker threads for many distinct entries; 0 stringifies in the calling thread.
   * @default one per core, at most four
   */
  readonly threads?: number;
  /**
   * Fewest distinct entries for which threads are started.
   * @default 2,000
   */
  readonly minEntriesForThreads?: number;
}

/**
 * `manifestText` for many objects, byte for byte, faster: a mesh repeats the same spec in many
 * clusters and namespaces (a service's client-side objects), and every object the same
 * apiVersion and kind lines, so each top-level entry is stringified once per distinct content
 * (a mapping indented under its key, which is how YAML nests a block mapping: yaml-entry.js).
 * Many distinct entries are stringified on worker threads (yaml-workers.ts). One instance per
 * write: the cache lives as long as it does. (A test compares it with `manifestText`.)
 */
export class ManifestTexts {
  private readonly blocks = new Map<string, string>();
  /** Each object's top-level entries with their cache keys, computed once per object. */
  private readonly keyed = new WeakMap<object, KeyedEntry[]>();
  private pending?: { readonly cacheKeys: readonly string[]; readonly texts: PendingTexts };

  public constructor(private readonly options: ManifestTextsOptions = {}) {}

  /**
   * Starts stringifying the objects' distinct new entries on worker threads, when there are
   * enough of them, and returns at once: `texts` collects them. A synth calls it as soon as
   * its objects are rendered, so the threads work while it validates them.
   */
  public prefetch(objects: readonly unknown[]): void {
    if (this.pending) return;
    const missing = this.missingEntries(objects);
    const entries = [...missing.values()];
    // One thread fewer than usual: the calling thread keeps working meanwhile.
    const texts = this.worthThreads(entries.length) ? startEntryTexts(entries, Math.max(1, this.threads() - 1)) : undefined;
    if (texts) this.pending = { cacheKeys: [...missing.keys()], texts };
  }

  /** The texts of many objects, in order: their distinct new entries first, on threads when there are many. */
  public texts(objects: readonly unknown[]): string[] {
    this.collectPending();
    this.stringifyEntries(this.missingEntries(objects));
    return objects.map((obj) => {
      const entries = isPlainObject(obj) ? this.keyedEntries(obj) : undefined;
      return entries ? `---\n${entries.map(([cacheKey]) => this.blocks.get(cacheKey)!).join('')}` : manifestText(obj);
    });
  }

  public text(obj: unknown): string {
    return this.texts([obj])[0];
  }

  /** Ends threads still working for a `prefetch` whose texts will not be collected. */
  public dispose(): void {
    this.pending?.texts.cancel();
    this.pending = undefined;
  }

  private collectPending(): void {
    if (!this.pending) return;
    const { cacheKeys, texts } = this.pending;
    this.pending = undefined;
    texts.collect()?.forEach((text, i) => this.blocks.set(cacheKeys[i], text)); // on failure, `texts` stringifies them here
  }

  /** Entries of the objects not stringified yet, by cache key. */
  private missingEntries(objects: readonly unknown[]): Map<string, ManifestEntry> {
    const missing = new Map<string, ManifestEntry>();
    for (const obj of objects) {
      if (!isPlainObject(obj)) continue;
      for (const [cacheKey, key, value] of this.keyedEntries(obj)) {
        if (!this.blocks.has(cacheKey) && !missing.has(cacheKey)) missing.set(cacheKey, [key, value]);
      }
    }
    return missing;
  }

  /** The object's top-level entries (undefined values left out, as YAML leaves them), each with its cache key. */
  private keyedEntries(obj: Record<string, unknown>): KeyedEntry[] {
    let entries = this.keyed.get(obj);
    if (!entries) {
      entries = Object.entries(obj).filter(([, value]) => value !== undefined)
        .map(([key, value]): KeyedEntry => [`${key}\u0000${contentKey(value)}`, key, value]);
      this.keyed.set(obj, entries);
    }
    return entries;
  }

  private stringifyEntries(missing: ReadonlyMap<string, ManifestEntry>): void {
    if (missing.size === 0) return;
    const entries = [...missing.values()];
    const onThreads = this.worthThreads(entries.length) ? entryTextsOnThreads(entries, this.threads()) : undefined;
    const texts = onThreads ?? entries.map(([key, value]) => entryText(Yaml, key, value));
    [...missing.keys()].forEach((cacheKey, i) => this.blocks.set(cacheKey, texts[i]));
  }

  private threads(): number {
    return this.options.threads ?? defaultThreads();
  }

  private worthThreads(entries: number): boolean {
    return this.threads() > 0 && entries >= (this.options.minEntriesForThreads ?? MIN_ENTRIES_FOR_THREADS);
  }
}

/** A top-level entry with its cache key (the key and the content of the value). */
type KeyedEntry = [cacheKey: string, key: string, value: unknown];

/** JSON, with what JSON cannot tell apart but YAML writes differently (undefined, NaN, ...) marked. */
function contentKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && !Number.isFinite(v)) return `\u0000${v}`;
    if (typeof v === 'bigint') return `\u0000${v}n`;
    return v;
  });
}
