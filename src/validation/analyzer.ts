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

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function analyzeCluster(view: ClusterView): Finding[] {
  const out: Finding[] = [];
  // Sorted, so findings do not depend on the order objects were declared in.
  const objects = [...view.objects].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const serviceEntries = of('ServiceEntry');
  const seHosts = new Set<string>(serviceEntries.flatMap((se) => se.spec?.hosts ?? []));
  const known = (host: string) => view.serviceHosts.has(host) || seHosts.has(host);

  // IST0101: VirtualService destinations must exist in this cluster's view.
  for (const vs of of('VirtualService')) {
    for (const r of [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])]) {
      for (const d of r.route ?? []) {
        const host = d.destination?.host;
        if (host && !known(host)) {
          out.push({ code: 'IST0101', severity: 'error', object: id(vs), message: `routes to host "${host}", which is neither a service nor a ServiceEntry in this cluster` });
        }
      }
    }
    for (const gw of vs.spec?.gateways ?? []) {
      if (gw === 'mesh') continue;
      const [ns, name] = gw.split('/');
      if (!of('Gateway').some((g) => g.metadata.namespace === ns && g.metadata.name === name)) {
        out.push({ code: 'IST0101', severity: 'error', object: id(vs), message: `is bound to gateway "${gw}", which this cluster does not have` });
      }
    }
  }

  // IST0128 / IST0129: SIMPLE or MUTUAL origination needs a CA (or a credential).
  for (const dr of of('DestinationRule')) {
    const tls = dr.spec?.trafficPolicy?.tls;
    if (tls && (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && !tls.caCertificates && !tls.credentialName) {
      out.push({ code: tls.mode === 'SIMPLE' ? 'IST0128' : 'IST0129', severity: 'error', object: id(dr), message: `originates ${tls.mode} TLS without caCertificates or credentialName, so the server is not verified` });
    }
  }

  // IST0134: TCP ports need addresses, or every TCP service entry shares one listener.
  for (const se of serviceEntries) {
    const tcp = (se.spec?.ports ?? []).some((p: any) => TCP_LIKE.has(String(p.protocol ?? '').toUpperCase()));
    if (tcp && !(se.spec?.addresses?.length > 0)) {
      out.push({ code: 'IST0134', severity: 'error', object: id(se), message: 'has TCP ports but no addresses' });
    }
  }

  // Two DestinationRules (or ServiceEntries) for one host visible to one namespace: Istio
  // silently uses one of them.
  for (const kind of ['DestinationRule', 'ServiceEntry']) {
    const objs = of(kind);
    const hostsOf = (o: any): string[] => (kind === 'DestinationRule' ? [o.spec?.host] : o.spec?.hosts ?? []);
    for (let i = 0; i < objs.length; i++) {
      for (let j = i + 1; j < objs.length; j++) {
        const shared = hostsOf(objs[i]).filter((h) => hostsOf(objs[j]).includes(h));
        if (shared.length > 0 && overlaps(visibility(objs[i]), visibility(objs[j]))) {
          out.push({ code: 'INTENTS', severity: 'error', object: id(objs[j]), message: `is a second ${kind} for host "${shared[0]}" visible to the same namespaces as ${id(objs[i])}` });
        }
      }
    }
  }

  // Principals and namespaces are only known under mTLS: the selected workload needs STRICT.
  for (const ap of of('AuthorizationPolicy')) {
    const usesIdentity = (ap.spec?.rules ?? []).some((r: any) => (r.from ?? []).some((f: any) => f.source?.principals || f.source?.namespaces));
    if (!usesIdentity) continue;
    const labels = ap.spec?.selector?.matchLabels ?? {};
    const strict = of('PeerAuthentication').some((pa) => pa.metadata.namespace === ap.metadata.namespace && pa.spec?.mtls?.mode === 'STRICT'
      && (!pa.spec?.selector || selects(pa.spec.selector.matchLabels, labels)));
    if (!strict) {
      out.push({ code: 'INTENTS', severity: 'error', object: id(ap), message: 'matches principals or namespaces, but no STRICT PeerAuthentication covers its workload (identities would be unverified)' });
    }
  }

  // Gateway hosts must lead somewhere: a service, a ServiceEntry, or a VirtualService bound to it.
  for (const gw of of('Gateway')) {
    const ref = `${gw.metadata.namespace}/${gw.metadata.name}`;
    const routed = new Set<string>(of('VirtualService').filter((vs) => (vs.spec?.gateways ?? []).includes(ref)).flatMap((vs) => vs.spec?.hosts ?? []));
    for (const server of gw.spec?.servers ?? []) {
      for (const h of server.hosts ?? []) {
        const host = h.includes('/') ? h.split('/')[1] : h;
        if (host === '*' || host.startsWith('*.')) {
          out.push({ code: 'INTENTS', severity: 'error', object: id(gw), message: `exposes wildcard host "${h}"; only hosts that clients use may be exposed` });
        } else if (!known(host) && !routed.has(host)) {
          out.push({ code: 'IST0101', severity: 'error', object: id(gw), message: `exposes host "${host}", which has no service, ServiceEntry or VirtualService in this cluster` });
        }
      }
    }
  }

  // IST0145: two Gateways for the same gateway workload, port and host conflict.
  const bound = new Map<string, string>();
  for (const gw of of('Gateway')) {
    const selector = JSON.stringify(Object.entries(gw.spec?.selector ?? {}).sort());
    for (const server of gw.spec?.servers ?? []) {
      for (const h of server.hosts ?? []) {
        const key = `${selector} ${server.port?.number} ${h.includes('/') ? h.split('/')[1] : h}`;
        const prev = bound.get(key);
        if (prev && prev !== id(gw)) out.push({ code: 'IST0145', severity: 'error', object: id(gw), message: `exposes host "${h}" on port ${server.port?.number} of the same gateway workload as ${prev}` });
        else bound.set(key, id(gw));
      }
    }
  }

  // One VIP, one host: a shared address would send one service's traffic to another.
  const vipOwner = new Map<string, { host: string; obj: string }>();
  for (const se of serviceEntries) {
    for (const a of se.spec?.addresses ?? []) {
      const host = (se.spec?.hosts ?? [])[0];
      const prev = vipOwner.get(a);
      if (prev && prev.host !== host) {
        out.push({ code: 'INTENTS', severity: 'error', object: id(se), message: `uses address ${a}, already used for host "${prev.host}" by ${prev.obj}` });
      } else if (!prev) {
        vipOwner.set(a, { host, obj: id(se) });
      }
    }
  }
  return out;
}

export function formatFinding(f: Finding): string {
  return `${f.code} ${f.object}: ${f.message}`;
}
