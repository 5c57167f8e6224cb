/**
 * Rendered manifests → the access model of each cluster (see access-types.ts).
 */
import {
  CallerEdge, ClusterAccess, ClusterObjects, EastWestHost, EntryPoint, Grant, WorkloadAccess, appendTo, byCodeUnit, sortedUnique,
} from './access-types';
import { hostRestriction } from './gateway-access';
import { IstioObjects } from './istio-objects';
import { GatewayRoute, GatewayServer, readGatewayRoutes, readGatewayServers, routedDestinations, routesByGateway } from './gateways';
import { effectiveMtls, PeerAuthn, readPeerAuthentications } from './mtls';
import { PatternIndex } from './pattern-index';
import { isExactPattern, patternMatches } from './patterns';
import { ParsedPolicy, parseAuthorizationPolicy } from './policy';
import { HostProtocols, protocolOf, readHostProtocols } from './protocols';
import { SelectorIndex } from '../selector-index';
import { anyGrant, applicablePolicies, callerEdges, forTcp, policyRefs } from './workload-access';
import { discoverWorkloads, isGatewaySelector, Workload } from './workloads';

export interface AccessModelOptions {
  /**
   * The mesh's root namespace (meshConfig.rootNamespace): its policies apply to every namespace.
   * @default 'istio-system' (istio 1.30.3 pkg/config/mesh/mesh.go:91)
   */
  readonly rootNamespace?: string;
}

interface ClusterInputs {
  readonly cluster: string;
  readonly root: string;
  readonly policies: readonly ParsedPolicy[];
  /** The policies and PeerAuthentications by namespace and selector, built once: every workload looks up its own. */
  readonly policyIndex: SelectorIndex<ParsedPolicy>;
  readonly peerAuthnIndex: SelectorIndex<PeerAuthn>;
  readonly servers: readonly GatewayServer[];
  /** Hosts of east-west servers that terminate mesh mTLS (see mutualTlsHosts). */
  readonly mutualHosts: ReadonlyMap<string, readonly ServedHost[]>;
  readonly protocols: HostProtocols;
}

/** A host on a gateway server; `order` is its place among the servers' hosts (server by server). */
interface ServedHost {
  readonly server: GatewayServer;
  readonly host: string;
  readonly order: number;
}

/** The access model of every cluster, sorted by cluster name. */
export function buildAccessModel(clusters: readonly ClusterObjects[], options: AccessModelOptions = {}): ClusterAccess[] {
  const root = options.rootNamespace ?? 'istio-system';
  const istio = clusters.map((c) => new IstioObjects(c.objects));
  const protocols = readHostProtocols(istio.flatMap((objects) => objects.ofKinds('ServiceEntry', 'VirtualService')));
  return clusters.map((c, i) => buildCluster(c.cluster, istio[i], root, protocols)).sort((a, b) => byCodeUnit(a.cluster, b.cluster));
}

function buildCluster(cluster: string, istio: IstioObjects, root: string, protocols: HostProtocols): ClusterAccess {
  const policies = istio.ofKinds('AuthorizationPolicy').map((o) => parseAuthorizationPolicy(o, root));
  const peerAuthns = readPeerAuthentications(istio.ofKinds('PeerAuthentication'));
  const servers = readGatewayServers(istio.ofKinds('Gateway'));
  const routes = readGatewayRoutes(istio.ofKinds('VirtualService'));
  const objects = istio.ofKinds('DestinationRule', 'ServiceEntry', 'VirtualService');
  const policyIndex = new SelectorIndex(policies);
  const peerAuthnIndex = new SelectorIndex(peerAuthns);
  const mutualHosts = mutualTlsHosts(servers);
  const inputs: ClusterInputs = { cluster, root, policies, policyIndex, peerAuthnIndex, servers, mutualHosts, protocols };
  const workloads = discoverWorkloads({ objects, policies, peerAuthns, servers, routes, rootNamespace: root });
  const entryPoints = readEntryPoints(inputs, routes, workloadIdsByHost(cluster, workloads));
  const eastWest = readEastWest(inputs);
  const externalHosts = new PatternIndex(entryPoints.map((e) => e.host), (h) => [h], 'host');
  const access = workloads.map((w) => workloadAccess(w, inputs, externalHosts));
  return {
    cluster, rootNamespace: root, workloads: access,
    eastWest: eastWest.sort((a, b) => byCodeUnit(`${a.gateway} ${a.port} ${a.host}`, `${b.gateway} ${b.port} ${b.host}`)),
    entryPoints: entryPoints.sort((a, b) => byCodeUnit(`${a.host} ${a.port} ${a.gateway}`, `${b.host} ${b.port} ${b.gateway}`)),
    mtlsDefaults: mtlsDefaults(peerAuthns, peerAuthnIndex, root),
    denyPolicies: sortedUnique(policies.filter((p) => p.ref.action === 'DENY' && !p.ref.dryRun && !p.ignored).map((p) => p.ref.name)),
    notes: clusterNotes(inputs, workloads),
  };
}

/** Hosts the cluster's gateways serve to clients outside the mesh, with where they route them. */
function readEntryPoints(inputs: ClusterInputs, routes: readonly GatewayRoute[], idsByHost: ReadonlyMap<string, readonly string[]>): EntryPoint[] {
  const bound = routesByGateway(routes);
  const idOf = (host: string) => idsByHost.get(host) ?? [];
  return inputs.servers.filter((s) => !s.eastWest).flatMap((s) => s.hosts.map((host) => {
    const r = hostRestriction(s, host, inputs.policyIndex, inputs.root);
    return {
      gateway: s.gateway, host, port: s.port, protocol: s.protocol, tlsMode: s.tlsMode,
      routesTo: sortedUnique(routedDestinations(s, host, bound).flatMap(idOf)),
      ...(r.onlyRemoteIpBlocks ? { onlyRemoteIpBlocks: [...r.onlyRemoteIpBlocks].sort(byCodeUnit) } : {}),
    };
  }));
}

/** Hosts the cluster's gateways let other clusters reach, with the principals they admit. */
function readEastWest(inputs: ClusterInputs): EastWestHost[] {
  return inputs.servers.filter((s) => s.eastWest).flatMap((s) => s.hosts.map((host) => {
    const r = hostRestriction(s, host, inputs.policyIndex, inputs.root);
    return { gateway: s.gateway, port: s.port, tlsMode: s.tlsMode, host, ...(r.onlyPrincipals
      ? { onlyPrincipals: [...r.onlyPrincipals.values].sort(byCodeUnit) } : {}) };
  }));
}

/** Workload ids by host (in the workloads' order), for the routes of entry points. */
function workloadIdsByHost(cluster: string, workloads: readonly Workload[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const w of workloads) for (const host of new Set(w.hosts)) appendTo(ids, host, `${cluster}/${w.namespace}/${w.name}`);
  return ids;
}

/** The mesh's mode, and each namespace's where a namespace-wide PeerAuthentication sets it. */
function mtlsDefaults(peerAuthns: readonly PeerAuthn[], index: SelectorIndex<PeerAuthn>, root: string): ClusterAccess['mtlsDefaults'] {
  const namespaces = sortedUnique(peerAuthns.filter((p) => !p.selector && p.namespace !== root).map((p) => p.namespace));
  return [
    { scope: 'mesh', ...effectiveMtls(index, root, undefined, root) },
    ...namespaces.map((ns) => ({ scope: `namespace ${ns}`, ...effectiveMtls(index, ns, undefined, root) })),
  ].map(({ scope, mode, source }) => ({ scope, mode, source }));
}

function clusterNotes(inputs: ClusterInputs, workloads: readonly Workload[]): string[] {
  const notes: string[] = [];
  for (const p of inputs.policies) {
    if (p.ignored) notes.push(`${p.ref.name}: ${p.ignored}`);
    else if (p.hasTargetRefs) notes.push(`${p.ref.name}: targetRef policies apply to Gateway API gateways and waypoints only, not modelled here`);
    else if (p.ref.scope === 'mesh') {
      notes.push(`${p.ref.name}: ${p.ref.action} policy in the root namespace without a selector applies to every workload of the mesh`);
    }
    else if (p.namespace === inputs.root && p.selector && !isGatewaySelector(p.selector, inputs.servers)
      && !workloads.some((w) => w.selector && Object.entries(p.selector!).every(([k, v]) => w.selector![k] === v))) {
      notes.push(`${p.ref.name}: root-namespace policy selects workloads of any namespace; none in these manifests has its labels`);
    }
  }
  return notes.sort(byCodeUnit);
}

/** Marks callers that are an ingress gateway admitted for one of this cluster's external hosts. */
function withIngressHost(edge: CallerEdge, externalHosts: PatternIndex<string>): CallerEdge {
  const hosts = edge.grant.operation.hosts?.values;
  if (edge.caller.kind !== 'principal' || !hosts) return edge;
  const bare = sortedUnique(hosts.map((h) => h.replace(/:(\*|\d+)$/, '')));
  const isExternal = (h: string) => {
    const matches = (e: string) => patternMatches(h, e, 'host') || patternMatches(e, h, 'host');
    return (isExactPattern(h, 'host') ? externalHosts.matching(h, matches) : externalHosts.filter(matches)).length > 0;
  };
  if (!bare.every(isExternal)) return edge;
  return { ...edge, ingressHost: bare[0] };
}

function workloadAccess(w: Workload, inputs: ClusterInputs, externalHosts: PatternIndex<string>): WorkloadAccess {
  const applicable = applicablePolicies(inputs.policyIndex, w.namespace, w.selector, inputs.root);
  const sidecar = w.sidecarOff.length === 0;
  const protocol = protocolOf(w.hosts, inputs.protocols);
  const notes: string[] = [...w.sidecarOff];
  const mtls = sidecar ? effectiveMtls(inputs.peerAuthnIndex, w.namespace, w.selector, inputs.root)
    : { mode: 'DISABLE' as const, source: '(no sidecar)', notes: [] };
  notes.push(...mtls.notes);
  const enforced = applicable.filter((p) => !p.ref.dryRun);
  const grantsOf = (action: 'ALLOW' | 'DENY') => {
    const g = enforced.filter((p) => p.ref.action === action).flatMap((p) => p.grants);
    return protocol === 'tcp' ? forTcp(g, action, notes) : g;
  };
  const denies = grantsOf('DENY');
  const allowPolicies = enforced.filter((p) => p.ref.action === 'ALLOW');
  let callers: CallerEdge[];
  if (!sidecar) {
    const unenforced = applicable.map((p) => p.ref.name).join(', ');
    if (applicable.length > 0) notes.push(`without a sidecar, no authorization policy is enforced on the workload itself (${unenforced})`);
    callers = callerEdges(sidecarlessGrants(w, inputs), [], notes);
  } else {
    // Without an enforced ALLOW policy every request that no DENY stops is allowed; with one,
    // only what one of its rules matches (an ALLOW policy without rules matches nothing).
    callers = callerEdges(allowPolicies.length === 0 ? [anyGrant('(no ALLOW policy)')] : grantsOf('ALLOW'), denies, notes);
  }
  callers = callers.map((e) => withIngressHost(e, externalHosts));
  return {
    id: `${inputs.cluster}/${w.namespace}/${w.name}`, cluster: inputs.cluster, namespace: w.namespace, name: w.name,
    ...(w.selector ? { selector: w.selector } : {}),
    hosts: sortedUnique(w.hosts), sidecar, protocol,
    mtls: { mode: mtls.mode, source: mtls.source, ...(mtls.ports ? { ports: mtls.ports } : {}) },
    policies: policyRefs(applicable), open: !sidecar || allowPolicies.length === 0, callers, denies,
    dryRun: applicable.some((p) => p.ref.dryRun), undecided: undecidedReasons(applicable, callers, denies), notes: sortedUnique(notes),
  };
}

/**
 * A workload without a sidecar checks nobody: callers in its cluster reach it unchecked; other
 * clusters come through the east-west gateway, which admits whom its DENY rules leave.
 */
function sidecarlessGrants(w: Workload, inputs: ClusterInputs): Grant[] {
  const grants: Grant[] = [anyGrant('(no sidecar: callers in the cluster are not checked)')];
  const served = [...new Set(w.hosts)].flatMap((h) => inputs.mutualHosts.get(h) ?? []).sort((a, b) => a.order - b.order);
  for (const { server: s, host } of served) {
    const r = hostRestriction(s, host, inputs.policyIndex, inputs.root);
    if (!r.onlyPrincipals) grants.push(anyGrant(`(east-west gateway ${s.gateway} admits any mesh caller for ${host})`));
    else grants.push({ policy: r.onlyPrincipals.policy, source: { principals: { values: r.onlyPrincipals.values, notValues: [] } },
      operation: {}, conditions: [] });
  }
  return grants;
}

/**
 * The hosts of east-west servers that terminate mesh mTLS (ISTIO_MUTUAL), by host, so that each
 * workload without a sidecar finds its own rather than every workload scanning every host.
 */
function mutualTlsHosts(servers: readonly GatewayServer[]): Map<string, ServedHost[]> {
  const byHost = new Map<string, ServedHost[]>();
  let order = 0;
  for (const server of servers.filter((x) => x.eastWest && x.tlsMode === 'ISTIO_MUTUAL')) {
    for (const host of server.hosts) appendTo(byHost, host, { server, host, order: order++ });
  }
  return byHost;
}

function undecidedReasons(applicable: readonly ParsedPolicy[], callers: readonly CallerEdge[], denies: readonly Grant[]): string[] {
  // A dry-run CUSTOM policy still calls the external authorizer (builder.go:392-395).
  const dry = (p: ParsedPolicy) => (p.ref.dryRun ? ' (dry-run CUSTOM policies still call the external authorizer)' : '');
  const reasons = applicable.filter((p) => p.ref.action === 'CUSTOM')
    .map((p) => `CUSTOM policy ${p.ref.name}${dry(p)}: the external authorizer decides matching requests`);
  for (const e of callers) {
    if (e.grant.conditions.length > 0) reasons.push(`ALLOW ${e.grant.policy}: conditions not modelled: ${e.grant.conditions.join(' and ')}`);
  }
  for (const d of denies) if (d.conditions.length > 0) reasons.push(`DENY ${d.policy}: conditions not modelled: ${d.conditions.join(' and ')}`);
  return sortedUnique(reasons);
}
