/**
 * Validates synthesized objects the way the Kubernetes API server would with Istio's CRDs,
 * plus what Istio's schemas leave open:
 * - the vendored CRD's openAPIV3Schema for the object's apiVersion, with every object under
 *   `spec` that lists `properties` closed (Istio's schemas accept unknown fields, so a
 *   misspelled `loadbalancer` would otherwise pass);
 * - every `x-kubernetes-validations` CEL rule, evaluated with @bufbuild/cel;
 * - DNS-1123 names and namespaces for every object (Gateway names: DNS-1123 labels).
 */
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from '@bufbuild/re2';
import { faithfulJson, recordedJson, wholeJson } from '../render/object-json';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from '../names';

/** One problem with one object. */
export interface ManifestViolation {
  /** `<Kind>/<namespace>/<name>` of the object. */
  readonly object: string;
  /** JSON path inside the object (`/spec/trafficPolicy/tls`). */
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, any>;
type CelRule = { rule: string; message?: string };

// Loaded on first use: the JSON holds the openAPIV3Schema of every served version.
let schemas: Record<string, Schema> | undefined;
function crdSchemas(): Record<string, Schema> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- 1 MB of JSON, read only when a manifest is validated
  schemas ??= require('../../imports/istio-schemas.json') as Record<string, Schema>;
  return schemas;
}

const compiled = new Map<string, { validate: ValidateFunction; spec: Schema }>();

/**
 * The validator of an Istio kind's version, compiled ahead of time from its CRD schema, closed
 * (scripts/compile-validators.js with src/validation/ajv-setup.js; test/imports.test.ts proves
 * the files current), with the CRD's own `spec` schema for the CEL rules.
 */
function validatorFor(apiVersion: string, kind: string): { validate: ValidateFunction; spec: Schema } | undefined {
  const key = `${apiVersion}/${kind}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const crd = crdSchemas()[key];
  if (!crd) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one generated module per kind and version, loaded when first met
  const validate = require(path.join(VALIDATORS, `${key.replace(/\//g, '_')}.js`)) as ValidateFunction;
  const entry = { validate, spec: crd.properties?.spec ?? {} };
  compiled.set(key, entry);
  return entry;
}

const VALIDATORS = path.join(__dirname, '..', '..', 'imports', 'validators');

// ── CEL ───────────────────────────────────────────────────────────────────────────────
/** CEL's `matches()` compiles its pattern on every call; the CRDs use a handful of patterns, compiled once here. */
const compiledPatterns = new Map<string, RE2JS>();
const cachingRe2 = {
  compile(pattern: string): RE2JS {
    let re = compiledPatterns.get(pattern);
    if (!re) compiledPatterns.set(pattern, (re = RE2JS.compile(pattern)));
    return re;
  },
};
const env = celEnv({ funcs: strings, re2: cachingRe2 });
const programs = new Map<string, (bindings: Record<string, unknown>) => unknown>();
function program(rule: string): (bindings: Record<string, unknown>) => unknown {
  let p = programs.get(rule);
  if (!p) {
    p = plan(env, parse(rule)) as (bindings: Record<string, unknown>) => unknown;
    programs.set(rule, p);
  }
  return p;
}

/** JSON → CEL input, typed by the schema: integers become CEL ints (bigint). */
function toCel(value: unknown, schema: Schema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (value !== null && typeof value === 'object') {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) {
      out.set(k, toCel(v, schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined)));
    }
    return out;
  }
  if (typeof value === 'number' && schema?.type === 'integer' && Number.isInteger(value)) return BigInt(value);
  return value;
}

/** Evaluates every CEL rule that applies to the value, walking the schema alongside it. */
function checkCel(value: unknown, schema: Schema | undefined, path: string, out: Array<{ path: string; message: string }>): void {
  if (!schema || value === undefined || value === null) return;
  const rules = (schema['x-kubernetes-validations'] ?? []) as CelRule[];
  const self = rules.length > 0 ? toCel(value, schema) : undefined; // once for all the rules of this field
  for (const r of rules) {
    let ok: unknown;
    try {
      ok = program(r.rule)({ self });
    } catch (e) {
      ok = e;
    }
    if (ok !== true) {
      const why = isCelError(ok) ? ` (${(ok as Error).message})` : '';
      out.push({ path, message: `${r.message ?? `must satisfy ${r.rule}`}${why}` });
    }
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkCel(v, schema.items, `${path}/${i}`, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      checkCel(v, sub, `${path}/${k}`, out);
    }
  }
}

function describeAjvError(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': return `has unknown field "${(e.params as any).additionalProperty}"`;
    case 'enum': return `must be one of ${(e.params as any).allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'oneOf': return 'sets more than one of mutually exclusive fields (Istio allows at most one)';
    case 'const': return `must be ${JSON.stringify((e.params as any).allowedValue)}`;
    default: return e.message ?? e.keyword;
  }
}

/** Validates one object. Returns its violations (empty when valid). */
export function validateManifest(obj: any): ManifestViolation[] {
  const kind = obj?.kind;
  const apiVersion = obj?.apiVersion;
  const name = obj?.metadata?.name;
  const namespace = obj?.metadata?.namespace;
  const id = `${kind}/${namespace ?? ''}/${name}`;
  const out: Array<{ path: string; message: string }> = [];

  if (typeof apiVersion !== 'string' || typeof kind !== 'string') out.push({ path: '', message: 'has no apiVersion or kind' });
  if (kind === 'Gateway' ? !isDnsLabel(name) : !isDnsSubdomain(name)) {
    const expected = kind === 'Gateway' ? 'label (Gateway names)' : 'subdomain';
    out.push({ path: '/metadata/name', message: `${JSON.stringify(name)} is not a DNS-1123 ${expected}` });
  }
  const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  // Istio kinds are namespaced and always get one here; other objects (cdk8s-plus ones,
  // cluster-scoped kinds) may leave it to the cluster.
  if (group.endsWith('istio.io') || namespace !== undefined) {
    if (!isDnsLabel(namespace)) {
      out.push({ path: '/metadata/namespace', message: `${JSON.stringify(namespace)} is not a namespace name (DNS-1123 label)` });
    }
  }
  // Kubernetes limits: label values 63 characters, annotations 256 KiB in total.
  for (const [k, v] of Object.entries(obj?.metadata?.labels ?? {})) {
    if (!isLabelKey(k) || !isLabelValue(v)) {
      out.push({ path: `/metadata/labels/${k}`, message: `${JSON.stringify(v)} is not a label value (at most 63 characters)` });
    }
  }
  const annotations = Object.entries(obj?.metadata?.annotations ?? {});
  const annotationBytes = annotations.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (annotationBytes > 262144) {
    out.push({ path: '/metadata/annotations', message: `total ${annotationBytes} bytes exceeds Kubernetes' 256 KiB limit` });
  }

  if (group.endsWith('istio.io')) out.push(...checkAgainstCrd(obj));
  return out.map((o) => ({ object: id, ...o }));
}

/**
 * Results of the schema and CEL checks by object content without metadata: meshes repeat the
 * same spec in many clusters and namespaces (a service's client-side objects), and every
 * repetition would give the same answer. Bounded, so a long-running process does not grow.
 */
const crdResults = new Map<string, ReadonlyArray<{ path: string; message: string }>>();
const MAX_CACHED_RESULTS = 100_000;

function checkAgainstCrd(obj: any): ReadonlyArray<{ path: string; message: string }> {
  const key = contentKey(obj);
  const hit = key === undefined ? undefined : crdResults.get(key);
  if (hit) return hit;
  const result = checkAgainstCrdUncached(obj);
  if (key !== undefined) {
    if (crdResults.size >= MAX_CACHED_RESULTS) crdResults.clear();
    crdResults.set(key, result);
  }
  return result;
}

/**
 * Everything but metadata (which the schema only requires to be an object) as JSON, or
 * undefined when JSON would not tell two objects apart that the checks do (undefined values,
 * -0, non-finite numbers, functions, symbols, bigints, cycles, anything but plain data:
 * render/object-json.ts decides): those are checked uncached. A rendered object's JSON was
 * made once when it rendered.
 */
function contentKey(obj: any): string | undefined {
  if (typeof obj?.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) return undefined;
  const json = recordedJson(obj) ?? faithfulJson(obj);
  return json ? wholeJson(json, 'metadata') : undefined;
}

function checkAgainstCrdUncached(obj: any): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const v = validatorFor(obj.apiVersion, obj.kind);
  if (!v) return [{ path: '', message: `${obj.apiVersion} ${obj.kind} is not in the vendored Istio CRDs` }];
  if (!v.validate(obj)) {
    for (const e of v.validate.errors ?? []) {
      // Errors inside oneOf/anyOf/not branches only explain why a branch failed; the
      // oneOf error itself says what is wrong.
      if (/\/(oneOf|anyOf|not)\//.test(e.schemaPath) && !/\/(oneOf|anyOf)$/.test(e.schemaPath)) continue;
      out.push({ path: e.instancePath, message: describeAjvError(e) });
    }
  }
  checkCel(obj.spec, v.spec, '/spec', out);
  return out;
}

/** Validates many objects; returns every violation. */
export function validateManifests(objects: readonly any[]): ManifestViolation[] {
  return objects.flatMap(validateManifest);
}

export function formatViolation(v: ManifestViolation): string {
  return `${v.object}${v.path ? ` ${v.path}` : ''}: ${v.message}`;
}
