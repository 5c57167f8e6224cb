/**
 * Construct problems in bundle terms: `[construct/path] field: message` becomes
 * `file#doc $.json.path: message`, at the bundle item the construct was built from.
 */
import { ApiObject } from 'cdk8s';
import type { Mesh } from '../mesh';
import { SERVICE_INTENT_LABEL } from '../render/labels';
import type { InboundMetadataJson } from './bundle-json';
import { MESH_FIELDS, Registered } from './field-maps';
import { Located, where } from './load';

/** An inbound service item (seed or EMCO): its metadata is what annotations are made of. */
export interface ServiceItem {
  readonly metadata: InboundMetadataJson;
}

/** What a bundle was built into: constructs by path, inbound service items by name. */
export interface BuiltBundle {
  readonly registry: ReadonlyMap<string, Registered>;
  readonly serviceOrigins: ReadonlyMap<string, Located<ServiceItem>>;
  readonly mesh?: Mesh;
}

/** The metadata fields that become annotations, in the order they are compared. */
const ANNOTATED_FIELDS = ['description', 'userdata1', 'userdata2', 'userData1', 'userData2'] as const;

/** `[construct/path] field: message` → `file#doc $.json.path: message` (other lines unchanged). */
export function translateProblem(built: BuiltBundle, line: string): string {
  const m = /^\[([^\]]*)\] (.*)$/.exec(line);
  if (!m) return line;
  const reg = built.registry.get(m[1]);
  if (!reg) return line;
  if (reg.fields === MESH_FIELDS) {
    const owned = translateObjectFinding(built, m[2]);
    if (owned) return owned;
  }
  const colon = m[2].indexOf(': ');
  const field = colon > 0 ? m[2].slice(0, colon) : '';
  const rest = colon > 0 ? m[2].slice(colon + 2) : m[2];
  const hit = longestPrefix(reg, field.replace(/\[\d+\]$/, ''));
  if (!hit) return `${where(reg.origin)}: ${m[2]}`;
  return `${where(reg.origin, bundleSuffix(hit, field))}: ${rest}`;
}

/** The field map entry for a construct field (without a trailing index): the longest prefix that matches. */
function longestPrefix(reg: Registered, base: string): [string, string] | undefined {
  const matches = [...reg.fields].filter(([k]) => base === k || base.startsWith(`${k}.`) || base.startsWith(`${k}[`) || k === '');
  return matches.sort((a, b) => b[0].length - a[0].length)[0];
}

/** The JSON path under the item for a construct field, given the field map entry that matched it. */
function bundleSuffix([k, v]: [string, string], field: string): string {
  if (k === '') return field ? `.${field}` : '';
  if (v === '.spec' || v === '.metadata') return `${v}.${field}`;
  return `${v}${field.slice(k.length)}`;
}

/**
 * A finding of the manifest checks about one object (`cluster c: Kind/ns/name /pointer: ...`),
 * reported at the inbound service that the object was rendered for, and at the field that
 * caused it where that is known (annotations come from description and userdata).
 */
function translateObjectFinding(built: BuiltBundle, text: string): string | undefined {
  const m = /^cluster (\S+): (?:([A-Z]+[0-9]*) )?([A-Za-z]+)\/([^/ ]*)\/([^ :]+)(?: (\/\S*))?: (.*)$/.exec(text);
  const chart = m && built.mesh?.clusters.find((c) => c.clusterName === m[1]);
  if (!m || !chart) return undefined;
  const obj = chart.node.tryFindChild(`${m[3]}.${m[4]}.${m[5]}`);
  const owner = obj instanceof ApiObject ? obj.metadata.getLabel(SERVICE_INTENT_LABEL) : undefined;
  const item = owner === undefined ? undefined : built.serviceOrigins.get(owner);
  if (!item) return undefined;
  const field = m[6]?.startsWith('/metadata/annotations') ? largestAnnotationSource(item.value.metadata) : '';
  const code = m[2] ? `${m[2]} ` : '';
  return `${where(item.origin, field)}: ${code}${m[3]}/${m[4]}/${m[5]} in cluster ${m[1]}${m[6] ? ` ${m[6]}` : ''}: ${m[7]}`;
}

/** The metadata field most likely to make the annotations too large: the longest. */
function largestAnnotationSource(md: InboundMetadataJson): string {
  const given = ANNOTATED_FIELDS.filter((k) => typeof md[k] === 'string');
  const largest = given.sort((a, b) => (md[b] ?? '').length - (md[a] ?? '').length)[0];
  return largest ? `.metadata.${largest}` : '.metadata';
}

/** Problems sorted by where they are (file, then document), stable otherwise; code-unit order, never the locale's. */
export function byLocation(problems: readonly string[]): string[] {
  const key = (p: string) => {
    const m = /^(.*?)#(\d+)[ :]/.exec(p);
    return m ? { file: m[1], doc: Number(m[2]) } : { file: '', doc: 0 };
  };
  const unique = [...new Set(problems)];
  return unique.map((p) => ({ p, k: key(p) }))
    .sort((a, b) => (a.k.file < b.k.file ? -1 : a.k.file > b.k.file ? 1 : a.k.doc - b.k.doc))
    .map((x) => x.p);
}
