import { SelectorIndex } from '../selector-index';

/**
 * Cross-object checks on one cluster's synthesized set, in the spirit of `istioctl analyze`
 * (which needs a live cluster or istioctl, neither available at synth). Each finding carries
 * the Istio analyzer code where one applies.
 */

export interface Finding {
  /** Istio analyzer code (IST0101…), or `INTENTS` for checks Istio has no code for. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** `<Kind>/<namespace>/<name>` */
  readonly object: string;
  readonly message: string;
}

export interface ClusterView {
  /** The synthesized objects of the cluster. */
  readonly objects: readonly any[];
  /** Hosts of Kubernetes services that exist in the cluster (the workloads placed there). */
  readonly serviceHosts: ReadonlySet<string>;
}

const id = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const TCP_LIKE = new Set(['TCP', 'TLS', 'MONGO', 'REDIS', 'MYSQL', '']);

/** Namespaces an object is visible to: `undefined` = every namespace. */
function visibility(o: any): Set<string> | undefined {
  const exportTo: string[] | undefined = o.spec?.exportTo;
  if (!exportTo || exportTo.includes('*')) return undefined;
  return new Set(exportTo.map((e) => (e === '.' ? o.metadata.namespace : e)).filter((e) => e !== '~'));
}

function overlaps(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (!a || !b) return (a?.size ?? 1) > 0 && (b?.size ?? 1) > 0;
  return [...a].some((x) => b.has(x));
}

/** The objects of one cluster, sorted and grouped by kind, with the hosts known there. */
class ClusterIndex {
  public readonly objects: readonly any[];
  private readonly byKind = new Map<string, any[]>();
  private readonly seHosts: Set<string>;

  constructor(private readonly view: ClusterView) {
    // Sorted, so findings do not depend on the order objects were declared in.
    const ids = new Map(view.objects.map((o) => [o, id(o)]));
    this.objects = [...view.objects].sort((a, b) => (ids.get(a)! < ids.get(b)! ? -1 : ids.get(a)! > ids.get(b)! ? 1 : 0));
    for (const o of this.objects) {
      const list = this.byKind.get(o.kind) ?? [];
      list.push(o);
      this.byKind.set(o.kind, list);
    }
    this.seHosts = new Set<string>(this.of('ServiceEntry').flatMap((se) => se.spec?.hosts ?? []));
  }

  public of(kind: string): readonly any[] {
    return this.byKind.get(kind) ?? [];
  }

  /** A host some proxy here can resolve: a service placed in the cluster or a ServiceEntry host. */
  public known(host: string): boolean {
    return this.view.serviceHosts.has(host) || this.seHosts.has(host);
  }
}

type Check = (c: ClusterIndex) => Finding[];

/** An error finding about one object. */
function error(code: string, o: any, message: string): Finding {
  return { code, severity: 'error', object: id(o), message };
}

export function analyzeCluster(view: ClusterView): Finding[] {
  const index = new ClusterIndex(view);
  return CHECKS.flatMap((check) => check(index));
}

/** IST0101: VirtualService destinations and gateways must exist in this cluster's view. */
function virtualServiceReferences(c: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const vs of c.of('VirtualService')) {
    for (const r of [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])]) {
      for (const d of r.route ?? []) {
        const host = d.destination?.host;
        if (host && !c.known(host)) {
          out.push(error('IST0101', vs, `routes to host "${host}", which is neither a service nor a ServiceEntry in this cluster`));
        }
      }
    }
    for (const gw of vs.spec?.gateways ?? []) {
      if (gw === 'mesh') continue;
      const [ns, name] = gw.split('/');
      if (!c.of('Gateway').some((g) => g.metadata.namespace === ns && g.metadata.name === name)) {
        out.push(error('IST0101', vs, `is bound to gateway "${gw}", which this cluster does not have`));
      }
    }
  }
  return out;
}

/** IST0128 / IST0129: SIMPLE or MUTUAL origination needs a CA (or a credential). */
function unverifiedOrigination(c: ClusterIndex): Finding[] {
  return c.of('DestinationRule').flatMap((dr): Finding[] => {
    const tls = dr.spec?.trafficPolicy?.tls;
    if (!tls || (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL') || tls.caCertificates || tls.credentialName) return [];
    const message = `originates ${tls.mode} TLS without caCertificates or credentialName, so the server is not verified`;
    return [{ code: tls.mode === 'SIMPLE' ? 'IST0128' : 'IST0129', severity: 'error', object: id(dr), message }];
  });
}

/** IST0134: TCP ports need addresses, or every TCP service entry shares one listener. */
function tcpWithoutAddress(c: ClusterIndex): Finding[] {
  return c.of('ServiceEntry').flatMap((se): Finding[] => {
    const tcp = (se.spec?.ports ?? []).some((p: any) => TCP_LIKE.has(String(p.protocol ?? '').toUpperCase()));
    return tcp && !(se.spec?.addresses?.length > 0) ? [error('IST0134', se, 'has TCP ports but no addresses')] : [];
  });
}

/**
 * Two DestinationRules (or ServiceEntries) for one host visible to one namespace: Istio
 * silently uses one of them. Objects are grouped by host, so only objects sharing a host are
 * compared (in the same order as comparing every pair).
 */
function duplicateHosts(c: ClusterIndex): Finding[] {
  return ['DestinationRule', 'ServiceEntry'].flatMap((kind) => {
    const objs = c.of(kind);
    const hostsOf = (o: any): string[] => (kind === 'DestinationRule' ? [o.spec?.host] : o.spec?.hosts ?? []);
    return pairsSharingAHost(objs.map(hostsOf)).flatMap(([i, j]): Finding[] => {
      if (!overlaps(visibility(objs[i]), visibility(objs[j])) || boundToOtherWorkloads(objs[i], objs[j])) return [];
      const shared = hostsOf(objs[i]).filter((h) => hostsOf(objs[j]).includes(h));
      return [error('INTENTS', objs[j], `is a second ${kind} for host "${shared[0]}" visible to the same namespaces as ${id(objs[i])}`)];
    });
  });
}

/**
 * Rules bound to different workloads (`workloadSelector`) never meet: a proxy uses the rule
 * whose selector matches it (Istio 1.30.3 pilot/pkg/model/sidecar.go:637-662).
 */
function boundToOtherWorkloads(a: any, b: any): boolean {
  const sa = a.spec?.workloadSelector?.matchLabels;
  const sb = b.spec?.workloadSelector?.matchLabels;
  return !!sa && !!sb && JSON.stringify(Object.entries(sa).sort()) !== JSON.stringify(Object.entries(sb).sort());
}

/** Index pairs [i, j] (i < j, sorted) of lists that share at least one host. */
function pairsSharingAHost(hosts: ReadonlyArray<readonly string[]>): Array<[number, number]> {
  const byHost = new Map<string, number[]>();
  hosts.forEach((list, i) => new Set(list).forEach((h) => {
    const indexes = byHost.get(h) ?? [];
    indexes.push(i);
    byHost.set(h, indexes);
  }));
  const pairs = new Map<string, [number, number]>();
  for (const indexes of byHost.values()) {
    for (let a = 0; a < indexes.length; a++) for (let b = a + 1; b < indexes.length; b++) pairs.set(`${indexes[a]} ${indexes[b]}`,
      [indexes[a], indexes[b]]);
  }
  return [...pairs.values()].sort(([i1, j1], [i2, j2]) => i1 - i2 || j1 - j2);
}

/** Principals and namespaces are only known under mTLS: the selected workload needs STRICT. */
function identityWithoutStrictMtls(c: ClusterIndex): Finding[] {
  const strictPolicies = new StrictPeerAuthentications(c.of('PeerAuthentication'));
  return c.of('AuthorizationPolicy').flatMap((ap): Finding[] => {
    const usesIdentity = (ap.spec?.rules ?? []).some((r: any) => (r.from ?? []).some((f: any) => f.source?.principals || f.source?.namespaces));
    if (!usesIdentity || strictPolicies.cover(ap.metadata.namespace, ap.spec?.selector?.matchLabels ?? {})) return [];
    const message = 'matches principals or namespaces, but no STRICT PeerAuthentication covers its workload (identities would be unverified)';
    return [{ code: 'INTENTS', severity: 'error', object: id(ap), message }];
  });
}

/**
 * STRICT PeerAuthentications, indexed so a workload's candidates are found without scanning
 * every policy of the cluster (a large mesh has one per service). A selector without
 * matchLabels selects no workload (as `selects` reads it) and is left out.
 */
class StrictPeerAuthentications {
  private readonly index: SelectorIndex<{ namespace: string; selector?: Record<string, string> }>;

  constructor(policies: readonly any[]) {
    const strict = policies.filter((pa) => pa.spec?.mtls?.mode === 'STRICT' && (!pa.spec.selector || pa.spec.selector.matchLabels));
    this.index = new SelectorIndex(strict.map((pa) => ({ namespace: pa.metadata.namespace, selector: pa.spec.selector?.matchLabels })));
  }

  /** Whether a STRICT policy of the namespace selects a workload with these labels. */
  public cover(namespace: string, labels: Record<string, string>): boolean {
    return this.index.namespaceWide(namespace).length > 0 || this.index.selecting(namespace, labels).length > 0;
  }
}

/** Gateway hosts must lead somewhere: a service, a ServiceEntry, or a VirtualService bound to it. */
function gatewayHosts(c: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const gw of c.of('Gateway')) {
    const ref = `${gw.metadata.namespace}/${gw.metadata.name}`;
    const bound = c.of('VirtualService').filter((vs) => (vs.spec?.gateways ?? []).includes(ref));
    const routed = new Set<string>(bound.flatMap((vs) => vs.spec?.hosts ?? []));
    for (const server of gw.spec?.servers ?? []) {
      for (const h of server.hosts ?? []) {
        const host = h.includes('/') ? h.split('/')[1] : h;
        if (host === '*' || host.startsWith('*.')) {
          out.push(error('INTENTS', gw, `exposes wildcard host "${h}"; only hosts that clients use may be exposed`));
        } else if (!c.known(host) && !routed.has(host)) {
          out.push(error('IST0101', gw, `exposes host "${host}", which has no service, ServiceEntry or VirtualService in this cluster`));
        }
      }
    }
  }
  return out;
}

/** IST0145: two Gateways for the same gateway workload, port and host conflict. */
function conflictingGateways(c: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  const bound = new Map<string, string>();
  for (const gw of c.of('Gateway')) {
    const selector = JSON.stringify(Object.entries(gw.spec?.selector ?? {}).sort());
    for (const server of gw.spec?.servers ?? []) {
      for (const h of server.hosts ?? []) {
        const key = `${selector} ${server.port?.number} ${h.includes('/') ? h.split('/')[1] : h}`;
        const prev = bound.get(key);
        if (prev && prev !== id(gw)) {
          out.push(error('IST0145', gw, `exposes host "${h}" on port ${server.port?.number} of the same gateway workload as ${prev}`));
        }
        else bound.set(key, id(gw));
      }
    }
  }
  return out;
}

/** One VIP, one host: a shared address would send one service's traffic to another. */
function sharedAddresses(c: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  const vipOwner = new Map<string, { host: string; obj: string }>();
  for (const se of c.of('ServiceEntry')) {
    for (const a of se.spec?.addresses ?? []) {
      const host = (se.spec?.hosts ?? [])[0];
      const prev = vipOwner.get(a);
      if (prev && prev.host !== host) {
        out.push(error('INTENTS', se, `uses address ${a}, already used for host "${prev.host}" by ${prev.obj}`));
      }
      else if (!prev) vipOwner.set(a, { host, obj: id(se) });
    }
  }
  return out;
}

/** Every check, in the order findings are reported. */
const CHECKS: readonly Check[] = [
  virtualServiceReferences, unverifiedOrigination, tcpWithoutAddress, duplicateHosts, identityWithoutStrictMtls, gatewayHosts, conflictingGateways,
  sharedAddresses,
];

export function formatFinding(f: Finding): string {
  return `${f.code} ${f.object}: ${f.message}`;
}
