/** What a synth hands to the writers: objects by cluster and file name, and how a file reads. */
import { Yaml } from 'cdk8s';
import { recordedJson } from '../render/object-json';
import { jsonText, objectText } from './yaml-entry';
import { defaultThreads, ObjectTextStream, objectTextsOnThreads, startObjectStream } from './yaml-workers';

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

/** Objects at least this many are turned into YAML on worker threads (fewer are not worth starting them). */
const MIN_OBJECTS_FOR_THREADS = 2_000;

/** How `ManifestTexts.texts` may use threads. */
export interface ManifestTextsOptions {
  /**
   * Worker threads for many objects; 0 stringifies in the calling thread.
   * @default one per core, at most four
   */
  readonly threads?: number;
  /**
   * Fewest objects for which threads are started.
   * @default 2,000
   */
  readonly minObjectsForThreads?: number;
}

/**
 * `manifestText` for many objects, byte for byte, faster: a mesh repeats the same spec in many
 * clusters and namespaces (a service's client-side objects), and every object the same
 * apiVersion and kind lines, so each top-level entry is stringified once per distinct content
 * (a mapping indented under its key, which is how YAML nests a block mapping: yaml-entry.js).
 * Many objects are turned into YAML on worker threads (yaml-workers.ts). One instance per
 * write: the caches live as long as it does. (A test compares it with `manifestText`.)
 */
export class ManifestTexts {
  /** Entry texts made in this thread, by key and content key (yaml-entry.js). */
  private readonly blocks = new Map<string, Map<string, string>>();
  /** Texts made on threads, by object. */
  private readonly made = new WeakMap<object, string>();
  /** Objects handed to `prefetch`, not yet to a thread (too few so far to start one). */
  private waiting: object[] = [];
  /** Threads fed by `prefetch`, each with the objects handed to it, in order. */
  private streams: Array<{ readonly texts: ObjectTextStream; readonly objects: object[] }> = [];
  /** Objects handed to a prefetch thread or waiting for one. */
  private handed = new WeakSet<object>();
  private batches = 0;

  public constructor(private readonly options: ManifestTextsOptions = {}) {}

  /**
   * Hands objects to worker threads that turn them into YAML, and returns at once: `texts`
   * collects them. A synth calls it as soon as a cluster's objects are rendered, so the threads
   * work while it renders the next clusters and validates them. Threads start once there are
   * enough objects; one thread fewer than usual, as the calling thread keeps working meanwhile.
   */
  public prefetch(objects: readonly unknown[]): void {
    for (const obj of this.notMade(objects)) {
      if (this.handed.has(obj)) continue;
      this.handed.add(obj);
      this.waiting.push(obj);
    }
    if (this.streams.length === 0 && this.worthThreads(this.waiting.length)) {
      for (let i = 0; i < Math.max(1, this.threads() - 1); i++) {
        const texts = startObjectStream();
        if (texts) this.streams.push({ texts, objects: [] });
      }
    }
    if (this.streams.length === 0 || this.waiting.length === 0) return;
    const stream = this.streams[this.batches++ % this.streams.length];
    if (stream.texts.push(this.waiting)) this.waiting.forEach((obj) => stream.objects.push(obj));
    else this.streams.splice(this.streams.indexOf(stream), 1); // ended: what it had is made in this thread
    this.waiting = [];
  }

  /** The texts of many objects, in order (on threads when there are many). */
  public texts(objects: readonly unknown[]): string[] {
    this.collectPending();
    const fresh = this.notMade(objects);
    if (this.worthThreads(fresh.length)) this.remember(fresh, objectTextsOnThreads(fresh, this.threads()));
    return objects.map((obj) => (isObject(obj) ? this.made.get(obj) : undefined) ?? this.madeHere(obj));
  }

  public text(obj: unknown): string {
    return this.texts([obj])[0];
  }

  /** An object's text made in this thread, from its recorded JSON when it has one (object-json.ts). */
  private madeHere(obj: unknown): string {
    const json = recordedJson(obj);
    return json ? jsonText(Yaml, json.keys, json.values, this.blocks) : objectText(Yaml, obj, this.blocks);
  }

  /** Ends threads still working for a `prefetch` whose texts will not be collected. */
  public dispose(): void {
    this.streams.splice(0).forEach((st) => st.texts.cancel());
    this.forgetWaiting();
  }

  /** The texts the prefetch threads made (what a failed thread had is made in this thread instead). */
  private collectPending(): void {
    for (const { texts, objects } of this.streams.splice(0)) {
      const results = texts.collect();
      if (results?.length === objects.length) this.remember(objects, results);
    }
    this.forgetWaiting();
  }

  /** Objects not handed to a thread (or handed to one that failed) are made in this thread. */
  private forgetWaiting(): void {
    this.waiting = [];
    this.handed = new WeakSet();
  }

  private remember(objects: readonly unknown[], texts: readonly string[] | undefined): void {
    texts?.forEach((text, i) => this.made.set(objects[i] as object, text));
  }

  /** The distinct objects (only objects can be remembered) without a text made on threads. */
  private notMade(objects: readonly unknown[]): object[] {
    return [...new Set(objects.filter((o): o is object => isObject(o) && !this.made.has(o)))];
  }

  private threads(): number {
    return this.options.threads ?? defaultThreads();
  }

  private worthThreads(objects: number): boolean {
    return this.threads() > 0 && objects >= (this.options.minObjectsForThreads ?? MIN_OBJECTS_FOR_THREADS);
  }
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;
