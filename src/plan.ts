/**
 * Which Istio objects each cluster gets, decided from the mesh model alone (a pure function:
 * model → planned objects). Every placement rule lives here; the shape of each object lives
 * in `render/`.
 */
import type { ClusterTopology } from './topology';
import { instanceHosts, isHttpFamily, MeshModel, PortModel, ServiceModel } from './model';
import { isIP, principalOf } from './names';
import { MANAGED_BY, SERVICE_INTENT_LABEL } from './render/labels';
import type { ObjectMeta } from './render/object';
import { destinationRuleSpec } from './render/destination-rule';
import { serviceEntrySpec, ServiceEntryEndpointInput } from './render/service-entry';
import { gatewaySpec, GatewayServerInput } from './render/gateway';
import { virtualServiceSpec } from './render/virtual-service';
import { AllowRuleInput, authorizationPolicySpec } from './render/authorization-policy';
import { peerAuthenticationSpec } from './render/peer-authentication';
import type { TlsSecretInput } from './render/secret';
import { allocateVips, parseVipRange } from './vip';

export type PlannedKind = 'DestinationRule' | 'ServiceEntry' | 'Gateway' | 'VirtualService' | 'AuthorizationPolicy' | 'PeerAuthentication' | 'Secret';

export interface PlannedObject {
  readonly cluster: string;
  readonly kind: PlannedKind;
  readonly meta: ObjectMeta;
  /** Builds the spec (or, for a Secret, its type and data) at synth time. */
  readonly build: () => any;
}

export function plannedKey(o: { cluster: string; kind: string; meta: { namespace: string; name: string } }): string {
  return `${o.cluster}/${o.kind}/${o.meta.namespace}/${o.meta.name}`;
}

/** Label on SE endpoints naming the cluster they lead to (usable in DR subsets). */
export const CLUSTER_LABEL = 'topology.istio.io/cluster';

/** Where one client workload calls from. */
interface CallSite {
  readonly cluster: string;
  readonly namespace: string;
}

export function planMesh(model: MeshModel): PlannedObject[] {
  const out: PlannedObject[] = [];
  const topo = new Map(model.clusters.map((c) => [c.name, c]));
  const vips = lazyVips(model);
  /** Hosts each server cluster must expose on its east-west gateway. */
  const exposed = new Map<string, { passthrough: Set<string>; meshTls: Set<string> }>();
  const expose = (cluster: string, kind: 'passthrough' | 'meshTls', hosts: string[]) => {
    const e = exposed.get(cluster) ?? { passthrough: new Set<string>(), meshTls: new Set<string>() };
    hosts.forEach((h) => e[kind].add(h));
    exposed.set(cluster, e);
  };

  for (const s of model.services) {
    const meta = (name: string, namespace: string, extra: Record<string, string> = {}): ObjectMeta => ({
      name,
      namespace,
      labels: { ...MANAGED_BY, [SERVICE_INTENT_LABEL]: s.name, ...s.labels },
      annotations: nonEmpty({ ...s.annotations, ...extra }),
    });
    const httpRoutes = s.timeout || s.retries
      ? s.ports.filter((p) => isHttpFamily(p.protocol)).map((p) => ({ matchPort: p.number, destinationHost: s.fqdn, destinationPort: p.number, timeout: s.timeout, retries: s.retries }))
      : [];

    // ── server clusters ────────────────────────────────────────────────────────────────
    for (const server of s.clusters) {
      const t = topo.get(server)!;
      out.push({ cluster: server, kind: 'DestinationRule', meta: meta(s.name, s.namespace), build: () => destinationRuleSpec({ host: s.fqdn, tls: s.sidecar ? 'ISTIO_MUTUAL' : 'DISABLE', trafficPolicy: s.trafficPolicy }) });
      if (httpRoutes.length > 0) {
        out.push({ cluster: server, kind: 'VirtualService', meta: meta(s.name, s.namespace), build: () => virtualServiceSpec({ hosts: [s.fqdn], http: httpRoutes }) });
      }
      if (s.sidecar) {
        out.push({ cluster: server, kind: 'PeerAuthentication', meta: meta(s.name, s.namespace), build: () => peerAuthenticationSpec(s.workloadLabels) });
        out.push({
          cluster: server,
          kind: 'AuthorizationPolicy',
          meta: meta(s.name, s.namespace, s.dryRun ? { 'istio.io/dry-run': 'true' } : {}),
          build: () => authorizationPolicySpec({ selector: s.workloadLabels, rules: allowRules(model, s, t) }),
        });
      }
      if (s.external) out.push(...planExternalAccess(s, t, meta));
    }

    // ── client clusters ────────────────────────────────────────────────────────────────
    const remoteSites = callSites(s).filter((site) => !s.clusters.includes(site.cluster));
    /** Server clusters whose east-west gateway must expose this service. */
    const exposedIn = new Set<string>();
    for (const site of remoteSites) {
      const servers = s.clusters.map((c) => topo.get(c)!);
      const client = topo.get(site.cluster)!;
      const viaGateway = model.discovery === 'federated' || servers.some((srv) => srv.network !== client.network);
      // Without a sidecar, the server's gateway terminates mesh mTLS and routes on the SNI.
      const tls = s.sidecar || viaGateway ? 'ISTIO_MUTUAL' : 'DISABLE';
      const sni = !s.sidecar && viaGateway ? s.fqdn : undefined;
      const own = ['.'];
      out.push({ cluster: site.cluster, kind: 'DestinationRule', meta: meta(s.name, site.namespace), build: () => destinationRuleSpec({ host: s.fqdn, tls, sni, trafficPolicy: s.trafficPolicy, exportTo: own }) });
      if (httpRoutes.length > 0) {
        out.push({ cluster: site.cluster, kind: 'VirtualService', meta: meta(s.name, site.namespace), build: () => virtualServiceSpec({ hosts: [s.fqdn], http: httpRoutes, exportTo: own }) });
      }
      if (model.discovery === 'federated') {
        const endpoints = (ports: readonly PortModel[]) => servers.map((srv): ServiceEntryEndpointInput => ({
          address: srv.eastWest.address!,
          ports: Object.fromEntries(ports.map((p) => [p.name, s.sidecar ? srv.eastWest.port : srv.eastWest.meshTlsPort])),
          labels: { [CLUSTER_LABEL]: srv.name, 'security.istio.io/tlsMode': 'istio' },
        }));
        const resolution = servers.every((srv) => isIP(srv.eastWest.address)) ? 'STATIC' : 'DNS';
        const san = s.serviceAccount && s.sidecar ? [`spiffe://${principalOf(model.trustDomain, s.namespace, s.serviceAccount)}`] : undefined;
        out.push({
          cluster: site.cluster, kind: 'ServiceEntry', meta: meta(s.name, site.namespace),
          build: () => serviceEntrySpec({ host: s.fqdn, address: vips().get(s.fqdn), ports: s.ports, resolution, endpoints: endpoints(s.ports), exportTo: own, subjectAltNames: san }),
        });
        instanceHosts(s).forEach((host, i) => out.push({
          cluster: site.cluster, kind: 'ServiceEntry', meta: meta(`${s.name}-${i}`, site.namespace),
          build: () => serviceEntrySpec({ host, address: vips().get(host), ports: s.ports, resolution, endpoints: endpoints(s.ports), exportTo: own, subjectAltNames: san }),
        }));
      }
      if (s.instances > 0 && model.discovery === 'federated') {
        out.push({ cluster: site.cluster, kind: 'DestinationRule', meta: meta(`${s.name}-instances`, site.namespace), build: () => destinationRuleSpec({ host: `*.${s.fqdn}`, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: own }) });
      }
      if (viaGateway) {
        for (const srv of servers) {
          if (srv.network === client.network && model.discovery === 'multi-primary') continue;
          expose(srv.name, s.sidecar ? 'passthrough' : 'meshTls', [s.fqdn, ...(model.discovery === 'federated' ? instanceHosts(s) : [])]);
          exposedIn.add(srv.name);
        }
      }
    }

    // ── server side of cross-cluster access ────────────────────────────────────────────
    for (const server of s.clusters.filter((c) => exposedIn.has(c))) {
      const t = topo.get(server)!;
      // The east-west gateway routes an instance's SNI only if it knows the instance host.
      if (model.discovery === 'federated' && s.sidecar) {
        instanceHosts(s).forEach((host, i) => out.push({
          cluster: server, kind: 'ServiceEntry', meta: meta(`${s.name}-${i}`, s.namespace),
          build: () => serviceEntrySpec({
            host, address: vips().get(host), ports: s.ports, resolution: 'DNS', withTargetPorts: true,
            endpoints: [{ address: host, ports: Object.fromEntries(s.ports.map((p) => [p.name, p.targetPort])) }],
            // Visible to the service's namespace and to the gateway, nowhere else.
            exportTo: s.namespace === t.rootNamespace ? ['.'] : ['.', t.rootNamespace],
          }),
        }));
      }
      if (!s.sidecar) {
        out.push({
          cluster: server, kind: 'VirtualService', meta: meta(`${s.name}-eastwest`, s.namespace),
          build: () => virtualServiceSpec({
            hosts: [s.fqdn],
            gateways: [`${t.rootNamespace}/${eastWestGatewayName(model)}`],
            tcp: s.ports.map((p) => ({ matchPort: t.eastWest.meshTlsPort, destinationHost: s.fqdn, destinationPort: p.number })),
          }),
        });
      }
    }
  }

  // ── one east-west Gateway per cluster, exposing exactly the hosts remote clients use ──
  for (const [cluster, e] of [...exposed].sort(([a], [b]) => a.localeCompare(b))) {
    const t = topo.get(cluster)!;
    out.push({
      cluster,
      kind: 'Gateway',
      meta: { name: eastWestGatewayName(model), namespace: t.rootNamespace, labels: { ...MANAGED_BY } },
      build: () => {
        const servers: GatewayServerInput[] = [];
        if (e.passthrough.size > 0) servers.push({ kind: 'auto-passthrough', port: t.eastWest.port, hosts: [...e.passthrough].sort() });
        if (e.meshTls.size > 0) servers.push({ kind: 'istio-mutual', port: t.eastWest.meshTlsPort, hosts: [...e.meshTls].sort() });
        return gatewaySpec({ selector: t.eastWest.selector, servers });
      },
    });
  }
  return out;
}

/** Name of the per-cluster east-west Gateway (a DNS-1123 label). */
export function eastWestGatewayName(model: MeshModel): string {
  return `${model.name}-eastwest`;
}

/** Every (cluster, namespace) a client of the service calls from, sorted and unique. */
export function callSites(s: ServiceModel): CallSite[] {
  const seen = new Map<string, CallSite>();
  for (const c of s.clients) {
    for (const cluster of c.clusters) seen.set(`${cluster}/${c.namespace}`, { cluster, namespace: c.namespace });
  }
  return [...seen.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace));
}

/** The ALLOW rules of a service's AuthorizationPolicy in one server cluster. */
function allowRules(model: MeshModel, s: ServiceModel, server: ClusterTopology): AllowRuleInput[] {
  const rules: AllowRuleInput[] = [];
  const restricted = new Set(s.accessPolicies.map((a) => a.principal));
  const plain = [...new Set(s.clients.map((c) => principalOf(model.trustDomain, c.namespace, c.serviceAccount)))].filter((p) => !restricted.has(p)).sort();
  if (plain.length > 0) rules.push({ principals: plain });
  // One rule per restricted principal, listing its operations (a rule with neither methods
  // nor paths admits everything, so it absorbs the others).
  for (const principal of [...restricted].sort()) {
    const ops = s.accessPolicies.filter((a) => a.principal === principal).flatMap((a) => a.rules);
    const unrestricted = ops.some((o) => !o.methods && !o.paths);
    rules.push({ principals: [principal], operations: unrestricted ? undefined : ops });
  }
  if (s.allowedNamespaces.length > 0) rules.push({ namespaces: [...s.allowedNamespaces].sort() });
  if (s.external) {
    rules.push({
      principals: [principalOf(model.trustDomain, server.ingress.namespace, server.ingress.serviceAccount)],
      remoteIpBlocks: s.external.remoteIpBlocks,
    });
  }
  return rules;
}

function planExternalAccess(s: ServiceModel, t: ClusterTopology, meta: (name: string, namespace: string) => ObjectMeta): PlannedObject[] {
  const x = s.external!;
  const out: PlannedObject[] = [];
  const gwName = `${s.name}-ingress`;
  const port = s.ports.find((p) => p.number === x.servicePort)!;
  const http = isHttpFamily(port.protocol);
  out.push({
    cluster: t.name, kind: 'Gateway', meta: meta(gwName, t.ingress.namespace),
    build: () => gatewaySpec({
      selector: t.ingress.selector,
      servers: [{ kind: 'external', mode: x.mode, protocol: http ? 'HTTPS' : 'TLS', port: x.port, hosts: [x.host], credentialName: x.credentialName }],
    }),
  });
  const route = { destinationHost: s.fqdn, destinationPort: port.number };
  out.push({
    cluster: t.name, kind: 'VirtualService', meta: meta(gwName, s.namespace),
    build: () => virtualServiceSpec({
      hosts: [x.host],
      gateways: [`${t.ingress.namespace}/${gwName}`],
      http: http ? [{ ...route, timeout: s.timeout, retries: s.retries }] : undefined,
      tcp: http ? undefined : [route],
    }),
  });
  if (x.credentialPem) {
    const pem = x.credentialPem;
    out.push({
      cluster: t.name, kind: 'Secret', meta: meta(x.credentialName, t.ingress.namespace),
      build: (): TlsSecretInput => ({ type: 'kubernetes.io/tls', data: { 'tls.crt': pem.certificate, 'tls.key': pem.privateKey } }),
    });
  }
  if (x.clientCaPem !== undefined) {
    const ca = x.clientCaPem;
    out.push({ cluster: t.name, kind: 'Secret', meta: meta(`${x.credentialName}-cacert`, t.ingress.namespace), build: (): TlsSecretInput => ({ type: 'Opaque', data: { 'ca.crt': ca } }) });
  }
  return out;
}

/**
 * VIPs for every host a ServiceEntry could carry, over the whole mesh, so that an address does
 * not depend on which clients exist. Computed once per plan, on first use.
 */
function lazyVips(model: MeshModel): () => Map<string, string> {
  let cache: Map<string, string> | undefined;
  return () => {
    if (cache) return cache;
    const range = parseVipRange(model.vipRange)!;
    const hosts = model.services.filter((s) => !s.vip).flatMap((s) => [s.fqdn, ...instanceHosts(s)]);
    const pinned = new Map(model.services.filter((s) => s.vip).map((s) => [s.fqdn, s.vip!] as [string, string]));
    // Instance hosts of a pinned service still get allocated addresses.
    const instanceOfPinned = model.services.filter((s) => s.vip).flatMap(instanceHosts);
    cache = allocateVips(range, [...hosts, ...instanceOfPinned], pinned);
    return cache;
  };
}

function nonEmpty(r: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(r).length > 0 ? r : undefined;
}

