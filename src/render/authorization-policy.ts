import { Construct } from 'constructs';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  AuthorizationPolicySpecAction as Action,
  AuthorizationPolicySpecRules,
} from '../../imports/security.istio.io';
import { lazySpec, ObjectMeta } from './object';

/** An operation: any of the methods on any of the paths. */
export interface OperationInput {
  readonly methods?: readonly string[];
  readonly paths?: readonly string[];
}

/**
 * One ALLOW rule: who (principals or namespaces, optionally from which IPs) may do any of
 * the operations (none listed: anything).
 */
export interface AllowRuleInput {
  readonly principals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly operations?: readonly OperationInput[];
}

export interface AuthorizationPolicyInput {
  readonly selector: Record<string, string>;
  /** Empty: the workload's allow-nothing policy (deny by default). */
  readonly rules: readonly AllowRuleInput[];
}

function rule(r: AllowRuleInput): AuthorizationPolicySpecRules {
  const to = r.operations && r.operations.length > 0
    ? r.operations.map((o) => ({ operation: { methods: o.methods && [...o.methods], paths: o.paths && [...o.paths] } }))
    : undefined;
  return {
    from: [{
      source: {
        principals: r.principals && [...r.principals],
        namespaces: r.namespaces && [...r.namespaces],
        remoteIpBlocks: r.remoteIpBlocks && r.remoteIpBlocks.length > 0 ? [...r.remoteIpBlocks] : undefined,
      },
    }],
    to,
  };
}

/**
 * The only place that builds AuthorizationPolicy specs. Always ALLOW with a workload selector:
 * an ALLOW policy with no rules selects the workload and admits nothing.
 */
export function authorizationPolicySpec(input: AuthorizationPolicyInput): AuthorizationPolicySpec {
  return {
    selector: { matchLabels: { ...input.selector } },
    action: Action.ALLOW,
    rules: input.rules.length > 0 ? input.rules.map(rule) : undefined,
  };
}

export function createAuthorizationPolicy(scope: Construct, id: string, meta: ObjectMeta, spec: () => AuthorizationPolicySpec): AuthorizationPolicy {
  return new AuthorizationPolicy(scope, id, { metadata: meta, spec: lazySpec(spec) });
}
