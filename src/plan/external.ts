/**
 * External access: clients outside the mesh reach the service through the ingress gateway of
 * each cluster it runs in (the routes of kind `ingress`). One Gateway per cluster carries every
 * external host, with one server per credential, port, protocol and mode: hosts that share a
 * certificate share a server (one filter chain and route table), so an HTTP/2 client that
 * reuses a connection for another host of that certificate finds its route. Two Gateways with
 * one credential are what Istio's analyzer flags (IST0138, Istio 1.30.3
 * pkg/config/analysis/analyzers/gateway/certificate.go:53-80; servers inside one Gateway are
 * never compared, 57-59).
 */
import { ExternalAccessModel, isHttpFamily, ServiceModel } from '../model';
import { authorizationPolicySpec } from '../render/authorization-policy';
import { destinationRuleSpec } from '../render/destination-rule';
import { gatewaySpec, GatewayServerInput } from '../render/gateway';
import { MANAGED_BY } from '../render/labels';
import { virtualServiceSpec } from '../render/virtual-service';
import type { ClusterTopology } from '../topology';
import type { PlanContext } from './context';
import { byCodeUnit } from './order';

export function planExternalAccess(ctx: PlanContext, s: ServiceModel): void {
  for (const route of ctx.routes.of(s).filter((r) => r.kind === 'ingress')) {
    const t = ctx.cluster(route.to);
    planIngressRouting(ctx, s, t);
    planIngressSecurity(ctx, s, t);
  }
}

function ingressObjectName(s: ServiceModel): string {
  return `${s.name}-ingress`;
}

/** Name of the per-cluster ingress Gateway of the mesh (a DNS-1123 label). */
export function ingressGatewayName(meshName: string): string {
  return `${meshName}-ingress`;
}

function isHttpExternal(s: ServiceModel, x: ExternalAccessModel): boolean {
  return isHttpFamily(s.ports.find((p) => p.number === x.servicePort)!.protocol);
}

function planIngressRouting(ctx: PlanContext, s: ServiceModel, t: ClusterTopology): void {
  const x = s.external!;
  const name = ingressObjectName(s);
  const http = isHttpExternal(s, x);
  // The gateway's own copy of the traffic policy, applied by its pods only.
  ctx.addFor(s, t.name, { name, namespace: t.ingress.namespace }, { kind: 'DestinationRule', spec: destinationRuleSpec({
    host: s.fqdn, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: ['.'], workloadSelector: t.ingress.selector,
  }) });
  const route = { destinationHost: s.fqdn, destinationPort: x.servicePort };
  ctx.addFor(s, t.name, { name, namespace: s.namespace }, { kind: 'VirtualService', spec: virtualServiceSpec({
    hosts: [x.host],
    gateways: [`${t.ingress.namespace}/${ingressGatewayName(ctx.model.name)}`],
    exportTo: [s.namespace === t.ingress.namespace ? '.' : t.ingress.namespace],
    http: http ? [{ ...route, timeout: s.timeout, retries: s.retries }] : undefined,
    tcp: http ? undefined : [route],
  }) });
}

/** One ingress Gateway per cluster with external access, servers sorted, hosts sorted. */
export function planIngressGateways(ctx: PlanContext): void {
  const byCluster = new Map<string, Map<string, IngressServer>>();
  for (const s of ctx.model.services) {
    for (const route of ctx.routes.of(s).filter((r) => r.kind === 'ingress')) {
      const servers = byCluster.get(route.to) ?? new Map<string, IngressServer>();
      byCluster.set(route.to, servers);
      const server = ingressServerOf(s);
      const key = ingressServerKey(server);
      const hosts = servers.get(key)?.hosts ?? [];
      servers.set(key, { ...server, hosts: [...hosts, ...server.hosts] });
    }
  }
  for (const cluster of [...byCluster.keys()].sort(byCodeUnit)) {
    const t = ctx.cluster(cluster);
    const servers = [...byCluster.get(cluster)!].sort(([a], [b]) => byCodeUnit(a, b))
      .map(([, v]) => ({ ...v, hosts: [...new Set(v.hosts)].sort(byCodeUnit) }));
    const meta = { name: ingressGatewayName(ctx.model.name), namespace: t.ingress.namespace, labels: { ...MANAGED_BY } };
    ctx.addMeshObject(cluster, meta, { kind: 'Gateway', spec: gatewaySpec({ selector: t.ingress.selector, servers }) });
  }
}

type IngressServer = Extract<GatewayServerInput, { kind: 'external' }>;

/** The server a service's external access needs; `<namespace>/<host>`: only VirtualServices of its namespace can bind. */
export function ingressServerOf(s: ServiceModel): IngressServer {
  const x = s.external!;
  return {
    kind: 'external', mode: x.mode, protocol: isHttpExternal(s, x) ? 'HTTPS' : 'TLS', port: x.port,
    hosts: [`${s.namespace}/${x.host}`], credentialName: x.credentialName,
  };
}

/** Servers are shared by credential, port, protocol and mode; sorted by port first. */
export function ingressServerKey(v: IngressServer): string {
  return `${String(v.port).padStart(5, '0')} ${v.protocol} ${v.mode} ${v.credentialName}`;
}

/** Client IP ranges (only known at the gateway: behind it, the source is the gateway pod) and explicit TLS material. */
function planIngressSecurity(ctx: PlanContext, s: ServiceModel, t: ClusterTopology): void {
  const x = s.external!;
  const atGateway = { name: ingressObjectName(s), namespace: t.ingress.namespace };
  if (x.remoteIpBlocks.length > 0) {
    ctx.addFor(s, t.name, atGateway, { kind: 'AuthorizationPolicy', spec: authorizationPolicySpec({
      selector: t.ingress.selector,
      action: 'DENY',
      rules: [{ notRemoteIpBlocks: x.remoteIpBlocks, sni: [x.host] }],
    }) });
  }
  if (x.credentialPem) {
    const data = { 'tls.crt': x.credentialPem.certificate, 'tls.key': x.credentialPem.privateKey };
    ctx.addFor(s, t.name, { name: x.credentialName, namespace: t.ingress.namespace }, { kind: 'Secret', spec: { type: 'kubernetes.io/tls', data } });
  }
  if (x.clientCaPem !== undefined) {
    const data = { 'ca.crt': x.clientCaPem };
    ctx.addFor(s, t.name, { name: `${x.credentialName}-cacert`, namespace: t.ingress.namespace }, { kind: 'Secret', spec: { type: 'Opaque', data } });
  }
}
