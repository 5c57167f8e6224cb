/**
 * Which workloads a cluster's manifests speak of. Manifests hold no pods, so a workload is
 * known by what selects or reaches it: the selector of an AuthorizationPolicy or
 * PeerAuthentication (not a gateway's), a host a gateway exposes or routes to, a
 * DestinationRule that turns mesh TLS off for its own namespace's service. Its name is the
 * `traffic.intents.cdk8s.io/service` label when the library rendered it, else the `app` label.
 */
import { byCodeUnit, sortedUnique } from './access-types';
import { GatewayRoute, GatewayServer } from './gateways';
import { PeerAuthn } from './mtls';
import { ParsedPolicy } from './policy';
import { isSubset } from '../selector-index';

export const SERVICE_LABEL = 'traffic.intents.cdk8s.io/service';

export interface Workload {
  readonly namespace: string;
  readonly name: string;
  /** Labels policies select it by; absent when only hosts name it (set once a policy names them). */
  selector?: Readonly<Record<string, string>>;
  readonly hosts: string[];
  /** Stands for every workload of a namespace (a namespace-wide policy and no known workload). */
  readonly wholeNamespace: boolean;
  readonly sidecarOff: string[];
}

/** `<service>.<namespace>.svc[.<domain>]`, or `<pod>.<service>.<namespace>.svc...` (an instance of a headless service). */
const SVC_HOST = /^(?:[a-z0-9-]+\.)?([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?$/;
const labelText = (l: Readonly<Record<string, string>>) => Object.entries(l).sort(([a], [b]) => byCodeUnit(a, b)).map(([k,
  v]) => `${k}=${v}`).join(',');

/** host → service name, from objects the library labelled with their service. */
function labelledHosts(objects: readonly any[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects) {
    const label = o?.metadata?.labels?.[SERVICE_LABEL];
    if (typeof label !== 'string') continue;
    const hosts = o.kind === 'DestinationRule' ? [o.spec?.host] : o.kind === 'ServiceEntry' ? o.spec?.hosts
      : o.kind === 'VirtualService' && !(o.spec?.gateways?.length > 0) ? o.spec?.hosts : [];
    for (const h of Array.isArray(hosts) ? hosts : []) if (typeof h === 'string' && SVC_HOST.test(h) && !out.has(h)) out.set(h, label);
  }
  return out;
}

/** Whether a selector picks gateway pods (it selects a subset of some Gateway's selector's pods). */
export function isGatewaySelector(selector: Readonly<Record<string, string>>, servers: readonly GatewayServer[]): boolean {
  return servers.some((s) => Object.keys(s.selector).length > 0 && isSubset(selector, s.selector))
    || ['ingressgateway', 'eastwestgateway', 'egressgateway'].includes(selector.istio);
}

interface Inputs {
  /** Objects that name hosts: DestinationRules, ServiceEntries and VirtualServices (others are skipped). */
  readonly objects: readonly any[];
  readonly policies: readonly ParsedPolicy[];
  readonly peerAuthns: readonly PeerAuthn[];
  readonly servers: readonly GatewayServer[];
  readonly routes: readonly GatewayRoute[];
  readonly rootNamespace: string;
}

/**
 * The workloads found so far, by `<namespace>/<name>`, and by namespace and base name (the name
 * before a `[...]` disambiguation): each selector and host looks its name up, so a scan of all
 * workloads would make discovery quadratic in the cluster's size.
 */
class WorkloadSet {
  readonly byKey = new Map<string, Workload>();
  private readonly byName = new Map<string, Map<string, Workload[]>>();

  /** Workloads of the namespace whose base name is `name`, in the order they were added. */
  sameName(namespace: string, name: string): readonly Workload[] {
    return this.byName.get(namespace)?.get(name) ?? [];
  }

  hasNamespace(namespace: string): boolean {
    return this.byName.has(namespace);
  }

  add(namespace: string, name: string, selector?: Readonly<Record<string, string>>): Workload {
    const sameName = this.sameName(namespace, name);
    const wanted = selector ? labelText(selector) : undefined;
    const match = sameName.find((w) => !selector || !w.selector || labelText(w.selector) === wanted);
    if (match) {
      if (selector && !match.selector) match.selector = { ...selector };
      return match;
    }
    const unique = sameName.length === 0 ? name : `${name}[${wanted ?? 'host'}]`;
    const w: Workload = { namespace, name: unique, selector, hosts: [], wholeNamespace: false, sidecarOff: [] };
    this.put(w);
    return w;
  }

  addWholeNamespace(namespace: string): void {
    this.put({ namespace, name: '*', hosts: [], wholeNamespace: true, sidecarOff: [] });
  }

  /** Sets the workload under its key; one it replaces (same key) keeps its place, as in `byKey`. */
  private put(w: Workload): void {
    const key = `${w.namespace}/${w.name}`;
    const replaced = this.byKey.get(key);
    this.byKey.set(key, w);
    const names = this.byName.get(w.namespace) ?? new Map<string, Workload[]>();
    this.byName.set(w.namespace, names);
    const base = w.name.split('[')[0];
    const list = names.get(base) ?? [];
    names.set(base, list);
    const at = replaced ? list.indexOf(replaced) : -1;
    if (at >= 0) list[at] = w;
    else list.push(w);
  }
}

function addSelected(set: WorkloadSet, inputs: Inputs): void {
  const selected = [
    ...inputs.policies.filter((p) => !p.hasTargetRefs).map((p) => ({ ns: p.namespace, selector: p.selector, label: p.serviceLabel })),
    ...inputs.peerAuthns.map((p) => ({ ns: p.namespace, selector: p.selector, label: undefined as string | undefined })),
  ];
  for (const s of selected) {
    // Root-namespace selectors apply to workloads of every namespace: they name no namespace of their own.
    if (!s.selector || s.ns === inputs.rootNamespace || isGatewaySelector(s.selector, inputs.servers)) continue;
    set.add(s.ns, s.label ?? s.selector.app ?? s.selector['app.kubernetes.io/name'] ?? labelText(s.selector), s.selector);
  }
}

/** Every host the cluster serves to other clusters or routes gateway traffic to. */
function servedHosts(inputs: Inputs): string[] {
  return sortedUnique([
    ...inputs.servers.filter((s) => s.eastWest && s.tlsMode === 'AUTO_PASSTHROUGH').flatMap((s) => s.hosts),
    ...inputs.routes.flatMap((r) => r.destinations),
  ]);
}

/** DestinationRules in the service's own namespace with `tls.mode: DISABLE`: callers send plain text, so no sidecar. */
function sidecarOffHosts(objects: readonly any[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects.filter((x) => x?.kind === 'DestinationRule' && x.spec?.trafficPolicy?.tls?.mode === 'DISABLE')) {
    const m = SVC_HOST.exec(String(o.spec?.host ?? ''));
    if (m && m[2] === o.metadata?.namespace) out.set(o.spec.host,
      `DestinationRule ${o.metadata.namespace}/${o.metadata.name} disables mesh TLS to it`);
  }
  return out;
}

export function discoverWorkloads(inputs: Inputs): Workload[] {
  const set = new WorkloadSet();
  addSelected(set, inputs);
  const named = labelledHosts(inputs.objects);
  const sidecarOff = sidecarOffHosts(inputs.objects);
  const terminated = new Set(inputs.servers.filter((s) => s.tlsMode === 'ISTIO_MUTUAL').flatMap((s) => s.hosts));
  const served = new Set(servedHosts(inputs));
  const hosts = sortedUnique([...served, ...sidecarOff.keys(), ...named.keys()]);
  for (const host of hosts) {
    const m = SVC_HOST.exec(host);
    if (!m) continue;
    const name = named.get(host) ?? m[1];
    const known = set.sameName(m[2], name).length > 0;
    // Labelled hosts alone (a client's DestinationRule) do not make a workload of this cluster.
    if (!known && !served.has(host) && !sidecarOff.has(host)) continue;
    const w = set.add(m[2], name);
    w.hosts.push(host);
    if (sidecarOff.has(host)) w.sidecarOff.push(sidecarOff.get(host)!);
    if (terminated.has(host)) w.sidecarOff.push(`the east-west gateway terminates mesh mTLS for ${host}`);
  }
  for (const w of set.byKey.values()) if (w.hosts.length === 0
    && !w.name.includes('=')) w.hosts.push(`${w.name.split('[')[0]}.${w.namespace}.svc.cluster.local`);
  addWholeNamespaces(set, inputs);
  return [...set.byKey.values()].sort((a, b) => byCodeUnit(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}

/** A namespace-wide policy in a namespace with no known workload still says something: show it. */
function addWholeNamespaces(set: WorkloadSet, inputs: Inputs): void {
  for (const p of inputs.policies) {
    if (p.selector || p.hasTargetRefs || p.namespace === inputs.rootNamespace) continue;
    if (!set.hasNamespace(p.namespace)) set.addWholeNamespace(p.namespace);
  }
}
