/**
 * AuthorizationPolicy objects → grants, with Istio 1.30's meaning of every field. Sources and
 * operations are kept as field matches (values and negated values) so the diff can compare
 * what they match.
 */
import { FieldMatch, Grant, Operation, OperationField, PolicyAction, PolicyRef, Source, SourceField } from './access-types';

export interface ParsedPolicy {
  readonly ref: PolicyRef;
  readonly namespace: string;
  /** matchLabels; absent: every workload of the namespace (or of the mesh in the root namespace). */
  readonly selector?: Readonly<Record<string, string>>;
  /** targetRef(s) attach a policy to Gateway API gateways and waypoints, never to sidecars. */
  readonly hasTargetRefs: boolean;
  readonly grants: readonly Grant[];
  /** The service label the library puts on what it renders (traffic.intents.cdk8s.io/service). */
  readonly serviceLabel?: string;
  /** Set when istiod would ignore the whole policy, with the reason. */
  readonly ignored?: string;
}

const SOURCE_KEYS: ReadonlyArray<[SourceField, string, string]> = [
  ['principals', 'principals', 'notPrincipals'], ['namespaces', 'namespaces', 'notNamespaces'],
  ['serviceAccounts', 'serviceAccounts', 'notServiceAccounts'], ['trustDomains', 'trustDomains', 'notTrustDomains'],
  ['requestPrincipals', 'requestPrincipals', 'notRequestPrincipals'], ['ipBlocks', 'ipBlocks', 'notIpBlocks'],
  ['remoteIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'],
];
const OPERATION_KEYS: ReadonlyArray<[OperationField, string, string]> = [
  ['hosts', 'hosts', 'notHosts'], ['ports', 'ports', 'notPorts'], ['methods', 'methods', 'notMethods'], ['paths', 'paths', 'notPaths'],
];

/** `when` keys evaluated like the source/operation field they name (model.go:86-121). */
const WHEN_SOURCE: Readonly<Record<string, SourceField>> = {
  'source.principal': 'principals', 'source.namespace': 'namespaces', 'source.serviceAccount': 'serviceAccounts',
  'source.trustDomain': 'trustDomains', 'source.ip': 'ipBlocks', 'remote.ip': 'remoteIpBlocks', 'request.auth.principal': 'requestPrincipals',
};
const WHEN_OPERATION: Readonly<Record<string, OperationField>> = { 'destination.port': 'ports', 'connection.sni': 'sni',
  'destination.ip': 'destinationIps' };
/** Keys Istio knows but whose values depend on request content this model does not see. */
const WHEN_REQUEST_CONTENT = [/^request\.headers\[.+\]$/, /^request\.auth\.claims\[.+\]$/, /^request\.auth\.audiences$/,
  /^request\.auth\.presenter$/, /^experimental\.envoy\.filters\./];

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String) : []);

/** Empty lists mean "not set" (model.go:373-375 skips them). */
function field(values: string[], notValues: string[]): FieldMatch | undefined {
  if (values.length === 0 && notValues.length === 0) return undefined;
  return values.length > 0 ? { values, notValues } : { notValues };
}

/**
 * The `istio.io/dry-run` annotation, read like Go's strconv.ParseBool: an unparsable value is
 * logged by istiod and means "enforce" (builder.go:152-161).
 */
export function isDryRun(annotations: Record<string, unknown> | undefined): boolean {
  const v = annotations?.['istio.io/dry-run'];
  return typeof v === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

/** `name` or `ns/name`; without a namespace it is the policy's (generator.go:205-210). */
const qualifyServiceAccount = (policyNamespace: string) => (sa: string) => (sa.includes('/') ? sa : `${policyNamespace}/${sa}`);

function parseSource(raw: any, policyNamespace: string): Source {
  const out: Record<string, FieldMatch> = {};
  for (const [key, pos, neg] of SOURCE_KEYS) {
    let values = strings(raw?.[pos]);
    let notValues = strings(raw?.[neg]);
    if (key === 'serviceAccounts') {
      values = values.map(qualifyServiceAccount(policyNamespace));
      notValues = notValues.map(qualifyServiceAccount(policyNamespace));
    }
    const f = field(values, notValues);
    if (f) out[key] = f;
  }
  return out;
}

function parseOperation(raw: any): Operation {
  const out: Record<string, FieldMatch> = {};
  for (const [key, pos, neg] of OPERATION_KEYS) {
    const f = field(strings(raw?.[pos]), strings(raw?.[neg]));
    if (f) out[key] = f;
  }
  return out;
}

function describeCondition(key: string, values: string[], notValues: string[]): string {
  const parts = [];
  if (values.length > 0) parts.push(`${key} in [${values.join(', ')}]`);
  if (notValues.length > 0) parts.push(`${key} not in [${notValues.join(', ')}]`);
  return parts.join(' and ');
}

interface WhenParts { source: Source; operation: Operation; conditions: string[] }

/**
 * `when` conditions on attributes the model knows become field matches; the rest stay as text
 * and make the grant "cannot decide". An unknown key makes istiod skip the whole rule
 * (model.go:119-120, builder.go:275-278); it is reported rather than assumed.
 */
function parseWhen(when: unknown, policyNamespace: string): WhenParts {
  const source: Record<string, FieldMatch> = {};
  const operation: Record<string, FieldMatch> = {};
  const conditions: string[] = [];
  for (const c of Array.isArray(when) ? when : []) {
    const key = String(c?.key ?? '');
    let values = strings(c?.values);
    let notValues = strings(c?.notValues);
    if (key === 'source.serviceAccount') {
      values = values.map(qualifyServiceAccount(policyNamespace));
      notValues = notValues.map(qualifyServiceAccount(policyNamespace));
    }
    const f = field(values, notValues);
    if (!f) continue;
    const s = WHEN_SOURCE[key];
    const o = WHEN_OPERATION[key];
    if (s && !source[s]) source[s] = f;
    else if (o && !operation[o]) operation[o] = f;
    else if (s || o || WHEN_REQUEST_CONTENT.some((r) => r.test(key))) conditions.push(describeCondition(key, values, notValues));
    else conditions.push(`${describeCondition(key, values, notValues)} (unknown attribute: istiod skips this rule)`);
  }
  return { source, operation, conditions };
}

function parseRule(rule: any, policy: string, policyNamespace: string): Grant[] {
  if (rule === null || rule === undefined) return [];
  const when = parseWhen(rule.when, policyNamespace);
  // An empty `from` or `to` matches anything (model.go:137-139, 151-153).
  const froms = Array.isArray(rule.from) && rule.from.length > 0 ? rule.from.map((f: any) => parseSource(f?.source, policyNamespace)) : [{}];
  const tos = Array.isArray(rule.to) && rule.to.length > 0 ? rule.to.map((t: any) => parseOperation(t?.operation)) : [{}];
  const grants: Grant[] = [];
  for (const source of froms) {
    for (const operation of tos) {
      grants.push({ policy, source: { ...when.source, ...source }, operation: { ...when.operation, ...operation }, conditions: when.conditions });
    }
  }
  return grants;
}

const ACTIONS: readonly PolicyAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

/** Parses one AuthorizationPolicy object (as read from YAML). */
export function parseAuthorizationPolicy(obj: any, rootNamespace: string): ParsedPolicy {
  const namespace = String(obj?.metadata?.namespace ?? 'default');
  const name = `${namespace}/${String(obj?.metadata?.name ?? '')}`;
  const spec = obj?.spec ?? {};
  // An absent action is ALLOW (the proto's zero value); an unknown one is ignored by istiod
  // (pilot/pkg/model/authorization.go:127-129).
  const action: PolicyAction = spec.action === undefined ? 'ALLOW' : spec.action;
  const labels = spec.selector?.matchLabels;
  const selector = labels && typeof labels === 'object' && Object.keys(labels).length > 0
    ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : undefined;
  const scope = selector ? 'workload' : namespace === rootNamespace ? 'mesh' : 'namespace';
  const rules: unknown[] = Array.isArray(spec.rules) ? spec.rules : [];
  const label = obj?.metadata?.labels?.['traffic.intents.cdk8s.io/service'];
  return {
    ref: { name, action, dryRun: isDryRun(obj?.metadata?.annotations), scope },
    namespace,
    selector,
    hasTargetRefs: Boolean(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0),
    // No rules: ALLOW allows nothing, DENY denies nothing (builder.go:294-299 rbacPolicyMatchNever).
    grants: rules.flatMap((r) => parseRule(r, name, namespace)),
    serviceLabel: typeof label === 'string' ? label : undefined,
    ignored: ACTIONS.includes(action) ? undefined : `action ${JSON.stringify(action)} is not ALLOW, DENY, AUDIT or CUSTOM: istiod ignores it`,
  };
}
