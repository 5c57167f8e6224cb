/**
 * Reads intent bundles: one YAML/JSON file, or a directory of them merged in file-name order.
 * Every document is checked against the bundle's JSON Schema; every problem is reported with
 * its file, document, JSON path, the bad value and what is expected.
 *
 * A problem in one item (an inbound service, a client, ...) leaves that item out and the rest
 * goes on to the builder, so schema problems and the problems found while building are
 * reported together. Items left out are remembered by name, so what refers to them is not
 * reported a second time.
 */
import type { DefinedError, ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments, YAMLError } from 'yaml';
import { containsPrivateKey, pathKey, redactSecrets, show, suggest } from '../problems';
import {
  EmcoAccessPointJson, EmcoClientsIntentJson, EmcoInboundIntentJson, ClientJson, InboundServiceJson, LogicalCloudJson, SecurityIntentJson,
} from './bundle-json';
import { BundleSource, readBundleSources } from './read';
import { strictJsonData } from './strict-json';

/** Most YAML alias expansions per document (a "billion laughs" bundle stops here). */
export const MAX_YAML_ALIASES = 100;

/** Where an item of the bundle came from. */
export interface Origin {
  readonly file: string;
  /** 1-based document number in the file. */
  readonly doc: number;
  /** JSON path of the item in its document, e.g. `$.inboundServices[0]`. */
  readonly path: string;
}

export interface Located<T> {
  readonly value: T;
  readonly origin: Origin;
}

/** Names of items left out because of their own problems (already reported). */
export interface Excluded {
  readonly inbound: Set<string>;
  readonly clients: Set<string>;
  readonly apps: Set<string>;
}

/** The merged bundle, each item with its origin. Only items the schema accepted are in it. */
export interface LoadedBundle {
  readonly logicalCloud?: Located<LogicalCloudJson>;
  readonly placement: Map<string, Located<string[]>>;
  readonly inboundServices: Located<InboundServiceJson>[];
  readonly clients: Located<ClientJson>[];
  readonly securityIntents: Located<SecurityIntentJson>[];
  readonly emcoInboundIntents: Located<EmcoInboundIntentJson>[];
  readonly emcoClientsIntents: Located<EmcoClientsIntentJson>[];
  readonly emcoAccessPoints: Located<EmcoAccessPointJson>[];
  /** Problems found while reading (files, YAML, schema, secrets); reported with the builder's. */
  readonly problems: string[];
  readonly excluded: Excluded;
}

export function where(o: Origin, sub = ''): string {
  return `${o.file}#${o.doc} ${o.path}${sub}`;
}

/** Thrown with every problem of a bundle; nothing has been written. Secrets are redacted. */
export class BundleError extends Error {
  public readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const redacted = problems.map(redactSecrets);
    super(`Intent bundle is invalid:\n  ${redacted.join('\n  ')}`);
    this.problems = redacted;
    this.name = 'BundleError';
  }
}

/**
 * intent-bundle.schema.json compiled ahead of time (scripts/compile-validators.js with
 * src/validation/ajv-setup.js; test/imports.test.ts proves it current): compiling it took a
 * quarter of a second of every CLI run.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated JavaScript
const validateDocument = require('../../imports/validators/intent-bundle.js') as ValidateFunction;

/** JSON path from path segments (`["inboundServices", "0", "spec"]` → `$.inboundServices[0].spec`). */
function jsonPath(segments: readonly string[]): string {
  return '$' + segments.map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : pathKey(seg))).join('');
}

function segmentsOf(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A schema error as a bundle problem: where, and what is expected there. */
function describe(error: ErrorObject): { path: string; message: string } {
  // Ajv's own keywords: the keyword tells the shape of the params.
  const e = error as DefinedError;
  const segments = segmentsOf(e.instancePath);
  const p = jsonPath(segments);
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = e.params.additionalProperty;
      const known = Object.keys(e.parentSchema?.properties ?? {});
      const hint = suggest(field, known);
      const message = `is not a known field${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of: ${known.join(', ')}`;
      return { path: jsonPath([...segments, field]), message };
    }
    case 'required':
      return { path: jsonPath([...segments, e.params.missingProperty]), message: 'is required' };
    case 'enum': {
      const allowed = e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ');
      return { path: p, message: `${show(e.data)} is not one of ${allowed}` };
    }
    case 'type':
      return { path: p, message: `${show(e.data)} must be ${String(e.params.type).replace(',', ' or ')}` };
    default:
      return { path: p, message: `${show(e.data)} ${e.message}` };
  }
}

const LISTS = ['inboundServices', 'clients', 'securityIntents'];

/** The item a path lies in (`inboundServices/0`, `emco/clientsIntents/2`, `placement/httpbin`), or '' for the document. */
function itemKey(segments: readonly string[]): string {
  const [first] = segments;
  if (first === 'logicalCloud') return 'logicalCloud';
  if (first === 'placement' || LISTS.includes(first)) return segments.slice(0, 2).join('/');
  if (first === 'emco') return segments.slice(0, 3).join('/');
  return '';
}

/** Keys a generated object cannot carry (cdk8s reads `constructor`; `__proto__` would set a prototype). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Problems no schema can express, anywhere in a document: private keys, reserved keys. */
function scanValues(value: unknown, segments: string[], found: Array<{ segments: string[]; message: string }>): void {
  if (typeof value === 'string') {
    if (containsPrivateKey(value)) {
      const message = 'holds a PEM private key (redacted); keys are never accepted in a bundle, which gets committed: '
        + 'put it in a Secret and name the Secret (credentialName)';
      found.push({ segments, message });
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const at = [...segments, key];
    if (containsPrivateKey(key)) {
      found.push({ segments: at, message: 'has a PEM private key as a key (redacted); keys are never accepted in a bundle' });
    } else if (RESERVED_KEYS.has(key)) {
      found.push({ segments: at, message: `${show(key)} cannot be used as a key (a reserved JavaScript name the generated objects cannot carry)` });
    } else {
      scanValues(child, at, found);
    }
  }
}

/** A bundle while its documents are read: the logical cloud is set by the document declaring it. */
type MutableBundle = { -readonly [K in keyof LoadedBundle]: LoadedBundle[K] };

function emptyBundle(problems: string[]): MutableBundle {
  return {
    logicalCloud: undefined,
    placement: new Map<string, Located<string[]>>(),
    inboundServices: [],
    clients: [],
    securityIntents: [],
    emcoInboundIntents: [],
    emcoClientsIntents: [],
    emcoAccessPoints: [],
    problems,
    excluded: { inbound: new Set<string>(), clients: new Set<string>(), apps: new Set<string>() },
  };
}

/** Parses and schema-checks a bundle from text documents (file name → text); problems are collected, not thrown. */
export function loadBundleTexts(files: readonly BundleSource[], readProblems: readonly string[] = []): LoadedBundle {
  const bundle = emptyBundle([...readProblems]);
  if (files.length === 0 && readProblems.length === 0) bundle.problems.push('no .yaml, .yml or .json files found');
  for (const { file, text } of files) {
    const deep = tooDeep(text);
    if (deep !== undefined) {
      const why = 'a bundle needs a few; this looks like a resource exhaustion attempt';
      bundle.problems.push(`${file}: nests deeper than ${MAX_NESTING} levels at line ${deep} (${why})`);
      continue;
    }
    const json = strictJsonData(text);
    if (json) {
      loadData(bundle, file, 1, json.data);
      continue;
    }
    let docs: ReturnType<typeof parseAllDocuments>;
    try {
      // prettyErrors would quote the offending line, which for a hostile one-line file costs gigabytes.
      docs = parseAllDocuments(text, { prettyErrors: false });
    } catch (e) {
      bundle.problems.push(`${file}: cannot be parsed (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    (Array.isArray(docs) ? docs : [docs]).forEach((d, i) => loadDocument(bundle, file, i + 1, d, text));
  }
  if (bundle.problems.length === 0 && !bundle.logicalCloud) {
    bundle.problems.push(`${files.map((f) => f.file).join(', ')}: $.logicalCloud is required (the clusters of the mesh)`);
  }
  return bundle;
}

/** Deepest nesting read. The YAML parser recurses per level, and near the stack's end V8 can abort the process. */
export const MAX_NESTING = 100;

/**
 * Where a text nests deeper than MAX_NESTING, estimated before parsing: flow brackets (outside
 * quotes and comments) across lines, and per line its indentation plus leading `- `/`? `
 * indicators (an upper bound for block nesting). Real bundles nest fewer than ten levels.
 */
function tooDeep(text: string): number | undefined {
  let flow = 0;
  let line = 1;
  for (const raw of text.split('\n')) {
    const lead = /^( *)((?:[-?] +)*)/.exec(raw)!;
    if (lead[1].length + lead[2].replace(/ +/g, '').length > MAX_NESTING * 2) return line;
    const unquoted = raw.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '').replace(/(^|\s)#.*$/, '');
    for (const c of unquoted) {
      if (c === '[' || c === '{') flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      if (flow > MAX_NESTING) return line;
    }
    line++;
  }
  return undefined;
}

/** One document of a YAML stream. */
type ParsedDocument = ReturnType<typeof parseAllDocuments>[number];

/** At most this many YAML syntax errors per document are listed (the rest are counted). */
const MAX_SYNTAX_ERRORS = 10;

function syntaxErrors(file: string, doc: number, errors: readonly YAMLError[], text: string): string[] {
  const lines = errors.slice(0, MAX_SYNTAX_ERRORS).map((err) => {
    const pos = Array.isArray(err.pos) ? err.pos[0] : undefined;
    let at = '';
    if (typeof pos === 'number') {
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      at = ` at line ${line}, column ${pos - before.lastIndexOf('\n')}`;
    }
    return `${file}#${doc}: ${String(err.message).split('\n')[0]}${at}`;
  });
  if (errors.length > MAX_SYNTAX_ERRORS) lines.push(`${file}#${doc}: ... and ${errors.length - MAX_SYNTAX_ERRORS} more YAML syntax errors`);
  return lines;
}

/** The document's data, or undefined (with a problem) when YAML aliases expand too far or it cannot be converted. */
function documentData(problems: string[], file: string, doc: number, d: ParsedDocument): { data: unknown } | undefined {
  try {
    return { data: d.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (e) {
    const tooMany = /alias count/i.test((e as Error).message);
    const why = tooMany
      ? `YAML aliases expand too far (more than ${MAX_YAML_ALIASES} expansions: a resource exhaustion attempt?)`
      : (e as Error).message.split('\n')[0];
    problems.push(`${file}#${doc}: ${why}`);
    return undefined;
  }
}

function loadDocument(bundle: MutableBundle, file: string, doc: number, d: ParsedDocument, text: string): void {
  const problems = bundle.problems;
  problems.push(...syntaxErrors(file, doc, d.errors, text));
  if (d.errors.length > 0) return;
  const data = documentData(problems, file, doc, d)?.data;
  if (data === null || data === undefined) return; // an empty document, or one that cannot be converted
  loadData(bundle, file, doc, data);
}

/** Schema-checks one document's data and adds the items without problems to the bundle. */
function loadData(bundle: MutableBundle, file: string, doc: number, data: unknown): void {
  if (data === null || data === undefined) return; // an empty document
  const problems = bundle.problems;
  const bad = new Set<string>();
  const report = (segments: string[], message: string) => {
    problems.push(`${file}#${doc} ${jsonPath(segments)}: ${message}`);
    bad.add(itemKey(segments));
  };
  if (!validateDocument(data)) {
    for (const e of validateDocument.errors ?? []) {
      bad.add(itemKey(segmentsOf(e.instancePath)));
      if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
      const { path: p, message } = describe(e);
      problems.push(`${file}#${doc} ${p}: ${message}`);
    }
  }
  const found: Array<{ segments: string[]; message: string }> = [];
  scanValues(data, [], found);
  for (const f of found) report(f.segments, f.message);
  if (!isPlainObject(data)) return;
  addItems(bundle, data, { file, doc }, (key) => bad.has(key) || (key.includes('/') && bad.has(key.slice(0, key.lastIndexOf('/')))));
}

/** Where a document is, and which of its items (by itemKey) have problems. */
interface DocumentItems {
  readonly bundle: MutableBundle;
  readonly origin: (path: string) => Origin;
  readonly isBad: (key: string) => boolean;
}

/** Adds a document's items to the bundle, leaving out those with problems (remembering their names). */
function addItems(bundle: MutableBundle, data: Record<string, unknown>, at: Omit<Origin, 'path'>, isBad: (key: string) => boolean): void {
  const items: DocumentItems = { bundle, origin: (p: string): Origin => ({ ...at, path: p }), isBad };
  addLogicalCloud(items, data.logicalCloud);
  addPlacement(items, data.placement);
  const emco = isPlainObject(data.emco) ? data.emco : {};
  addList(items, bundle.inboundServices, data.inboundServices, 'inboundServices', bundle.excluded.inbound);
  addList(items, bundle.clients, data.clients, 'clients', bundle.excluded.clients);
  addList(items, bundle.securityIntents, data.securityIntents, 'securityIntents');
  addList(items, bundle.emcoInboundIntents, emco.inboundIntents, 'emco/inboundIntents', bundle.excluded.inbound);
  addList(items, bundle.emcoClientsIntents, emco.clientsIntents, 'emco/clientsIntents', bundle.excluded.clients);
  addList(items, bundle.emcoAccessPoints, emco.accessPoints, 'emco/accessPoints');
}

function addLogicalCloud({ bundle, origin, isBad }: DocumentItems, logicalCloud: unknown): void {
  if (logicalCloud === undefined || isBad('logicalCloud')) return;
  if (bundle.logicalCloud) {
    const first = where(bundle.logicalCloud.origin);
    bundle.problems.push(`${where(origin('$.logicalCloud'))}: is declared again (first in ${first}); a bundle has one logical cloud`);
  } else {
    // Validated by the schema (it has no problems).
    bundle.logicalCloud = { value: logicalCloud as LogicalCloudJson, origin: origin('$.logicalCloud') };
  }
}

function addPlacement({ bundle, origin, isBad }: DocumentItems, placement: unknown): void {
  if (!isPlainObject(placement) || isBad('placement')) return;
  for (const [app, clusters] of Object.entries(placement)) {
    const prev = bundle.placement.get(app);
    if (isBad(`placement/${app}`)) bundle.excluded.apps.add(app);
    else if (prev) bundle.problems.push(`${where(origin(`$.placement${pathKey(app)}`))}: is placed again (first in ${where(prev.origin)})`);
    else bundle.placement.set(app, { value: clusters as string[], origin: origin(`$.placement${pathKey(app)}`) });
  }
}

/** Adds the items of a list the schema accepted as `T`; the names of those left out go to `excluded`. */
function addList<T>({ origin, isBad }: DocumentItems, list: Located<T>[], items: unknown, key: string, excluded?: Set<string>): void {
  if (!Array.isArray(items)) return;
  items.forEach((value: unknown, k) => {
    const name = itemName(value);
    if (isBad(`${key}/${k}`) || isBad(key)) {
      if (excluded && typeof name === 'string') excluded.add(name);
      return;
    }
    list.push({ value: value as T, origin: origin(`${jsonPath(key.split('/'))}[${k}]`) });
  });
}

/** `metadata.name` of an item that may not have passed the schema. */
function itemName(item: unknown): unknown {
  const metadata = isPlainObject(item) ? item.metadata : undefined;
  return isPlainObject(metadata) ? metadata.name : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Files of a bundle: the file itself, or the .yaml/.yml/.json files of a directory by name (code-unit order). */
export function bundleFiles(target: string): string[] {
  return readBundleSources(target).sources.map((s) => s.file);
}

/** Reads a bundle file or directory; every problem (unreadable files included) is in `problems`. */
export function loadBundle(target: string): LoadedBundle {
  const { sources, problems } = readBundleSources(target);
  return loadBundleTexts(sources, problems);
}
