/**
 * Gateways and the VirtualServices bound to them: which hosts an east-west gateway lets other
 * clusters reach, and which hosts an ingress gateway serves to the outside, routed where.
 */
import { appendTo, sortedUnique } from './access-types';
import { PatternIndex } from './pattern-index';
import { isExactPattern, patternsIntersect } from './patterns';

/**
 * A server is east-west when it carries mesh traffic: AUTO_PASSTHROUGH (routes on the mTLS
 * SNI of a sidecar) or ISTIO_MUTUAL (terminates mesh mTLS, e.g. for a workload without a
 * sidecar). Every other server faces clients outside the mesh.
 */
const EAST_WEST_MODES = new Set(['AUTO_PASSTHROUGH', 'ISTIO_MUTUAL']);

export interface GatewayServer {
  readonly gateway: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly hosts: readonly string[];
  readonly port: number;
  readonly protocol: string;
  readonly tlsMode: string;
  readonly eastWest: boolean;
}

export interface GatewayRoute {
  /** Gateways (`ns/name`) the VirtualService is bound to. */
  readonly gateways: readonly string[];
  readonly hosts: readonly string[];
  readonly destinations: readonly string[];
}

/** `shop/payments.example.com` and `./x` name a host for one namespace; the host is after the slash. */
export const gatewayHost = (h: string) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

export function readGatewayServers(objects: readonly any[]): GatewayServer[] {
  const out: GatewayServer[] = [];
  for (const gw of objects.filter((o) => o?.kind === 'Gateway' && o?.apiVersion?.startsWith('networking.istio.io/'))) {
    const gateway = `${gw.metadata?.namespace ?? 'default'}/${gw.metadata?.name ?? ''}`;
    const selector = Object.fromEntries(Object.entries(gw.spec?.selector ?? {}).map(([k, v]) => [k, String(v)]));
    for (const s of Array.isArray(gw.spec?.servers) ? gw.spec.servers : []) {
      const protocol = String(s?.port?.protocol ?? '').toUpperCase();
      const tlsMode = s?.tls?.mode ? String(s.tls.mode) : protocol === 'HTTPS' || protocol === 'TLS' ? 'SIMPLE' : 'NONE';
      out.push({
        gateway, selector, protocol, tlsMode,
        hosts: sortedUnique((Array.isArray(s?.hosts) ? s.hosts : []).map((h: unknown) => gatewayHost(String(h)))),
        port: Number(s?.port?.number ?? 0),
        eastWest: EAST_WEST_MODES.has(tlsMode),
      });
    }
  }
  return out;
}

/** A short name resolves in the VirtualService's namespace. */
function qualify(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;
}

function routeHosts(spec: any, namespace: string): string[] {
  const hosts: string[] = [];
  for (const section of ['http', 'tcp', 'tls']) {
    for (const r of Array.isArray(spec?.[section]) ? spec[section] : []) {
      for (const d of Array.isArray(r?.route) ? r.route : []) if (d?.destination?.host) hosts.push(qualify(String(d.destination.host), namespace));
    }
  }
  return sortedUnique(hosts);
}

/** VirtualServices bound to gateways (`gateways` names `ns/name`, or `name` in the VirtualService's namespace). */
export function readGatewayRoutes(objects: readonly any[]): GatewayRoute[] {
  return objects.filter((o) => o?.kind === 'VirtualService' && o?.apiVersion?.startsWith('networking.istio.io/')).flatMap((vs) => {
    const ns = String(vs.metadata?.namespace ?? 'default');
    const gateways = (Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : []).map(String).filter((g: string) => g !== 'mesh')
      .map((g: string) => (g.includes('/') ? g : `${ns}/${g}`));
    if (gateways.length === 0) return [];
    return [{ gateways, hosts: (vs.spec?.hosts ?? []).map(String), destinations: routeHosts(vs.spec, ns) }];
  });
}

/** The routes bound to each gateway (`ns/name`), indexed by their hosts. */
export function routesByGateway(routes: readonly GatewayRoute[]): Map<string, PatternIndex<GatewayRoute>> {
  const bound = new Map<string, GatewayRoute[]>();
  for (const r of routes) for (const g of new Set(r.gateways)) appendTo(bound, g, r);
  return new Map([...bound].map(([g, list]) => [g, new PatternIndex(list, (r) => r.hosts, 'host')]));
}

/** Hosts the routes bound to this server send its host to (`routes`: routesByGateway). */
export function routedDestinations(server: GatewayServer, host: string, routes: ReadonlyMap<string, PatternIndex<GatewayRoute>>): string[] {
  const bound = routes.get(server.gateway);
  if (!bound) return [];
  const intersects = (r: GatewayRoute) => r.hosts.some((h) => patternsIntersect(h, host, 'host'));
  return sortedUnique((isExactPattern(host, 'host') ? bound.matching(host, intersects) : bound.filter(intersects)).flatMap((r) => r.destinations));
}
