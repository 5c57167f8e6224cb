/**
 * Whether one grant admits every request another admits ("covers"), and whether two grants
 * share a request ("intersect"), by the semantics of each field: wildcards, negations, IP
 * blocks, and what an exact principal says about its namespace.
 */
import { FieldMatch, Grant, OPERATION_FIELDS, Operation, SOURCE_FIELDS, Source } from './access-types';
import { cidrCovers, cidrsIntersect } from './cidr';
import { PatternField, patternCovers, patternsIntersect } from './patterns';

type AnyField = keyof Source | keyof Operation;

const CIDR_FIELDS = new Set<AnyField>(['ipBlocks', 'remoteIpBlocks', 'destinationIps']);
const PATTERN_FIELD: Partial<Record<AnyField, PatternField>> = {
  principals: 'principal', namespaces: 'namespace', methods: 'method', paths: 'path', hosts: 'host',
};

function covers(field: AnyField, outer: string, inner: string): boolean {
  if (CIDR_FIELDS.has(field)) return cidrCovers(outer, inner);
  return patternCovers(outer, inner, PATTERN_FIELD[field] ?? 'text');
}

function intersects(field: AnyField, a: string, b: string): boolean {
  if (CIDR_FIELDS.has(field)) return cidrsIntersect(a, b);
  return patternsIntersect(a, b, PATTERN_FIELD[field] ?? 'text');
}

/** Whether every value `inner` matches is matched by `outer` (absent fields match anything). */
export function fieldCovers(field: AnyField, outer: FieldMatch | undefined, inner: FieldMatch | undefined): boolean {
  if (!outer) return true;
  const innerNot = inner?.notValues ?? [];
  if (outer.values) {
    if (!inner?.values) return false;
    if (!inner.values.every((i) => outer.values!.some((o) => covers(field, o, i)))) return false;
  }
  // Each value `outer` excludes must be excluded by `inner` too, or lie outside what it matches.
  const innerValues = inner?.values ?? ['*'];
  return outer.notValues.every((n) => innerNot.some((m) => covers(field, m, n))
    || innerValues.every((i) => !intersects(field, i, n) || innerNot.some((m) => covers(field, m, i))));
}

/** Whether some value matches both (negations are ignored: when unsure, they may intersect). */
export function fieldsIntersect(field: AnyField, a: FieldMatch | undefined, b: FieldMatch | undefined): boolean {
  if (!a?.values || !b?.values) return true;
  return a.values.some((x) => b.values!.some((y) => intersects(field, x, y)));
}

const PRINCIPAL = /^(.+)\/ns\/([^/*]+)\/sa\/([^/*]+)$/;

/**
 * What an exact principal implies about the other identity fields (`td/ns/N/sa/S` is in
 * namespace N, service account N/S, trust domain td), and that any identity field implies an
 * authenticated peer (principal `*`), so `namespaces: [shop]` covers `td/ns/shop/sa/web`.
 * Istio matches those fields against the peer's SPIFFE principal (a namespace by the regex
 * "any prefix, then /ns/<ns>/", a service account by "/ns/<ns>/ ... sa/<sa>"), always on an
 * authenticated peer (istio 1.30.3 pilot/pkg/security/authz/model/generator.go:179-218, 226-241).
 */
export function withImpliedIdentity(source: Source): Source {
  const out: Record<string, FieldMatch> = { ...source };
  const exact = source.principals?.values?.map((p) => PRINCIPAL.exec(p));
  if (exact && exact.length > 0 && exact.every((m) => m !== null)) {
    const m = exact as RegExpExecArray[];
    out.namespaces ??= { values: [...new Set(m.map((x) => x[2]))], notValues: [] };
    out.serviceAccounts ??= { values: [...new Set(m.map((x) => `${x[2]}/${x[3]}`))], notValues: [] };
    out.trustDomains ??= { values: [...new Set(m.map((x) => x[1]))], notValues: [] };
  }
  if (!out.principals && (source.namespaces?.values || source.serviceAccounts?.values || source.trustDomains?.values)) {
    out.principals = { values: ['*'], notValues: [] };
  }
  return out;
}

/** Whether `outer` admits every request `inner` admits. Unmodelled conditions must be the same or more on `inner`. */
export function grantCovers(outer: Grant, inner: Grant): boolean {
  const innerSource = withImpliedIdentity(inner.source);
  return SOURCE_FIELDS.every((f) => fieldCovers(f, outer.source[f], innerSource[f]))
    && OPERATION_FIELDS.every((f) => fieldCovers(f, outer.operation[f], inner.operation[f]))
    && outer.conditions.every((c) => inner.conditions.includes(c));
}

/** Whether some request is admitted by both grants (when unsure: yes). */
export function grantsIntersect(a: Grant, b: Grant): boolean {
  const sa = withImpliedIdentity(a.source);
  const sb = withImpliedIdentity(b.source);
  return SOURCE_FIELDS.every((f) => fieldsIntersect(f, sa[f], sb[f])) && OPERATION_FIELDS.every((f) => fieldsIntersect(f, a.operation[f],
    b.operation[f]));
}

const ATOM_FIELDS: ReadonlyArray<keyof Operation> = ['methods', 'paths', 'hosts', 'ports'];
const MAX_ATOMS = 4096;

/**
 * Splits a grant into one grant per method, path, host and port, so that a grant can be
 * checked against the union of several others (`GET /a` and `POST /a` together cover
 * `[GET, POST] /a`). Large products stay whole (checked as one, which may over-report).
 */
export function atomize(grant: Grant): Grant[] {
  let atoms: Grant[] = [grant];
  for (const f of ATOM_FIELDS) {
    const m = grant.operation[f];
    if (!m?.values || m.values.length < 2) continue;
    if (atoms.length * m.values.length > MAX_ATOMS) return [grant];
    atoms = atoms.flatMap((a) => m.values!.map((v) => ({ ...a, operation: { ...a.operation, [f]: { values: [v], notValues: m.notValues } } })));
  }
  return atoms;
}

/** Whether the union of `grants` admits every request of `grant` (each atom by one of them). */
export function coveredByAny(grant: Grant, grants: readonly Grant[]): boolean {
  return atomize(grant).every((atom) => grants.some((g) => grantCovers(g, atom)));
}
