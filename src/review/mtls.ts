/**
 * The mTLS mode a workload's sidecar accepts, from PeerAuthentications, as istiod composes it
 * (istio 1.30.3 pilot/pkg/security/authn/policy_applier.go:398-466): PERMISSIVE by default,
 * then the mesh policy (root namespace, no selector), the namespace policy, the workload policy
 * (selector, not in the root namespace), each overriding the last unless its mode is UNSET.
 */
import { MtlsMode, byCodeUnit } from './access-types';
import { SelectorIndex } from '../selector-index';

export interface PeerAuthn {
  readonly name: string;
  readonly namespace: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly mode?: MtlsMode;
  readonly portModes: Readonly<Record<string, MtlsMode | undefined>>;
}

const MODES: readonly string[] = ['STRICT', 'PERMISSIVE', 'DISABLE'];
const modeOf = (m: unknown): MtlsMode | undefined => (typeof m === 'string' && MODES.includes(m) ? (m as MtlsMode) : undefined);

export function readPeerAuthentications(objects: readonly any[]): PeerAuthn[] {
  return objects.filter((o) => o?.kind === 'PeerAuthentication' && o?.apiVersion?.startsWith('security.istio.io/')).map((o) => {
    const labels = o.spec?.selector?.matchLabels;
    const selector = labels && Object.keys(labels).length > 0 ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k,
      String(v)])) : undefined;
    const ports = o.spec?.portLevelMtls ?? {};
    return {
      name: `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`,
      namespace: String(o.metadata?.namespace ?? 'default'),
      selector,
      mode: modeOf(o.spec?.mtls?.mode),
      portModes: Object.fromEntries(Object.entries(ports).map(([p, v]: [string, any]) => [p, modeOf(v?.mode)])),
    };
  }).sort((a, b) => byCodeUnit(a.name, b.name));
}

export interface EffectiveMtls {
  readonly mode: MtlsMode;
  readonly source: string;
  /** Port-level modes of the workload policy (container port → mode). */
  readonly ports?: Readonly<Record<string, MtlsMode>>;
  readonly notes: string[];
}

/**
 * The effective mode for a workload. When several policies of one level apply, istiod takes the
 * oldest; manifests carry no creation time, so the first by name is taken and a note says so.
 * `all` indexes the cluster's PeerAuthentications (readPeerAuthentications, sorted by name).
 */
export function effectiveMtls(all: SelectorIndex<PeerAuthn>, namespace: string, selector: Readonly<Record<string, string>> | undefined,
  root: string): EffectiveMtls {
  const levels: Array<[string, PeerAuthn[]]> = [
    ['mesh', all.namespaceWide(root)],
    ['namespace', namespace === root ? [] : all.namespaceWide(namespace)],
    ['workload', namespace === root || !selector ? [] : all.selecting(namespace, selector)],
  ];
  let mode: MtlsMode = 'PERMISSIVE';
  let source = 'default (no PeerAuthentication)';
  const notes: string[] = [];
  let ports: Record<string, MtlsMode> | undefined;
  for (const [level, policies] of levels) {
    if (policies.length > 1) {
      const names = policies.map((x) => x.name).join(', ');
      notes.push(`${policies.length} ${level}-level PeerAuthentications apply (${names}); Istio uses the oldest, taken here as ${policies[0].name}`);
    }
    const p = policies[0];
    if (p?.mode) {
      mode = p.mode;
      source = p.name;
    }
    // An UNSET port inherits the workload's mode (policy_applier.go:453-462).
    if (p && level === 'workload' && Object.keys(p.portModes).length > 0) {
      ports = Object.fromEntries(Object.entries(p.portModes).sort(([a], [b]) => byCodeUnit(a, b)).map(([port, m]) => [port, m ?? mode]));
    }
  }
  return { mode, source, ports, notes };
}
