/**
 * Cross-cluster exposure: what a server cluster's east-west gateway carries for the callers
 * whose routes enter through it, and the one east-west Gateway per cluster.
 */
import { instanceHosts, ServiceModel } from '../model';
import { MANAGED_BY } from '../render/labels';
import { authorizationPolicySpec } from '../render/authorization-policy';
import { gatewaySpec, GatewayServerInput } from '../render/gateway';
import { serviceEntrySpec } from '../render/service-entry';
import { virtualServiceSpec } from '../render/virtual-service';
import type { PlanContext } from './context';
import { byCodeUnit } from './order';
import { viaEastWest } from './routes';
import { clientPrincipals } from './server';

/** Name of the per-cluster east-west Gateway (a DNS-1123 label). */
export function eastWestGatewayName(meshName: string): string {
  return `${meshName}-eastwest`;
}

/** Server clusters (in the service's order) whose east-west gateway some caller of the service enters through. */
export function exposedClusters(ctx: PlanContext, s: ServiceModel): string[] {
  const entered = new Set(ctx.routes.of(s).filter((r) => viaEastWest(r.kind)).map((r) => r.to));
  return s.clusters.filter((c) => entered.has(c));
}

/** What the gateway needs per service: instance hosts to route on, or a terminating server. */
export function planEastWestForService(ctx: PlanContext, s: ServiceModel): void {
  for (const server of exposedClusters(ctx, s)) {
    if (s.sidecar && ctx.model.discovery === 'federated') planInstanceEntries(ctx, s, server);
    if (!s.sidecar) planMeshTlsTermination(ctx, s, server);
  }
}

/** Namespaces that see an object meant for the gateway only. */
function gatewayOnly(ctx: PlanContext, s: ServiceModel, server: string): string[] {
  const ns = ctx.cluster(server).eastWest.namespace;
  return [s.namespace === ns ? '.' : ns];
}

/**
 * The east-west gateway routes an instance's SNI only if it knows the instance host; only the
 * gateway sees these entries (local callers keep using the pod DNS names). The endpoint is a
 * sidecar pod: without the tlsMode label the gateway would drop it from the passthrough
 * cluster (it keeps only endpoints it can reach with mTLS).
 */
function planInstanceEntries(ctx: PlanContext, s: ServiceModel, server: string): void {
  instanceHosts(s).forEach((host, i) => {
    ctx.addFor(s, server, { name: `${s.name}-${i}`, namespace: s.namespace }, { kind: 'ServiceEntry', spec: serviceEntrySpec({
      host, address: ctx.vip(host), ports: s.ports, resolution: 'DNS', withTargetPorts: true,
      endpoints: [{
        address: host,
        ports: Object.fromEntries(s.ports.map((p) => [p.name, p.targetPort])),
        labels: { 'security.istio.io/tlsMode': 'istio' },
        serviceAccount: s.serviceAccount,
      }],
      exportTo: gatewayOnly(ctx, s, server),
    }) });
  });
}

/**
 * A workload without a sidecar: the gateway terminates mesh mTLS on its own server for the
 * service and forwards in plain text. The gateway knows the caller, so only declared clients
 * get through (the workload cannot check identities itself).
 */
function planMeshTlsTermination(ctx: PlanContext, s: ServiceModel, server: string): void {
  const gateway = ctx.cluster(server).eastWest;
  const name = { name: `${s.name}-eastwest`, namespace: s.namespace };
  ctx.addFor(s, server, name, { kind: 'VirtualService', spec: virtualServiceSpec({
    hosts: [s.fqdn],
    gateways: [`${gateway.namespace}/${eastWestGatewayName(ctx.model.name)}`],
    exportTo: gatewayOnly(ctx, s, server),
    tcp: s.ports.map((p) => ({ matchPort: gateway.meshTlsPort, destinationHost: s.fqdn, destinationPort: p.number })),
  }) });
  ctx.addFor(s, server, { ...name, namespace: gateway.namespace }, { kind: 'AuthorizationPolicy', spec: authorizationPolicySpec({
    selector: gateway.selector,
    action: 'DENY',
    rules: [{ notPrincipals: clientPrincipals(ctx.model, s), sni: [s.fqdn] }],
  }) });
}

/** What one cluster's east-west gateway carries. */
interface Exposure {
  /** Hosts of sidecar services: mTLS passed through, routed on the client's SNI. */
  readonly passthrough: Set<string>;
  /** Services without a sidecar, by host: mesh mTLS terminated for them, one server each. */
  readonly meshTls: Map<string, ServiceModel>;
}

/** One east-west Gateway per cluster, exposing exactly the hosts remote callers use. */
export function planEastWestGateways(ctx: PlanContext): void {
  const exposures = collectExposures(ctx);
  for (const cluster of [...exposures.keys()].sort(byCodeUnit)) {
    const e = exposures.get(cluster)!;
    const t = ctx.cluster(cluster);
    const servers: GatewayServerInput[] = [];
    if (e.passthrough.size > 0) servers.push({ kind: 'auto-passthrough', port: t.eastWest.port, hosts: [...e.passthrough].sort(byCodeUnit) });
    for (const host of [...e.meshTls.keys()].sort(byCodeUnit)) {
      const s = e.meshTls.get(host)!;
      servers.push({ kind: 'istio-mutual', port: t.eastWest.meshTlsPort, host: `${s.namespace}/${host}`, name: s.name });
    }
    const meta = { name: eastWestGatewayName(ctx.model.name), namespace: t.eastWest.namespace, labels: { ...MANAGED_BY } };
    ctx.addMeshObject(cluster, meta, { kind: 'Gateway', spec: gatewaySpec({ selector: t.eastWest.selector, servers }) });
  }
}

function collectExposures(ctx: PlanContext): Map<string, Exposure> {
  const exposures = new Map<string, Exposure>();
  for (const s of ctx.model.services) {
    for (const r of ctx.routes.of(s).filter((x) => viaEastWest(x.kind))) {
      const e = exposures.get(r.to) ?? { passthrough: new Set<string>(), meshTls: new Map<string, ServiceModel>() };
      exposures.set(r.to, e);
      if (r.kind === 'gatewayMeshTls') e.meshTls.set(s.fqdn, s);
      else [s.fqdn, ...(ctx.model.discovery === 'federated' ? instanceHosts(s) : [])].forEach((h) => e.passthrough.add(h));
    }
  }
  return exposures;
}
