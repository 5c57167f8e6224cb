/**
 * Synth warnings: what cannot hold in Istio but is not wrong. Each names the construct, the
 * setting and why, in one line (`[mesh/cluster02/web] trafficPolicy.loadBalancer: ...`). They
 * read the same routes as the planner, so a warning is about what is rendered. A Mesh with
 * `strict: true` (the CLI's `--strict`) reports them as errors.
 */
import { entryHosts, MeshModel, ServiceModel } from '../model';
import { allocateMeshVips, PlanContext, Route } from '../plan';
import { ingressServerKey, ingressServerOf } from '../plan/external';
import { parseVipRange } from '../vip';
import { multiclusterWarnings } from './multicluster';

export interface SynthWarning {
  /** Construct path of the intent the warning is about. */
  readonly path: string;
  /** The setting that does not hold. */
  readonly field: string;
  /** What does not hold, and why. */
  readonly message: string;
}

export function formatWarning(w: SynthWarning): string {
  return `[${w.path}] ${w.field}: ${w.message}`;
}

/** Every warning of a valid model, in service order. */
export function meshWarnings(model: MeshModel): SynthWarning[] {
  const ctx = new PlanContext(model);
  return [
    ...model.services.flatMap((s) => loadBalancerWarnings(s, ctx.routes.of(s))),
    ...model.services.flatMap((s) => multiclusterWarnings(ctx, s)),
    ...sharedCredentialWarnings(ctx),
    ...vipWarnings(model),
  ];
}

/** Where the routes enter a server cluster through its east-west gateway without terminating TLS. */
function remoteCallers(routes: readonly Route[]): string {
  const sites = [...new Set(routes.filter((r) => r.kind === 'passthrough').map((r) => `${r.from.cluster}/${r.from.namespace}`))];
  return sites.join(', ');
}

/**
 * A caller in another cluster reaches the pods through the east-west gateway, which forwards
 * its TLS connection (AUTO_PASSTHROUGH: a TCP proxy, Istio 1.30.3
 * pilot/pkg/networking/core/gateway.go:1019-1026) and so balances per connection; the caller's
 * sidecar only picks the cluster. Only the source address can be hashed there
 * (networkfilter.go:229-254), and it is the address the gateway sees.
 */
function loadBalancerWarnings(s: ServiceModel, routes: readonly Route[]): SynthWarning[] {
  const lb = s.trafficPolicy.loadBalancer;
  const callers = remoteCallers(routes);
  if (!lb || !callers) return [];
  const warn = (message: string): SynthWarning => ({ path: s.path, field: 'trafficPolicy.loadBalancer', message });
  const out: SynthWarning[] = [];
  if ('consistentHash' in lb) {
    const h = lb.consistentHash;
    const kind = h.httpCookie ? 'cookie' : h.httpHeaderName ? 'header' : h.httpQueryParameterName ? 'query parameter' : undefined;
    if (kind) {
      out.push(warn(`consistent hashing by ${kind} cannot hold for callers in other clusters (${callers}): `
        + 'the east-west gateway forwards their TLS connection and balances per TCP connection'));
    } else {
      out.push(warn(`consistent hashing by source IP hashes, for callers in other clusters (${callers}), the address the east-west `
        + 'gateway sees (often a load balancer or node address), not the caller\'s pod'));
    }
  }
  const multiplexed = s.ports.filter((p) => p.protocol === 'HTTP2' || p.protocol === 'GRPC');
  if (multiplexed.length > 0) {
    out.push(warn(`${multiplexed[0].protocol} requests of callers in other clusters (${callers}) share one connection, which the `
      + 'east-west gateway sends to one pod: they are balanced per connection, not per request'));
  }
  return out;
}

/**
 * Hosts that share a certificate on one port of one ingress gateway but cannot share a server
 * (another protocol or TLS mode): an HTTP/2 client may reuse a connection for both hosts and
 * get 404s (envoyproxy/envoy#6767, the reason for IST0138).
 */
function sharedCredentialWarnings(ctx: PlanContext): SynthWarning[] {
  const out: SynthWarning[] = [];
  for (const cluster of ctx.model.clusters) {
    const first = new Map<string, { key: string; s: ServiceModel }>();
    for (const s of ctx.model.services) {
      if (!ctx.routes.of(s).some((r) => r.kind === 'ingress' && r.to === cluster.name)) continue;
      const server = ingressServerOf(s);
      const at = `${server.credentialName} ${server.port}`;
      const key = ingressServerKey(server);
      const prev = first.get(at);
      if (!prev) first.set(at, { key, s });
      else if (prev.key !== key) {
        out.push({ path: s.path, field: 'externalAccess', message: `shares credential "${server.credentialName}" on port ${server.port} of `
          + `cluster ${cluster.name}'s ingress gateway with ${prev.s.path} in another mode or protocol; they cannot share a Gateway server, `
          + 'so HTTP/2 clients reusing a connection across the two hosts can get 404s (use one mode and protocol, or another credential)' });
      }
    }
  }
  return out;
}

/** Hosts displaced from their own address by a hash collision: their address can move when hosts are added. */
function vipWarnings(model: MeshModel): SynthWarning[] {
  if (!parseVipRange(model.vipRange)) return [];
  const owner = new Map<string, ServiceModel>();
  for (const s of model.services) for (const h of entryHosts(s)) owner.set(h, s);
  return allocateMeshVips(model).displaced.map((d) => {
    const s = owner.get(d.host)!;
    const pin = d.host === s.fqdn ? `pin vip: "${d.address}" on this service to keep it`
      : d.host === s.globalHost ? 'a global host cannot be pinned' : 'an instance host cannot be pinned';
    return { path: s.path, field: 'vip', message: `host ${d.host} hashes to ${d.home}, which ${d.holder} has; it gets ${d.address}, `
      + `which can change when hosts are added (${pin}, pin the other host's vip, or choose another vipRange)` };
  });
}
