/**
 * What protocol a host speaks, from every ServiceEntry port and VirtualService route section in
 * the tree (a service's ports are usually declared in the clusters that call it). It matters
 * because Istio drops HTTP-only rule fields on TCP: see workload-access.ts.
 */
const TCP_FAMILY = new Set(['TCP', 'TLS', 'MONGO', 'MYSQL', 'REDIS']);

export type HostProtocols = ReadonlyMap<string, ReadonlySet<'http' | 'tcp'>>;

export function readHostProtocols(objects: readonly any[]): HostProtocols {
  const out = new Map<string, Set<'http' | 'tcp'>>();
  const add = (host: unknown, p: 'http' | 'tcp') => {
    if (typeof host !== 'string') return;
    if (!out.has(host)) out.set(host, new Set());
    out.get(host)!.add(p);
  };
  for (const o of objects) {
    if (o?.kind === 'ServiceEntry') {
      for (const port of Array.isArray(o.spec?.ports) ? o.spec.ports : []) {
        const proto = String(port?.protocol ?? '').toUpperCase();
        for (const h of o.spec?.hosts ?? []) add(h, TCP_FAMILY.has(proto) ? 'tcp' : 'http');
      }
    } else if (o?.kind === 'VirtualService' && !(o.spec?.gateways?.length > 0)) {
      for (const h of o.spec?.hosts ?? []) {
        if (Array.isArray(o.spec?.http)) add(h, 'http');
        if (Array.isArray(o.spec?.tcp) || Array.isArray(o.spec?.tls)) add(h, 'tcp');
      }
    }
  }
  return out;
}

/** `tcp` only when every known port of every host is TCP-family; `unknown` when nothing is known or they are mixed. */
export function protocolOf(hosts: readonly string[], protocols: HostProtocols): 'http' | 'tcp' | 'unknown' {
  const seen = new Set(hosts.flatMap((h) => [...(protocols.get(h) ?? [])]));
  if (seen.size !== 1) return 'unknown';
  return seen.has('tcp') ? 'tcp' : 'http';
}
