/**
 * The access model as `connectivity.json` data (schema: connectivity.schema.json). Keys are
 * written in a fixed order and every list is sorted by code unit, so the bytes depend only on
 * the manifests.
 */
import { CallerEdge, ClusterAccess, FieldMatch, Grant, OPERATION_FIELDS, SOURCE_FIELDS, WorkloadAccess, byCodeUnit } from './access-types';
import { describeAccess, describeGrantAccess } from './describe';

export const CONNECTIVITY_SCHEMA_VERSION = 1;

/** Fields in the schema's order, whatever order the rule was written in. */
function ordered(match: Partial<Record<string, FieldMatch>>, fields: readonly string[]) {
  const out: Record<string, { values?: readonly string[]; notValues: readonly string[] }> = {};
  for (const f of fields) {
    const m = match[f];
    if (m) out[f] = m.values ? { values: m.values, notValues: m.notValues } : { notValues: m.notValues };
  }
  return out;
}

function grantJson(g: Grant) {
  return { policy: g.policy, source: ordered(g.source, SOURCE_FIELDS), operation: ordered(g.operation, OPERATION_FIELDS), conditions: g.conditions };
}

function callerJson(e: CallerEdge) {
  return {
    kind: e.caller.kind, value: e.caller.value, access: describeAccess(e),
    ...(e.ingressHost ? { ingressHost: e.ingressHost } : {}),
    ...grantJson(e.grant), deniedInPartBy: e.narrowedBy,
  };
}

const callerKey = (e: CallerEdge) => `${e.caller.kind}\u0000${e.caller.value}\u0000${describeAccess(e)}\u0000${e.grant.policy}`;

function workloadJson(w: WorkloadAccess) {
  return {
    id: w.id, namespace: w.namespace, name: w.name, hosts: w.hosts,
    ...(w.selector ? { selector: Object.fromEntries(Object.entries(w.selector).sort(([a], [b]) => byCodeUnit(a, b))) } : {}),
    sidecar: w.sidecar, protocol: w.protocol, mtls: w.mtls, open: w.open, dryRun: w.dryRun,
    policies: w.policies,
    callers: [...w.callers].sort((a, b) => byCodeUnit(callerKey(a), callerKey(b))).map(callerJson),
    denies: w.denies.map((d) => ({ ...grantJson(d), access: describeGrantAccess(d, { kind: 'any', value: '*' }) })),
    undecided: w.undecided, notes: w.notes,
  };
}

/** The JSON document (an object; see connectivityJson for its text). */
export function connectivityDocument(clusters: readonly ClusterAccess[]) {
  return {
    schemaVersion: CONNECTIVITY_SCHEMA_VERSION,
    clusters: clusters.map((c) => ({
      name: c.cluster, rootNamespace: c.rootNamespace,
      services: c.workloads.map(workloadJson),
      eastWest: c.eastWest, entryPoints: c.entryPoints, mtlsDefaults: c.mtlsDefaults, denyPolicies: c.denyPolicies, notes: c.notes,
    })),
  };
}

export function connectivityJson(clusters: readonly ClusterAccess[]): string {
  return `${JSON.stringify(connectivityDocument(clusters), null, 2)}\n`;
}
