/**
 * The authorization policies that apply to one workload, and the callers they admit, with
 * Istio 1.30's precedence: CUSTOM, then DENY, then ALLOW; AUDIT only logs; dry-run policies
 * only log (istio 1.30.3 pilot/pkg/security/authz/builder/builder.go:112-141, 205-315).
 */
import { Caller, CallerEdge, CallerKind, FieldMatch, Grant, Operation, PolicyRef, Source, byCodeUnit } from './access-types';
import { grantCovers, grantsIntersect } from './coverage';
import { describeGrantAccess } from './describe';
import { ParsedPolicy } from './policy';
import { SelectorIndex } from '../selector-index';

/**
 * Policies that attach to a workload: those of the root namespace and of its own namespace
 * (pilot/pkg/model/authorization.go:97-110) without a selector, or whose selector's labels
 * the workload has (pilot/pkg/model/policyattachment.go:109-111). A policy with targetRefs never
 * attaches to a sidecar (policyattachment.go:131-136). Unknown labels: only selector-less ones.
 */
export function applicablePolicies(policies: SelectorIndex<ParsedPolicy>, namespace: string, selector: Readonly<Record<string,
  string>> | undefined, root: string) {
  return policies.attachedTo([root, namespace], selector).filter((p) => !p.ignored && !p.hasTargetRefs);
}

/** HTTP-only fields (model/generator.go:264, 330, 343, 356, 375, 390, 404, 424). */
const HTTP_OPERATION_FIELDS: ReadonlyArray<keyof Operation> = ['methods', 'paths', 'hosts'];
const HTTP_CONDITION = /^(request\.)/;

function usesHttpFields(g: Grant): boolean {
  return HTTP_OPERATION_FIELDS.some((f) => g.operation[f]) || Boolean(g.source.requestPrincipals) || g.conditions.some((c) => HTTP_CONDITION.test(c));
}

/**
 * On a TCP workload, an ALLOW rule with an HTTP-only field is dropped (so it admits nothing),
 * while a DENY rule loses those fields (so it denies more): model/model.go:355-365.
 */
export function forTcp(grants: readonly Grant[], action: 'ALLOW' | 'DENY', notes: string[]): Grant[] {
  return grants.flatMap((g) => {
    if (!usesHttpFields(g)) return [g];
    if (action === 'ALLOW') {
      notes.push(`${g.policy}: a rule with HTTP-only fields admits nothing on this TCP workload`);
      return [];
    }
    notes.push(`${g.policy}: a DENY rule's HTTP-only fields are ignored on this TCP workload, so it denies more`);
    const operation = Object.fromEntries(Object.entries(g.operation).filter(([k]) => !HTTP_OPERATION_FIELDS.includes(k as keyof Operation)));
    const { requestPrincipals: _dropped, ...source } = g.source;
    return [{ ...g, source, operation, conditions: g.conditions.filter((c) => !HTTP_CONDITION.test(c)) }];
  });
}

const CALLER_FIELDS: ReadonlyArray<[keyof Source, CallerKind]> = [
  ['principals', 'principal'], ['namespaces', 'namespace'], ['serviceAccounts', 'serviceAccount'], ['requestPrincipals', 'requestPrincipal'],
  ['ipBlocks', 'ipBlock'], ['remoteIpBlocks', 'remoteIpBlock'], ['trustDomains', 'trustDomain'],
];

/** One grant per caller: per value of the first identifying field it restricts; `any` when none. */
export function splitByCaller(grant: Grant): Array<{ caller: Caller; grant: Grant }> {
  for (const [field, kind] of CALLER_FIELDS) {
    const m: FieldMatch | undefined = grant.source[field];
    if (!m?.values) continue;
    return m.values.map((value) => {
      // Copied, then the field replaced in place: a computed key in the literal was several times slower.
      const source: Source = { ...grant.source };
      source[field] = { values: [value], notValues: m.notValues };
      return { caller: { kind, value }, grant: { ...grant, source } };
    });
  }
  return [{ caller: { kind: 'any', value: '*' }, grant }];
}

/** Grant admitting everyone: what a workload without an enforced ALLOW policy has. */
export const anyGrant = (policy: string): Grant => ({ policy, source: {}, operation: {}, conditions: [] });

/**
 * Callers admitted: the ALLOW grants (or everyone, when no ALLOW policy is enforced), less
 * those a DENY rule without open conditions denies entirely; partly denied ones name the DENY.
 */
export function callerEdges(allows: readonly Grant[], denies: readonly Grant[], notes: string[]): CallerEdge[] {
  const edges: CallerEdge[] = [];
  const seen = new Set<string>();
  for (const { caller, grant } of allows.flatMap(splitByCaller)) {
    const key = `${caller.kind}:${caller.value}:${describeGrantAccess(grant, caller)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const full = denies.find((d) => d.conditions.length === 0 && grantCovers(d, grant));
    if (full) {
      const what = describeGrantAccess(grant, caller);
      notes.push(`${caller.kind} ${caller.value} (${what}) is admitted by ${grant.policy} but denied by ${full.policy}`);
      continue;
    }
    const narrowedBy = [...new Set(denies.filter((d) => grantsIntersect(d, grant)).map((d) => d.policy))].sort(byCodeUnit);
    edges.push({ caller, grant, narrowedBy });
  }
  return edges;
}

export function policyRefs(policies: readonly ParsedPolicy[]): PolicyRef[] {
  return policies.map((p) => p.ref).sort((a, b) => byCodeUnit(a.name, b.name));
}
