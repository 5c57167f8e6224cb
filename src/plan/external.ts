/**
 * External access: clients outside the mesh reach the service through the ingress gateway of
 * each cluster it runs in (the routes of kind `ingress`).
 */
import { ExternalAccessModel, isHttpFamily, ServiceModel } from '../model';
import { authorizationPolicySpec } from '../render/authorization-policy';
import { destinationRuleSpec } from '../render/destination-rule';
import { gatewaySpec } from '../render/gateway';
import { virtualServiceSpec } from '../render/virtual-service';
import type { ClusterTopology } from '../topology';
import type { PlanContext } from './context';

export function planExternalAccess(ctx: PlanContext, s: ServiceModel): void {
  for (const route of ctx.routes.of(s).filter((r) => r.kind === 'ingress')) {
    const t = ctx.cluster(route.to);
    planIngressRouting(ctx, s, t);
    planIngressSecurity(ctx, s, t);
  }
}

function ingressGatewayName(s: ServiceModel): string {
  return `${s.name}-ingress`;
}

function isHttpExternal(s: ServiceModel, x: ExternalAccessModel): boolean {
  return isHttpFamily(s.ports.find((p) => p.number === x.servicePort)!.protocol);
}

function planIngressRouting(ctx: PlanContext, s: ServiceModel, t: ClusterTopology): void {
  const x = s.external!;
  const gwName = ingressGatewayName(s);
  const http = isHttpExternal(s, x);
  const atGateway = { name: gwName, namespace: t.ingress.namespace };
  ctx.addFor(s, t.name, atGateway, { kind: 'Gateway', spec: gatewaySpec({
    selector: t.ingress.selector,
    // `<namespace>/<host>`: only VirtualServices of the service's namespace can bind to it.
    servers: [{
      kind: 'external', mode: x.mode, protocol: http ? 'HTTPS' : 'TLS', port: x.port,
      hosts: [`${s.namespace}/${x.host}`], credentialName: x.credentialName,
    }],
  }) });
  // The gateway's own copy of the traffic policy, applied by its pods only.
  ctx.addFor(s, t.name, atGateway, { kind: 'DestinationRule', spec: destinationRuleSpec({
    host: s.fqdn, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: ['.'], workloadSelector: t.ingress.selector,
  }) });
  const route = { destinationHost: s.fqdn, destinationPort: x.servicePort };
  ctx.addFor(s, t.name, { name: gwName, namespace: s.namespace }, { kind: 'VirtualService', spec: virtualServiceSpec({
    hosts: [x.host],
    gateways: [`${t.ingress.namespace}/${gwName}`],
    exportTo: [s.namespace === t.ingress.namespace ? '.' : t.ingress.namespace],
    http: http ? [{ ...route, timeout: s.timeout, retries: s.retries }] : undefined,
    tcp: http ? undefined : [route],
  }) });
}

/** Client IP ranges (only known at the gateway: behind it, the source is the gateway pod) and explicit TLS material. */
function planIngressSecurity(ctx: PlanContext, s: ServiceModel, t: ClusterTopology): void {
  const x = s.external!;
  const atGateway = { name: ingressGatewayName(s), namespace: t.ingress.namespace };
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
