/** Short human-readable text for callers, operations and grants (graph labels, diff lines). */
import { Caller, CallerEdge, FieldMatch, Grant, Operation, Source } from './access-types';

function list(m: FieldMatch | undefined, join = ','): string | undefined {
  if (!m) return undefined;
  const pos = m.values ? m.values.join(join) : undefined;
  const neg = m.notValues.length > 0 ? `not ${m.notValues.join(join)}` : undefined;
  return [pos, neg].filter(Boolean).join(' ');
}

/** `GET,POST /a,/b host=x port=80`, or `any request` when nothing restricts it. */
export function describeOperation(op: Operation): string {
  const parts = [
    list(op.methods), list(op.paths),
    op.hosts ? `host ${list(op.hosts)}` : undefined,
    op.ports ? `port ${list(op.ports)}` : undefined,
    op.sni ? `sni ${list(op.sni)}` : undefined,
    op.destinationIps ? `to ip ${list(op.destinationIps)}` : undefined,
  ].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? parts.join(' ') : 'any request';
}

const SOURCE_LABELS: ReadonlyArray<[keyof Source, string]> = [
  ['principals', 'principal'], ['namespaces', 'namespace'], ['serviceAccounts', 'service account'], ['trustDomains', 'trust domain'],
  ['requestPrincipals', 'request principal'], ['ipBlocks', 'source ip'], ['remoteIpBlocks', 'remote ip'],
];

/** Constraints of a source beyond the caller's own value (`namespace shop`, `not principal x`). */
export function describeSourceExtras(source: Source, caller: Caller): string[] {
  const out: string[] = [];
  const key = callerField(caller);
  for (const [field, label] of SOURCE_LABELS) {
    const m = source[field];
    if (!m) continue;
    const isKey = key === field;
    if (m.values && !isKey) out.push(`${label} ${m.values.join(',')}`);
    if (m.notValues.length > 0) out.push(`not ${label} ${m.notValues.join(',')}`);
  }
  return out;
}

const CALLER_FIELD: ReadonlyMap<string, keyof Source> = new Map<string, keyof Source>([
  ['principal', 'principals'], ['namespace', 'namespaces'], ['serviceAccount', 'serviceAccounts'], ['trustDomain', 'trustDomains'],
  ['requestPrincipal', 'requestPrincipals'], ['ipBlock', 'ipBlocks'], ['remoteIpBlock', 'remoteIpBlocks'],
]);

export function callerField(caller: Caller): keyof Source | undefined {
  return CALLER_FIELD.get(caller.kind);
}

/** `principal td/ns/a/sa/b`, `namespace shop`, `any caller`. */
export function describeCaller(caller: Caller): string {
  if (caller.kind === 'any') return 'any caller';
  const kind = caller.kind.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  return `${kind} ${caller.value}`;
}

/** Each edge's text, computed once: the JSON, the diagram and the tables all show it (edges are never changed). */
const accessTexts = new WeakMap<CallerEdge, string>();

/**
 * What a caller edge admits: the operation, extra source constraints and open conditions. For
 * an ingress gateway the external host (already on its entry point) is left out, and a
 * workload-level reason with no policy behind it (`(no ALLOW policy)`) is added.
 */
export function describeAccess(edge: CallerEdge): string {
  let text = accessTexts.get(edge);
  if (text === undefined) {
    text = describeEdgeAccess(edge);
    accessTexts.set(edge, text);
  }
  return text;
}

function describeEdgeAccess(edge: CallerEdge): string {
  let grant = edge.grant;
  if (edge.ingressHost && grant.operation.hosts) {
    const { hosts: _host, ...operation } = grant.operation;
    grant = { ...grant, operation };
  }
  const text = describeGrantAccess(grant, edge.caller);
  return grant.policy.startsWith('(') ? `${text} ${grant.policy}` : text;
}

/**
 * A grant's text for the last caller field it was described for: the model describes each
 * caller's grant to tell callers apart, then the JSON, the diagram and the tables describe it
 * again (grants are never changed; the text depends on the caller only through that field).
 */
const grantTexts = new WeakMap<Grant, { readonly field: keyof Source | undefined; readonly text: string }>();

export function describeGrantAccess(grant: Grant, caller: Caller): string {
  const field = callerField(caller);
  const known = grantTexts.get(grant);
  if (known && known.field === field) return known.text;
  const text = describeGrant(grant, caller);
  grantTexts.set(grant, { field, text });
  return text;
}

function describeGrant(grant: Grant, caller: Caller): string {
  const extras = describeSourceExtras(grant.source, caller);
  const parts = [describeOperation(grant.operation), ...extras.map((e) => `(${e})`)];
  if (grant.conditions.length > 0) parts.push(`when ${grant.conditions.join(' and ')} [cannot decide]`);
  return parts.join(' ');
}

/** `sa sleep (ns default)` for a SPIFFE-style principal, else the value itself. */
export function shortCallerLabel(caller: Caller): string {
  if (caller.kind === 'principal') {
    const m = /^(?:.+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(caller.value);
    if (m) return `${m[2]} (ns ${m[1]})`;
  }
  return describeCaller(caller);
}
