/**
 * What a gateway's own authorization policies let through for one host. The library scopes
 * them by SNI (`when: connection.sni`): a DENY for every principal but the declared clients of a
 * workload without a sidecar, a DENY for client addresses outside `remoteIpBlocks`.
 */
import { FieldMatch, Grant, Source } from './access-types';
import { GatewayServer } from './gateways';
import { PatternIndex } from './pattern-index';
import { patternMatches } from './patterns';
import { ParsedPolicy } from './policy';
import { SelectorIndex } from '../selector-index';

export interface HostRestriction {
  /** Only these principals pass (every other is denied); with the denying policy. */
  readonly onlyPrincipals?: { readonly values: readonly string[]; readonly policy: string };
  readonly onlyRemoteIpBlocks?: readonly string[];
  readonly notes: readonly string[];
}

/** Enforced policies attached to the gateway's pods (root namespace, or the Gateway's namespace). */
function gatewayPolicies(server: GatewayServer, policies: SelectorIndex<ParsedPolicy>, root: string): ParsedPolicy[] {
  const gwNamespace = server.gateway.split('/')[0];
  return policies.attachedTo([root, gwNamespace], server.selector).filter((p) => !p.ignored && !p.hasTargetRefs && !p.ref.dryRun);
}

/** The one field a source restricts, only by negation (`notPrincipals: [...]`), or undefined. */
function onlyNegated(source: Source, field: keyof Source): FieldMatch | undefined {
  const keys = Object.keys(source);
  const m = source[field];
  return keys.length === 1 && m && !m.values && m.notValues.length > 0 ? m : undefined;
}

const appliesToHost = (g: Grant, host: string) => !g.operation.sni?.values || g.operation.sni.values.some((v) => patternMatches(v, host, 'text'));

/**
 * Each gateway policy's rules by SNI, built once: the library writes a rule per host, and every
 * host of the gateway looks up its own. A rule without SNI values applies to every host.
 */
const rulesBySni = new WeakMap<ParsedPolicy, PatternIndex<Grant>>();

function grantsForHost(p: ParsedPolicy, host: string): Grant[] {
  let index = rulesBySni.get(p);
  if (!index) {
    index = new PatternIndex(p.grants, (g) => g.operation.sni?.values ?? ['*'], 'text');
    rulesBySni.set(p, index);
  }
  return index.matching(host, (g) => appliesToHost(g, host));
}
const onlySni = (g: Grant) => Object.keys(g.operation).every((k) => k === 'sni') && g.conditions.length === 0;
const intersect = (a: readonly string[] | undefined, b: readonly string[]) => (a ? a.filter((x) => b.includes(x)) : [...b]);

export function hostRestriction(server: GatewayServer, host: string, policies: SelectorIndex<ParsedPolicy>, root: string): HostRestriction {
  const notes: string[] = [];
  let principals: { values: readonly string[]; policy: string } | undefined;
  let ipBlocks: readonly string[] | undefined;
  for (const p of gatewayPolicies(server, policies, root)) {
    if (p.ref.action === 'ALLOW'
      || p.ref.action === 'CUSTOM') notes.push(`${p.ref.action} policy ${p.ref.name} applies to the gateway ${server.gateway}`);
    if (p.ref.action !== 'DENY') continue;
    for (const g of grantsForHost(p, host)) {
      const notPrincipals = onlyNegated(g.source, 'principals');
      const notRemote = onlyNegated(g.source, 'remoteIpBlocks');
      if (notPrincipals && onlySni(g)) principals = { values: intersect(principals?.values, notPrincipals.notValues), policy: p.ref.name };
      else if (notRemote && onlySni(g)) ipBlocks = intersect(ipBlocks, notRemote.notValues);
      else notes.push(`DENY policy ${p.ref.name} on ${server.gateway} restricts ${host}`);
    }
  }
  return { onlyPrincipals: principals, onlyRemoteIpBlocks: ipBlocks, notes };
}
