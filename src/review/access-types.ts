/**
 * The access model the review commands build from rendered manifests: per cluster, every
 * workload the manifests speak of, which callers its authorization policies admit and for
 * what, and how it is exposed. Plain data: the graph writers and the diff read only this.
 */

/** One field of a rule: any of `values` (absent: anything), and none of `notValues`. */
export interface FieldMatch {
  readonly values?: readonly string[];
  readonly notValues: readonly string[];
}

export const SOURCE_FIELDS = ['principals', 'namespaces', 'serviceAccounts', 'trustDomains', 'requestPrincipals', 'ipBlocks',
  'remoteIpBlocks'] as const;
export const OPERATION_FIELDS = ['hosts', 'ports', 'methods', 'paths', 'sni', 'destinationIps'] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];
export type OperationField = (typeof OPERATION_FIELDS)[number];
export type Source = Partial<Record<SourceField, FieldMatch>>;
export type Operation = Partial<Record<OperationField, FieldMatch>>;

/**
 * One (source, operation) pair of a rule: a rule matches when one of its `from` entries and one
 * of its `to` entries match and all its `when` conditions hold (istio 1.30.3
 * pilot/pkg/security/authz/model/model.go:124-155), so a rule is the union of its pairs.
 */
export interface Grant {
  /** `<namespace>/<name>` of the policy. */
  readonly policy: string;
  readonly source: Source;
  readonly operation: Operation;
  /** `when` conditions this model cannot evaluate: the grant holds only when they do. */
  readonly conditions: readonly string[];
}

export type PolicyAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface PolicyRef {
  readonly name: string;
  readonly action: PolicyAction;
  readonly dryRun: boolean;
  /** workload: selects by labels; namespace: every workload of its namespace; mesh: root namespace, no selector. */
  readonly scope: 'workload' | 'namespace' | 'mesh';
}

export type CallerKind = 'principal' | 'namespace' | 'serviceAccount' | 'trustDomain' | 'requestPrincipal' | 'ipBlock' | 'remoteIpBlock' | 'any';

/** Who a caller edge is for: one value of the field that identifies it. */
export interface Caller {
  readonly kind: CallerKind;
  /** The value (a principal, a namespace, ...); "*" for any. */
  readonly value: string;
}

/** One admitted caller of a workload, with what it may do. */
export interface CallerEdge {
  readonly caller: Caller;
  readonly grant: Grant;
  /** Set when the caller is an ingress gateway admitted for an external host of this cluster. */
  readonly ingressHost?: string;
  /** DENY policies that deny part of these requests (or may: their conditions are not modelled). */
  readonly narrowedBy: readonly string[];
}

export interface WorkloadAccess {
  /** `<cluster>/<namespace>/<name>`. */
  readonly id: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** The workload's labels as the policies select it; absent when no policy names them. */
  readonly selector?: Readonly<Record<string, string>>;
  readonly hosts: readonly string[];
  readonly sidecar: boolean;
  readonly protocol: 'http' | 'tcp' | 'unknown';
  /** The mode the sidecar accepts, the policy it comes from, and port-level modes. */
  readonly mtls: { readonly mode: MtlsMode; readonly source: string; readonly ports?: Readonly<Record<string, MtlsMode>> };
  readonly policies: readonly PolicyRef[];
  /** No enforced ALLOW policy applies: every caller that no DENY rule stops is admitted. */
  readonly open: boolean;
  readonly callers: readonly CallerEdge[];
  /** Enforced DENY rules that apply. */
  readonly denies: readonly Grant[];
  readonly dryRun: boolean;
  /** Why the model cannot decide some requests (CUSTOM policies, unknown conditions). */
  readonly undecided: readonly string[];
  readonly notes: readonly string[];
}

/** A host a gateway lets other clusters reach. */
export interface EastWestHost {
  readonly gateway: string;
  readonly port: number;
  readonly tlsMode: string;
  readonly host: string;
  /** Principals the gateway admits for this host (a DENY for everyone else); absent: no such rule. */
  readonly onlyPrincipals?: readonly string[];
}

/** A host served to clients outside the mesh. */
export interface EntryPoint {
  readonly gateway: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly tlsMode: string;
  /** Workload ids the gateway routes this host to. */
  readonly routesTo: readonly string[];
  /** Client address blocks the gateway admits for this host; absent: any. */
  readonly onlyRemoteIpBlocks?: readonly string[];
}

export interface ClusterAccess {
  readonly cluster: string;
  readonly rootNamespace: string;
  readonly workloads: readonly WorkloadAccess[];
  readonly eastWest: readonly EastWestHost[];
  readonly entryPoints: readonly EntryPoint[];
  /** The mTLS mode of the mesh and of each namespace with a namespace-wide PeerAuthentication. */
  readonly mtlsDefaults: ReadonlyArray<{ readonly scope: string; readonly mode: MtlsMode; readonly source: string }>;
  /** Enforced DENY policies (and gateway ones) by name, for "DENY removed". */
  readonly denyPolicies: readonly string[];
  readonly notes: readonly string[];
}

/** A tree of manifests: objects per cluster. */
export interface ClusterObjects {
  readonly cluster: string;
  readonly objects: readonly any[];
}

/** Sorts strings by UTF-16 code unit (never by locale), so output is byte-stable. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byCodeUnit);
}

/** Appends `value` to the list under `key`, creating the list (for indexes built in one pass). */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
