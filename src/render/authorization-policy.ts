import {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  AuthorizationPolicySpecAction as Action,
  AuthorizationPolicySpecRules,
  toJson_AuthorizationPolicySpec,
} from '../../imports/security.istio.io';
import type { KindRenderer } from './object';

/** An operation: any of the methods on any of the paths (and hosts). */
export interface OperationInput {
  readonly methods?: readonly string[];
  readonly paths?: readonly string[];
  readonly hosts?: readonly string[];
}

/**
 * One rule: who (principals, namespaces, source IPs, or their negations) may do any of the
 * operations (none listed: anything), on connections for the given SNIs (none: any).
 */
export interface RuleInput {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly notRemoteIpBlocks?: readonly string[];
  readonly operations?: readonly OperationInput[];
  /** `connection.sni` values: scopes a gateway-wide policy to one host. */
  readonly sni?: readonly string[];
}

export interface AuthorizationPolicyInput {
  readonly selector: Record<string, string>;
  /** ALLOW with no rules: the workload's allow-nothing policy (deny by default). */
  readonly action: 'ALLOW' | 'DENY';
  readonly rules: readonly RuleInput[];
}

const list = (v: readonly string[] | undefined) => (v && v.length > 0 ? [...v] : undefined);

function rule(r: RuleInput): AuthorizationPolicySpecRules {
  const source = {
    principals: list(r.principals),
    notPrincipals: list(r.notPrincipals),
    namespaces: list(r.namespaces),
    remoteIpBlocks: list(r.remoteIpBlocks),
    notRemoteIpBlocks: list(r.notRemoteIpBlocks),
  };
  const hasSource = Object.values(source).some((v) => v !== undefined);
  return {
    from: hasSource ? [{ source }] : undefined,
    to: r.operations && r.operations.length > 0
      ? r.operations.map((o) => ({ operation: { methods: list(o.methods), paths: list(o.paths), hosts: list(o.hosts) } }))
      : undefined,
    when: r.sni ? [{ key: 'connection.sni', values: [...r.sni] }] : undefined,
  };
}

/** The only place that builds AuthorizationPolicy specs; always with a workload selector. */
export function authorizationPolicySpec(input: AuthorizationPolicyInput): AuthorizationPolicySpec {
  return {
    selector: { matchLabels: { ...input.selector } },
    action: input.action === 'DENY' ? Action.DENY : Action.ALLOW,
    rules: input.rules.length > 0 ? input.rules.map(rule) : undefined,
  };
}

/** How a AuthorizationPolicy is written: its apiVersion and kind, and the JSON shape of its spec. */
export const AUTHORIZATION_POLICY: KindRenderer<AuthorizationPolicySpec> = {
  gvk: AuthorizationPolicy.GVK, specToJson: toJson_AuthorizationPolicySpec,
};
