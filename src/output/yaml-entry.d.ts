/** See yaml-entry.js. */
import type { Yaml } from 'cdk8s';

/** An object literal (not an array, not a class instance). */
export declare function isPlainObject(v: unknown): v is Record<string, unknown>;

/** One top-level `key: value` entry of a manifest, as cdk8s's `Yaml.stringify` writes it inside the whole object. */
export declare function entryText(yaml: Pick<typeof Yaml, 'stringify'>, key: string, value: unknown): string;

/** A manifest's file text (`---` and its YAML), made entry by entry with `blocks` as the cache of entry texts. */
export declare function objectText(yaml: Pick<typeof Yaml, 'stringify'>, obj: unknown, blocks: Map<string, Map<string, string>>): string;

/** `objectText` of an object given as its recorded JSON (object-json.ts): each entry's key and JSON. */
export declare function jsonText(yaml: Pick<typeof Yaml, 'stringify'>, keys: readonly string[], values: readonly string[], blocks: Map<string, Map<string, string>>): string;
