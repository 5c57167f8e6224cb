/**
 * The drawing both diagram writers share: nodes (services grouped by cluster and namespace,
 * callers, external entry points), labelled edges, optionally reduced to one service's
 * neighbourhood and with services of identical callers collapsed into one node.
 */
import { ClusterAccess, EntryPoint, WorkloadAccess, byCodeUnit, sortedUnique } from './access-types';
import { describeAccess, shortCallerLabel } from './describe';

export interface GraphOptions {
  /**
   * Keep only the services and callers named so (a service name, `<namespace>/<name>`, an id,
   * a host, a principal or its service account) and their neighbours.
   * @default undefined (the whole mesh)
   */
  readonly focus?: string;
  /**
   * Draw the services of one namespace that have the same callers and marks as one node.
   * @default true
   */
  readonly collapse?: boolean;
}

export type NodeKind = 'service' | 'caller' | 'entry';

export interface ViewNode {
  readonly key: string;
  readonly kind: NodeKind;
  readonly lines: readonly string[];
  readonly classes: readonly string[];
  readonly cluster?: string;
  readonly namespace?: string;
}

export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  readonly lines: readonly string[];
  readonly dashed: boolean;
}

export interface ViewCluster {
  readonly name: string;
  readonly namespaces: ReadonlyArray<{ readonly name: string; readonly nodes: ViewNode[] }>;
  readonly entries: ViewNode[];
}

export interface ViewGraph {
  readonly clusters: ReadonlyArray<ViewCluster>;
  readonly callers: ViewNode[];
  readonly edges: ViewEdge[];
}

/** A --focus value that names nothing in the graph. */
export class FocusError extends Error {}

function serviceNode(w: WorkloadAccess, eastWestHosts: ReadonlySet<string>): ViewNode {
  const marks: Array<[boolean, string, string]> = [
    [!w.sidecar, 'no sidecar', 'nosidecar'],
    [w.dryRun, 'dry-run policy (not enforced)', 'dryrun'],
    [w.sidecar && w.open, 'open: no ALLOW policy', 'open'],
    [w.sidecar && w.mtls.mode !== 'STRICT', `mTLS ${w.mtls.mode}`, 'weak'],
    [w.undecided.length > 0, 'cannot decide: CUSTOM or conditions', 'undecided'],
    [w.hosts.some((h) => eastWestHosts.has(h)), 'exposed east-west', 'eastwest'],
  ];
  const active = marks.filter(([on]) => on);
  return {
    key: w.id, kind: 'service', cluster: w.cluster, namespace: w.namespace,
    lines: [w.name, ...(w.protocol === 'tcp' ? ['TCP'] : []), ...active.map(([, text]) => text)],
    classes: active.map(([, , cls]) => cls).filter((c) => c !== 'eastwest'),
  };
}

const entryKey = (cluster: string, e: EntryPoint) => `entry:${cluster}:${e.host}:${e.port}:${e.gateway}`;

function entryNode(cluster: string, e: EntryPoint): ViewNode {
  const lines = [`${e.host}:${e.port}`, `${e.protocol} ${e.tlsMode}`];
  if (e.onlyRemoteIpBlocks) lines.push(`clients ${e.onlyRemoteIpBlocks.join(', ')}`);
  return { key: entryKey(cluster, e), kind: 'entry', cluster, lines, classes: ['entry'] };
}

class EdgeSet {
  private readonly byPair = new Map<string, { from: string; to: string; lines: Set<string>; dashed: boolean }>();
  add(from: string, to: string, line: string, dashed = false): void {
    const k = `${from}\u0000${to}`;
    const e = this.byPair.get(k) ?? { from, to, lines: new Set<string>(), dashed };
    e.lines.add(line);
    e.dashed = e.dashed && dashed;
    this.byPair.set(k, e);
  }
  list(): ViewEdge[] {
    return [...this.byPair.values()].map((e) => ({ from: e.from, to: e.to, lines: sortedUnique(e.lines), dashed: e.dashed }))
      .sort((a, b) => byCodeUnit(`${a.from}\u0000${a.to}`, `${b.from}\u0000${b.to}`));
  }
}

function addWorkloadEdges(c: ClusterAccess, w: WorkloadAccess, edges: EdgeSet, callers: Map<string, ViewNode>): void {
  for (const e of w.callers) {
    const line = describeAccess(e) + (e.narrowedBy.length > 0 ? ` (partly denied by ${e.narrowedBy.join(', ')})` : '');
    const entries = c.entryPoints.filter((p) => e.ingressHost && p.host === e.ingressHost);
    if (entries.length > 0) {
      for (const p of entries) edges.add(entryKey(c.cluster, p), w.id, line);
      continue;
    }
    const key = `caller:${e.caller.kind}:${e.caller.value}`;
    if (!callers.has(key)) callers.set(key, { key, kind: 'caller', lines: [shortCallerLabel(e.caller)], classes: ['caller'] });
    edges.add(key, w.id, line);
  }
  // An entry point routed to the workload whose policy does not admit the gateway: drawn dashed.
  for (const p of c.entryPoints.filter((x) => x.routesTo.includes(w.id) && !w.callers.some((e) => e.ingressHost === x.host))) {
    if (w.open) edges.add(entryKey(c.cluster, p), w.id, 'any request (open)');
    else edges.add(entryKey(c.cluster, p), w.id, 'routed, not admitted by its policy', true);
  }
}

function fullGraph(clusters: readonly ClusterAccess[]): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const nodes: ViewNode[] = [];
  const callers = new Map<string, ViewNode>();
  const edges = new EdgeSet();
  for (const c of clusters) {
    const ew = new Set(c.eastWest.map((e) => e.host));
    nodes.push(...c.workloads.map((w) => serviceNode(w, ew)), ...c.entryPoints.map((e) => entryNode(c.cluster, e)));
    for (const w of c.workloads) addWorkloadEdges(c, w, edges, callers);
  }
  return { nodes: [...nodes, ...callers.values()], edges: edges.list() };
}

function focusMatches(node: ViewNode, focus: string, clusters: readonly ClusterAccess[]): boolean {
  if (node.kind === 'service') {
    const w = clusters.flatMap((c) => c.workloads).find((x) => x.id === node.key)!;
    return [w.name, `${w.namespace}/${w.name}`, w.id, ...w.hosts].includes(focus);
  }
  if (node.kind === 'entry') return node.lines[0].startsWith(`${focus}:`);
  const value = node.key.slice(node.key.indexOf(':', 'caller:'.length) + 1);
  const sa = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(value);
  return value === focus || (sa !== null && (sa[2] === focus || `${sa[1]}/${sa[2]}` === focus));
}

function applyFocus(graph: { nodes: ViewNode[]; edges: ViewEdge[] }, focus: string, clusters: readonly ClusterAccess[]) {
  const matched = new Set(graph.nodes.filter((n) => focusMatches(n, focus, clusters)).map((n) => n.key));
  if (matched.size === 0) {
    const expected = 'give a service name, <namespace>/<name>, a host or a principal';
    throw new FocusError(`--focus: "${focus}" names no service, caller or entry point (${expected})`);
  }
  const edges = graph.edges.filter((e) => matched.has(e.from) || matched.has(e.to));
  const keep = new Set([...matched, ...edges.flatMap((e) => [e.from, e.to])]);
  return { nodes: graph.nodes.filter((n) => keep.has(n.key)), edges };
}

/** Services of one namespace with the same marks and the same incoming edges become one node. */
function collapse(graph: { nodes: ViewNode[]; edges: ViewEdge[] }) {
  const signature = (n: ViewNode) => JSON.stringify([n.cluster, n.namespace, n.lines.slice(1), n.classes,
    graph.edges.filter((e) => e.to === n.key).map((e) => [e.from, e.lines, e.dashed])]);
  const groups = new Map<string, ViewNode[]>();
  for (const n of graph.nodes.filter((x) => x.kind === 'service')) groups.set(signature(n), [...(groups.get(signature(n)) ?? []), n]);
  const rename = new Map<string, string>();
  const merged: ViewNode[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => byCodeUnit(a.key, b.key));
    for (const m of sorted) rename.set(m.key, sorted[0].key);
    merged.push({ ...sorted[0], lines: [sorted.map((m) => m.lines[0]).join(', '), ...sorted[0].lines.slice(1)] });
  }
  const edges = new EdgeSet();
  for (const e of graph.edges) for (const line of e.lines) edges.add(rename.get(e.from) ?? e.from, rename.get(e.to) ?? e.to, line, e.dashed);
  return { nodes: [...merged, ...graph.nodes.filter((n) => n.kind !== 'service')], edges: edges.list() };
}

export function buildView(clusters: readonly ClusterAccess[], options: GraphOptions = {}): ViewGraph {
  let graph = fullGraph(clusters);
  if (options.focus !== undefined) graph = applyFocus(graph, options.focus, clusters);
  if (options.collapse ?? true) graph = collapse(graph);
  const byKey = (a: ViewNode, b: ViewNode) => byCodeUnit(a.key, b.key);
  const view = clusters.map((c) => {
    const services = graph.nodes.filter((n) => n.kind === 'service' && n.cluster === c.cluster).sort(byKey);
    const namespaces = sortedUnique(services.map((n) => n.namespace!)).map((ns) => ({ name: ns, nodes: services.filter((n) => n.namespace === ns) }));
    return { name: c.cluster, namespaces, entries: graph.nodes.filter((n) => n.kind === 'entry' && n.cluster === c.cluster).sort(byKey) };
  }).filter((c) => c.namespaces.length > 0 || c.entries.length > 0 || options.focus === undefined);
  return { clusters: view, callers: graph.nodes.filter((n) => n.kind === 'caller').sort(byKey), edges: graph.edges };
}
