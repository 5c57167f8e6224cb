/**
 * What changed in who may call whom between two trees, by meaning: a caller edge counts as
 * added or widened only when the union of the previous edges does not admit all it admits
 * (`/api/*` already covered `/api/x`; `namespaces: [shop]` already covered a principal in shop).
 */
import { CallerEdge, ClusterAccess, Grant, MtlsMode, WorkloadAccess, byCodeUnit } from './access-types';
import { coveredByAny, grantCovers } from './coverage';
import { describeAccess, describeCaller } from './describe';
import { diffGateways } from './diff-gateways';
import type { AccessChange, AccessDiff } from './diff-types';

export type { AccessChange, AccessDiff, ChangeKind, Effect } from './diff-types';

const callerText = (e: CallerEdge) => (e.ingressHost ? `ingress gateway for ${e.ingressHost} (${describeCaller(e.caller)})`
  : describeCaller(e.caller));

/** Edges of `now` the union of `then` does not admit, as caller-added (new caller) or rule-widened. */
function edgeChanges(cluster: string, subject: string, then: readonly CallerEdge[], now: readonly CallerEdge[], growing: boolean): AccessChange[] {
  const thenGrants = then.map((e) => e.grant);
  const out: AccessChange[] = [];
  for (const e of now) {
    if (coveredByAny(e.grant, thenGrants)) continue;
    // The same caller had some access before when it is named the same, or an earlier grant's source covers this one's.
    const anyOperation = (g: Grant): Grant => ({ ...g, operation: {}, conditions: [] });
    const sameCaller = then.filter((t) => (t.caller.kind === e.caller.kind && t.caller.value === e.caller.value)
      || grantCovers(anyOperation(t.grant), anyOperation(e.grant)));
    const other = [...new Set(sameCaller.map(describeAccess))].sort(byCodeUnit).join('; ');
    const kind = sameCaller.length > 0 ? (growing ? 'rule-widened' : 'rule-narrowed') : growing ? 'caller-added' : 'caller-removed';
    out.push({
      cluster, subject, kind, effect: growing ? 'widened' : 'narrowed', caller: callerText(e),
      ...(growing ? { before: other || undefined, after: describeAccess(e) } : { before: describeAccess(e), after: other || undefined }),
    });
  }
  return out;
}

const MTLS_RANK: Record<MtlsMode, number> = { DISABLE: 0, PERMISSIVE: 1, STRICT: 2 };
const weakest = (w: WorkloadAccess): MtlsMode =>
  [w.mtls.mode, ...Object.values(w.mtls.ports ?? {})].reduce((a, b) => (MTLS_RANK[b] < MTLS_RANK[a] ? b : a));
const portModes = (w: WorkloadAccess) => Object.entries(w.mtls.ports ?? {}).map(([p, m]) => `${p}:${m}`).join(',');
const mtlsText = (w: WorkloadAccess) => `${w.mtls.mode} (${w.mtls.source})${w.mtls.ports ? ` ports ${portModes(w)}` : ''}`;

function mtlsChanges(cluster: string, b: WorkloadAccess, a: WorkloadAccess): AccessChange[] {
  if (mtlsText(b) === mtlsText(a)) return [];
  const diff = MTLS_RANK[weakest(a)] - MTLS_RANK[weakest(b)];
  const kind = diff < 0 || (diff === 0 && MTLS_RANK[a.mtls.mode] < MTLS_RANK[b.mtls.mode]) ? 'mtls-weakened' : 'mtls-strengthened';
  return [{ cluster, subject: a.id, kind, effect: kind === 'mtls-weakened' ? 'widened' : 'narrowed', before: mtlsText(b), after: mtlsText(a) }];
}

/** STRICT removed or PERMISSIVE/DISABLE added for the mesh or a whole namespace. */
function mtlsDefaultChanges(cluster: string, b: ClusterAccess | undefined, a: ClusterAccess | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const meshOf = (c?: ClusterAccess) => c?.mtlsDefaults.find((d) => d.scope === 'mesh');
  for (const scope of [...new Set([...(b?.mtlsDefaults ?? []), ...(a?.mtlsDefaults ?? [])].map((d) => d.scope))]) {
    // A namespace without its own policy inherits the mesh's mode.
    const then = b?.mtlsDefaults.find((d) => d.scope === scope) ?? meshOf(b);
    const now = a?.mtlsDefaults.find((d) => d.scope === scope) ?? meshOf(a);
    if (!then || !now || then.mode === now.mode) continue;
    const weaker = MTLS_RANK[now.mode] < MTLS_RANK[then.mode];
    out.push({ cluster, subject: scope, kind: weaker ? 'mtls-weakened' : 'mtls-strengthened', effect: weaker ? 'widened' : 'narrowed',
      before: `${then.mode} (${then.source})`, after: `${now.mode} (${now.source})` });
  }
  return out;
}

function policyChanges(cluster: string, b: WorkloadAccess | undefined, a: WorkloadAccess | undefined): AccessChange[] {
  const subject = (a ?? b)!.id;
  const dry = (w?: WorkloadAccess) => new Set((w?.policies ?? []).filter((p) => p.dryRun).map((p) => p.name));
  const [db, da] = [dry(b), dry(a)];
  const out: AccessChange[] = [];
  for (const p of da) if (!db.has(p)) out.push({ cluster, subject, kind: 'dry-run-on', effect: 'widened',
    after: `${p} is in dry-run: logged, not enforced` });
  for (const p of db) if (!da.has(p) && a) out.push({ cluster, subject, kind: 'dry-run-off', effect: 'info', before: `${p} was in dry-run` });
  const [ub, ua] = [new Set(b?.undecided ?? []), new Set(a?.undecided ?? [])];
  for (const u of ua) if (!ub.has(u)) out.push({ cluster, subject, kind: 'cannot-decide', effect: 'undecided', after: u });
  // A CUSTOM policy gone may have let more through; a condition gone shows in the callers.
  for (const u of ub) {
    if (!ua.has(u) && a) out.push({ cluster, subject, kind: 'cannot-decide', effect: u.startsWith('CUSTOM') ? 'undecided' : 'info',
      before: u, after: 'no longer applies' });
  }
  return out;
}

/** DENY rules of `b` that the DENY rules of `a` no longer cover (policies that still exist; removed ones are reported per cluster). */
function denyChanges(cluster: string, b: WorkloadAccess, a: WorkloadAccess, removed: ReadonlySet<string>): AccessChange[] {
  return b.denies.filter((d) => !removed.has(d.policy) && !coveredByAny(d, a.denies)).map((d) => ({
    cluster, subject: a.id, kind: 'deny-narrowed' as const, effect: 'widened' as const,
    before: `${d.policy} denied ${describeAccess({ caller: { kind: 'any', value: '*' }, grant: d, narrowedBy: [] })}`, after: 'no longer denied',
  }));
}

function workloadChanges(cluster: string, b: WorkloadAccess | undefined, a: WorkloadAccess | undefined,
  removedDenies: ReadonlySet<string>): AccessChange[] {
  const subject = (a ?? b)!.id;
  const out: AccessChange[] = [];
  if (!b) out.push({ cluster, subject, kind: 'service-added', effect: 'info' });
  // The manifests cannot say whether the workload went too: if it still runs, it runs without
  // its STRICT mTLS and allow rules. A gate must not pass that unseen.
  const unprotected = 'its policies are gone: if the workload still runs, it has no STRICT mTLS and no allow rules';
  if (!a) out.push({ cluster, subject, kind: 'service-removed', effect: 'undecided', after: unprotected });
  out.push(...edgeChanges(cluster, subject, b?.callers ?? [], a?.callers ?? [], true));
  out.push(...edgeChanges(cluster, subject, a?.callers ?? [], b?.callers ?? [], false));
  if (a && b) out.push(...mtlsChanges(cluster, b, a), ...denyChanges(cluster, b, a, removedDenies));
  out.push(...policyChanges(cluster, b, a));
  return out;
}

function clusterChanges(name: string, b: ClusterAccess | undefined, a: ClusterAccess | undefined): AccessChange[] {
  const removed = new Set((b?.denyPolicies ?? []).filter((p) => !(a?.denyPolicies ?? []).includes(p)));
  const out: AccessChange[] = [...removed].map((p) => ({ cluster: name, subject: p, kind: 'deny-removed' as const,
    effect: 'widened' as const, before: `DENY policy ${p}` }));
  for (const p of a?.denyPolicies ?? []) if (!(b?.denyPolicies ?? []).includes(p)) out.push({ cluster: name, subject: p, kind: 'deny-added',
    effect: 'narrowed', after: `DENY policy ${p}` });
  const ids = [...new Set([...(b?.workloads ?? []), ...(a?.workloads ?? [])].map((w) => w.id))].sort(byCodeUnit);
  for (const id of ids) out.push(...workloadChanges(name, b?.workloads.find((w) => w.id === id), a?.workloads.find((w) => w.id === id), removed));
  out.push(...diffGateways(name, b, a), ...mtlsDefaultChanges(name, b, a));
  return out;
}

const changeKey = (c: AccessChange) => [c.cluster, c.subject, c.kind, c.caller ?? '', c.before ?? '', c.after ?? ''].join('\u0000');

/** The access changes from `before` to `after` (two trees' models), sorted by cluster and subject. */
export function diffAccess(before: readonly ClusterAccess[], after: readonly ClusterAccess[]): AccessDiff {
  const names = [...new Set([...before, ...after].map((c) => c.cluster))].sort(byCodeUnit);
  const all = names.flatMap((n) => clusterChanges(n, before.find((c) => c.cluster === n), after.find((c) => c.cluster === n)));
  const seen = new Set<string>();
  const changes = all.filter((c) => !seen.has(changeKey(c)) && Boolean(seen.add(changeKey(c)))).sort((x, y) => byCodeUnit(changeKey(x),
    changeKey(y)));
  const counts = { widened: 0, narrowed: 0, undecided: 0, info: 0 };
  for (const c of changes) counts[c.effect]++;
  return { changes, counts, widened: counts.widened + counts.undecided > 0 };
}
