/**
 * The drawing both diagram writers share: nodes (services grouped by cluster and namespace,
 * callers, external entry points), labelled edges, optionally reduced to one service's
 * neighbourhood and with services of identical callers collapsed into one node.
 */
import { ClusterAccess, EntryPoint, WorkloadAccess, appendTo, byCodeUnit, sortedUnique } from './access-types';
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
  private readonly byPair = new Map<string, { key: string; from: string; to: string; lines: Set<string>; dashed: boolean }>();
  add(from: string, to: string, line: string, dashed = false): void {
    const key = `${from}\u0000${to}`;
    const e = this.byPair.get(key) ?? { key, from, to, lines: new Set<string>(), dashed };
    e.lines.add(line);
    e.dashed = e.dashed && dashed;
    this.byPair.set(key, e);
  }
  list(): ViewEdge[] {
    return [...this.byPair.values()].sort((a, b) => byCodeUnit(a.key, b.key))
      .map((e) => ({ from: e.from, to: e.to, lines: sortedUnique(e.lines), dashed: e.dashed }));
  }
}

/** A cluster's entry points by host and by the workloads they route to (each in the cluster's order), looked up per caller edge. */
interface EntryIndex {
  readonly cluster: string;
  readonly byHost: ReadonlyMap<string, readonly EntryPoint[]>;
  readonly byTarget: ReadonlyMap<string, readonly EntryPoint[]>;
}

function indexEntries(c: ClusterAccess): EntryIndex {
  const byHost = new Map<string, EntryPoint[]>();
  const byTarget = new Map<string, EntryPoint[]>();
  for (const p of c.entryPoints) {
    appendTo(byHost, p.host, p);
    for (const id of new Set(p.routesTo)) appendTo(byTarget, id, p);
  }
  return { cluster: c.cluster, byHost, byTarget };
}

function addWorkloadEdges(index: EntryIndex, w: WorkloadAccess, edges: EdgeSet, callers: Map<string, ViewNode>): void {
  for (const e of w.callers) {
    const line = describeAccess(e) + (e.narrowedBy.length > 0 ? ` (partly denied by ${e.narrowedBy.join(', ')})` : '');
    const entries = e.ingressHost ? index.byHost.get(e.ingressHost) ?? [] : [];
    if (entries.length > 0) {
      for (const p of entries) edges.add(entryKey(index.cluster, p), w.id, line);
      continue;
    }
    const key = `caller:${e.caller.kind}:${e.caller.value}`;
    if (!callers.has(key)) callers.set(key, { key, kind: 'caller', lines: [shortCallerLabel(e.caller)], classes: ['caller'] });
    edges.add(key, w.id, line);
  }
  // An entry point routed to the workload whose policy does not admit the gateway: drawn dashed.
  const admitted = new Set(w.callers.map((e) => e.ingressHost));
  for (const p of (index.byTarget.get(w.id) ?? []).filter((x) => !admitted.has(x.host))) {
    if (w.open) edges.add(entryKey(index.cluster, p), w.id, 'any request (open)');
    else edges.add(entryKey(index.cluster, p), w.id, 'routed, not admitted by its policy', true);
  }
}

function fullGraph(clusters: readonly ClusterAccess[]): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const nodes: ViewNode[] = [];
  const callers = new Map<string, ViewNode>();
  const edges = new EdgeSet();
  for (const c of clusters) {
    const ew = new Set(c.eastWest.map((e) => e.host));
    for (const w of c.workloads) nodes.push(serviceNode(w, ew));
    for (const e of c.entryPoints) nodes.push(entryNode(c.cluster, e));
    const index = indexEntries(c);
    for (const w of c.workloads) addWorkloadEdges(index, w, edges, callers);
  }
  return { nodes: [...nodes, ...callers.values()], edges: edges.list() };
}

function focusMatches(node: ViewNode, focus: string, workloads: ReadonlyMap<string, WorkloadAccess>): boolean {
  if (node.kind === 'service') {
    const w = workloads.get(node.key)!;
    return [w.name, `${w.namespace}/${w.name}`, w.id, ...w.hosts].includes(focus);
  }
  if (node.kind === 'entry') return node.lines[0].startsWith(`${focus}:`);
  const value = node.key.slice(node.key.indexOf(':', 'caller:'.length) + 1);
  const sa = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(value);
  return value === focus || (sa !== null && (sa[2] === focus || `${sa[1]}/${sa[2]}` === focus));
}

/** Workloads by id; the first of an id wins, as a search through the clusters in order would find it. */
function workloadsById(clusters: readonly ClusterAccess[]): Map<string, WorkloadAccess> {
  const byId = new Map<string, WorkloadAccess>();
  for (const c of clusters) for (const w of c.workloads) if (!byId.has(w.id)) byId.set(w.id, w);
  return byId;
}

function applyFocus(graph: { nodes: ViewNode[]; edges: ViewEdge[] }, focus: string, clusters: readonly ClusterAccess[]) {
  const workloads = workloadsById(clusters);
  const matched = new Set(graph.nodes.filter((n) => focusMatches(n, focus, workloads)).map((n) => n.key));
  if (matched.size === 0) {
    const expected = 'give a service name, <namespace>/<name>, a host or a principal';
    throw new FocusError(`--focus: "${focus}" names no service, caller or entry point (${expected})`);
  }
  const edges = graph.edges.filter((e) => matched.has(e.from) || matched.has(e.to));
  const keep = new Set([...matched, ...edges.flatMap((e) => [e.from, e.to])]);
  return { nodes: graph.nodes.filter((n) => keep.has(n.key)), edges };
}

/**
 * Services of one namespace with the same marks and the same incoming edges become one node.
 * Incoming edges are grouped by target once: scanning every edge per node is quadratic in the mesh.
 */
function collapse(graph: { nodes: ViewNode[]; edges: ViewEdge[] }) {
  const incoming = new Map<string, ViewEdge[]>();
  for (const e of graph.edges) appendTo(incoming, e.to, e);
  const signature = (n: ViewNode) => JSON.stringify([n.cluster, n.namespace, n.lines.slice(1), n.classes,
    (incoming.get(n.key) ?? []).map((e) => [e.from, e.lines, e.dashed])]);
  const groups = new Map<string, ViewNode[]>();
  for (const n of graph.nodes) if (n.kind === 'service') appendTo(groups, signature(n), n);
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

const byKey = (a: ViewNode, b: ViewNode) => byCodeUnit(a.key, b.key);

/** One cluster's services by namespace (both sorted) and its entry points, from the nodes of that cluster. */
function viewCluster(name: string, nodes: readonly ViewNode[]): ViewCluster {
  const byNamespace = new Map<string, ViewNode[]>();
  for (const n of nodes.filter((x) => x.kind === 'service').sort(byKey)) appendTo(byNamespace, n.namespace!, n);
  const namespaces = sortedUnique(byNamespace.keys()).map((ns) => ({ name: ns, nodes: byNamespace.get(ns)! }));
  return { name, namespaces, entries: nodes.filter((n) => n.kind === 'entry').sort(byKey) };
}

export function buildView(clusters: readonly ClusterAccess[], options: GraphOptions = {}): ViewGraph {
  let graph = fullGraph(clusters);
  if (options.focus !== undefined) graph = applyFocus(graph, options.focus, clusters);
  if (options.collapse ?? true) graph = collapse(graph);
  const byCluster = new Map<string, ViewNode[]>();
  for (const n of graph.nodes) if (n.kind !== 'caller' && n.cluster !== undefined) appendTo(byCluster, n.cluster, n);
  const view = clusters.map((c) => viewCluster(c.cluster, byCluster.get(c.cluster) ?? []))
    .filter((c) => c.namespaces.length > 0 || c.entries.length > 0 || options.focus === undefined);
  return { clusters: view, callers: graph.nodes.filter((n) => n.kind === 'caller').sort(byKey), edges: graph.edges };
}
