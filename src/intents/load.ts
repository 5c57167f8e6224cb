/**
 * Reads intent bundles: one YAML/JSON file, or a directory of them merged in file-name order.
 * Every document is checked against the bundle's JSON Schema; every problem is reported with
 * its file, document, JSON path, the bad value and what is expected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { show, suggest } from '../problems';
import schema = require('./intent-bundle.schema.json');

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

/** The merged bundle, each item with its origin. */
export interface LoadedBundle {
  readonly logicalCloud?: Located<any>;
  readonly placement: Map<string, Located<string[]>>;
  readonly inboundServices: Located<any>[];
  readonly clients: Located<any>[];
  readonly securityIntents: Located<any>[];
  readonly emcoInboundIntents: Located<any>[];
  readonly emcoClientsIntents: Located<any>[];
  readonly emcoAccessPoints: Located<any>[];
}

export function where(o: Origin, sub = ''): string {
  return `${o.file}#${o.doc} ${o.path}${sub}`;
}

/** Thrown with every problem of a bundle; nothing has been built or written. */
export class BundleError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Intent bundle is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'BundleError';
  }
}

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true });
const validateDocument = ajv.compile<any>(schema);

function jsonPath(instancePath: string): string {
  return '$' + instancePath.split('/').slice(1).map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg.replace(/~1/g, '/').replace(/~0/g, '~'))}]`)).join('');
}

function describe(e: ErrorObject): { path: string; message: string } {
  const p = jsonPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = (e.params as any).additionalProperty as string;
      const known = Object.keys((e.parentSchema as any)?.properties ?? {});
      const hint = suggest(field, known);
      return { path: `${p}.${field}`, message: `is not a known field${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of: ${known.join(', ')}` };
    }
    case 'required':
      return { path: `${p}.${(e.params as any).missingProperty}`, message: 'is required' };
    case 'enum':
      return { path: p, message: `${show(e.data)} is not one of ${(e.params as any).allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path: p, message: `${show(e.data)} must be ${String((e.params as any).type).replace(',', ' or ')}` };
    default:
      return { path: p, message: `${show(e.data)} ${e.message}` };
  }
}

/** Files of a bundle: the file itself, or the .yaml/.yml/.json files of a directory by name. */
export function bundleFiles(target: string): string[] {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return [target];
  return fs.readdirSync(target).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort().map((f) => path.join(target, f));
}

/** Parses and schema-checks a bundle from text documents (file name → text). */
export function loadBundleTexts(files: ReadonlyArray<{ file: string; text: string }>): LoadedBundle {
  const problems: string[] = [];
  const bundle = {
    logicalCloud: undefined as Located<any> | undefined,
    placement: new Map<string, Located<string[]>>(),
    inboundServices: [] as Located<any>[],
    clients: [] as Located<any>[],
    securityIntents: [] as Located<any>[],
    emcoInboundIntents: [] as Located<any>[],
    emcoClientsIntents: [] as Located<any>[],
    emcoAccessPoints: [] as Located<any>[],
  };
  if (files.length === 0) problems.push('no .yaml, .yml or .json files found');
  for (const { file, text } of files) {
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((d, i) => {
      const doc = i + 1;
      for (const err of d.errors) problems.push(`${file}#${doc}: ${err.message.split('\n')[0]}`);
      if (d.errors.length > 0) return;
      let data: any;
      try {
        data = d.toJS({ maxAliasCount: 1000 });
      } catch (e) {
        problems.push(`${file}#${doc}: ${(e as Error).message}`);
        return;
      }
      if (data === null || data === undefined) return; // an empty document
      if (!validateDocument(data)) {
        for (const e of validateDocument.errors ?? []) {
          if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
          const { path: p, message } = describe(e);
          problems.push(`${file}#${doc} ${p}: ${message}`);
        }
        return;
      }
      const at = (p: string): Origin => ({ file, doc, path: p });
      if (data.logicalCloud) {
        if (bundle.logicalCloud) problems.push(`${file}#${doc} $.logicalCloud: is declared again (first in ${where(bundle.logicalCloud.origin)}); a bundle has one logical cloud`);
        else bundle.logicalCloud = { value: data.logicalCloud, origin: at('$.logicalCloud') };
      }
      for (const [app, clusters] of Object.entries(data.placement ?? {})) {
        const prev = bundle.placement.get(app);
        if (prev) problems.push(`${file}#${doc} $.placement.${app}: is placed again (first in ${where(prev.origin)})`);
        else bundle.placement.set(app, { value: clusters as string[], origin: at(`$.placement.${app}`) });
      }
      const push = (list: Located<any>[], items: any[] | undefined, p: string) => (items ?? []).forEach((value, k) => list.push({ value, origin: at(`${p}[${k}]`) }));
      push(bundle.inboundServices, data.inboundServices, '$.inboundServices');
      push(bundle.clients, data.clients, '$.clients');
      push(bundle.securityIntents, data.securityIntents, '$.securityIntents');
      push(bundle.emcoInboundIntents, data.emco?.inboundIntents, '$.emco.inboundIntents');
      push(bundle.emcoClientsIntents, data.emco?.clientsIntents, '$.emco.clientsIntents');
      push(bundle.emcoAccessPoints, data.emco?.accessPoints, '$.emco.accessPoints');
    });
  }
  if (problems.length === 0 && !bundle.logicalCloud) problems.push(`${files.map((f) => f.file).join(', ')}: $.logicalCloud is required (the clusters of the mesh)`);
  if (problems.length > 0) throw new BundleError(problems);
  return bundle;
}

/** Reads a bundle file or directory. */
export function loadBundle(target: string): LoadedBundle {
  let files: string[];
  try {
    files = bundleFiles(target);
  } catch (e) {
    throw new BundleError([`${target}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  return loadBundleTexts(files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8') })));
}
