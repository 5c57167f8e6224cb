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
import { authorizationPolicySpec, RuleInput } from './render/authorization-policy';
import { peerAuthenticationSpec } from './render/peer-authentication';
import type { TlsSecretInput } from './render/secret';
import { allocateVips, parseVipRange } from './vip';

export type PlannedKind = 'DestinationRule' | 'ServiceEntry' | 'Gateway' | 'VirtualService' | 'AuthorizationPolicy' | 'PeerAuthentication' | 'Secret';

export interface PlannedObject {
  readonly cluster: string;
  readonly kind: PlannedKind;
  readonly meta: ObjectMeta;
  /** Construct path of the intent the object is rendered for (`mesh` for mesh-wide ones). */
  readonly owner: string;
  /** Builds the spec (or, for a Secret, its type and data) at synth time. */
  readonly build: () => any;
}

export function plannedKey(o: { cluster: string; kind: string; meta: { namespace: string; name: string } }): string {
  return `${o.cluster}/${o.kind}/${o.meta.namespace}/${o.meta.name}`;
}

/**
 * Label on ServiceEntry endpoints naming the cluster they lead to (usable in DestinationRule
 * subsets). Not `topology.istio.io/cluster`: istiod overwrites that one with its own cluster.
 */
export const CLUSTER_LABEL = 'traffic.intents.cdk8s.io/cluster';

/** Where one client workload calls from. */
interface CallSite {
  readonly cluster: string;
  readonly namespace: string;
}

/** What a server cluster's east-west gateway must carry. */
interface Exposure {
  /** Hosts of sidecar services: mTLS passed through, routed on the client's SNI. */
  readonly passthrough: Set<string>;
  /** Services without a sidecar: mesh mTLS terminated for them, one server each. */
  readonly meshTls: Map<string, ServiceModel>;
}

export function planMesh(model: MeshModel): PlannedObject[] {
  const out: PlannedObject[] = [];
  const topo = new Map(model.clusters.map((c) => [c.name, c]));
  const vips = lazyVips(model);
  const exposed = new Map<string, Exposure>();
  const exposure = (cluster: string): Exposure => {
    const e = exposed.get(cluster) ?? { passthrough: new Set<string>(), meshTls: new Map<string, ServiceModel>() };
    exposed.set(cluster, e);
    return e;
  };

  for (const s of model.services) {
    const meta = (name: string, namespace: string, extra: Record<string, string> = {}): ObjectMeta => ({
      name,
      namespace,
      labels: { ...MANAGED_BY, [SERVICE_INTENT_LABEL]: s.name, ...s.labels },
      annotations: nonEmpty({ ...s.annotations, ...extra }),
    });
    const add = (cluster: string, kind: PlannedKind, m: ObjectMeta, build: () => any) => out.push({ cluster, kind, meta: m, owner: s.path, build });
    const httpRoutes = s.timeout || s.retries
      ? s.ports.filter((p) => isHttpFamily(p.protocol)).map((p) => ({ matchPort: p.number, destinationHost: s.fqdn, destinationPort: p.number, timeout: s.timeout, retries: s.retries }))
      : [];
    const sites = callSites(s);

    // ── server clusters ────────────────────────────────────────────────────────────────
    for (const server of s.clusters) {
      const t = topo.get(server)!;
      // Visible to the namespaces that call the service here, not to the east-west gateway,
      // which would otherwise apply the pool limits to all remote callers together. (The
      // ingress gateway gets its own copy, bound to its pods: it often shares the east-west
      // gateway's namespace.)
      const exportTo = unique([
        '.',
        ...sites.filter((site) => site.cluster === server).map((site) => site.namespace),
        ...s.allowedNamespaces,
      ].map((n) => (n === s.namespace ? '.' : n)));
      add(server, 'DestinationRule', meta(s.name, s.namespace), () => destinationRuleSpec({ host: s.fqdn, tls: s.sidecar ? 'ISTIO_MUTUAL' : 'DISABLE', trafficPolicy: s.trafficPolicy, exportTo }));
      if (httpRoutes.length > 0) {
        add(server, 'VirtualService', meta(s.name, s.namespace), () => virtualServiceSpec({ hosts: [s.fqdn], http: httpRoutes, exportTo }));
      }
      if (s.sidecar) {
        add(server, 'PeerAuthentication', meta(s.name, s.namespace), () => peerAuthenticationSpec(s.workloadLabels));
        add(server, 'AuthorizationPolicy', meta(s.name, s.namespace, s.dryRun ? { 'istio.io/dry-run': 'true' } : {}),
          () => authorizationPolicySpec({ selector: s.workloadLabels, action: 'ALLOW', rules: allowRules(model, s, t) }));
      }
      if (s.external) planExternalAccess(s, t, meta, add);
    }

    // ── client clusters ────────────────────────────────────────────────────────────────
    const exposedIn = new Set<string>();
    for (const site of sites.filter((x) => !s.clusters.includes(x.cluster))) {
      const servers = s.clusters.map((c) => topo.get(c)!);
      const client = topo.get(site.cluster)!;
      const federated = model.discovery === 'federated';
      const viaGateway = federated || servers.some((srv) => srv.network !== client.network);
      // Without a sidecar, the server's gateway terminates mesh mTLS and routes on the SNI.
      const tls = s.sidecar || viaGateway ? 'ISTIO_MUTUAL' : 'DISABLE';
      const sni = !s.sidecar && viaGateway ? s.fqdn : undefined;
      const own = ['.'];
      add(site.cluster, 'DestinationRule', meta(s.name, site.namespace), () => destinationRuleSpec({ host: s.fqdn, tls, sni, trafficPolicy: s.trafficPolicy, exportTo: own }));
      if (httpRoutes.length > 0) {
        add(site.cluster, 'VirtualService', meta(s.name, site.namespace), () => virtualServiceSpec({ hosts: [s.fqdn], http: httpRoutes, exportTo: own }));
      }
      if (federated) {
        const endpoints = (ports: readonly PortModel[]) => servers.map((srv): ServiceEntryEndpointInput => ({
          address: srv.eastWest.address!,
          ports: Object.fromEntries(ports.map((p) => [p.name, s.sidecar ? srv.eastWest.port : srv.eastWest.meshTlsPort])),
          labels: { [CLUSTER_LABEL]: srv.name, 'security.istio.io/tlsMode': 'istio' },
        }));
        const resolution = servers.every((srv) => isIP(srv.eastWest.address)) ? 'STATIC' : 'DNS';
        const san = s.serviceAccount && s.sidecar ? [`spiffe://${principalOf(model.trustDomain, s.namespace, s.serviceAccount)}`] : undefined;
        add(site.cluster, 'ServiceEntry', meta(s.name, site.namespace),
          () => serviceEntrySpec({ host: s.fqdn, address: vips().get(s.fqdn), ports: s.ports, resolution, endpoints: endpoints(s.ports), exportTo: own, subjectAltNames: san }));
        instanceHosts(s).forEach((host, i) => add(site.cluster, 'ServiceEntry', meta(`${s.name}-${i}`, site.namespace),
          () => serviceEntrySpec({ host, address: vips().get(host), ports: s.ports, resolution, endpoints: endpoints(s.ports), exportTo: own, subjectAltNames: san })));
        if (s.instances > 0) {
          add(site.cluster, 'DestinationRule', meta(`${s.name}-instances`, site.namespace),
            () => destinationRuleSpec({ host: `*.${s.fqdn}`, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: own }));
        }
      }
      if (viaGateway) {
        for (const srv of servers) {
          if (!federated && srv.network === client.network) continue;
          const e = exposure(srv.name);
          if (s.sidecar) [s.fqdn, ...(federated ? instanceHosts(s) : [])].forEach((h) => e.passthrough.add(h));
          else e.meshTls.set(s.fqdn, s);
          exposedIn.add(srv.name);
        }
      }
    }

    // ── server side of cross-cluster access ────────────────────────────────────────────
    for (const server of s.clusters.filter((c) => exposedIn.has(c))) {
      const t = topo.get(server)!;
      // The east-west gateway routes an instance's SNI only if it knows the instance host;
      // only the gateway sees these entries (local callers keep using the pod DNS names).
      if (model.discovery === 'federated' && s.sidecar) {
        // The endpoint is a sidecar pod: without the tlsMode label the gateway would drop it
        // from the passthrough cluster (it keeps only endpoints it can reach with mTLS).
        instanceHosts(s).forEach((host, i) => add(server, 'ServiceEntry', meta(`${s.name}-${i}`, s.namespace), () => serviceEntrySpec({
          host, address: vips().get(host), ports: s.ports, resolution: 'DNS', withTargetPorts: true,
          endpoints: [{
            address: host,
            ports: Object.fromEntries(s.ports.map((p) => [p.name, p.targetPort])),
            labels: { 'security.istio.io/tlsMode': 'istio' },
            serviceAccount: s.serviceAccount,
          }],
          exportTo: [s.namespace === t.eastWest.namespace ? '.' : t.eastWest.namespace],
        })));
      }
      if (!s.sidecar) {
        add(server, 'VirtualService', meta(`${s.name}-eastwest`, s.namespace), () => virtualServiceSpec({
          hosts: [s.fqdn],
          gateways: [`${t.eastWest.namespace}/${eastWestGatewayName(model)}`],
          exportTo: [s.namespace === t.eastWest.namespace ? '.' : t.eastWest.namespace],
          tcp: s.ports.map((p) => ({ matchPort: t.eastWest.meshTlsPort, destinationHost: s.fqdn, destinationPort: p.number })),
        }));
        // The gateway terminates mesh mTLS, so it knows the caller: only declared clients
        // get through (a workload without a sidecar cannot check identities itself).
        add(server, 'AuthorizationPolicy', meta(`${s.name}-eastwest`, t.eastWest.namespace), () => authorizationPolicySpec({
          selector: t.eastWest.selector,
          action: 'DENY',
          rules: [{ notPrincipals: clientPrincipals(model, s), sni: [s.fqdn] }],
        }));
      }
    }
  }

  // ── one east-west Gateway per cluster, exposing exactly the hosts remote clients use ──
  for (const [cluster, e] of [...exposed].sort(([a], [b]) => a.localeCompare(b))) {
    const t = topo.get(cluster)!;
    out.push({
      cluster,
      kind: 'Gateway',
      owner: 'mesh',
      meta: { name: eastWestGatewayName(model), namespace: t.eastWest.namespace, labels: { ...MANAGED_BY } },
      build: () => {
        const servers: GatewayServerInput[] = [];
        if (e.passthrough.size > 0) servers.push({ kind: 'auto-passthrough', port: t.eastWest.port, hosts: [...e.passthrough].sort() });
        for (const [host, s] of [...e.meshTls].sort(([a], [b]) => a.localeCompare(b))) {
          servers.push({ kind: 'istio-mutual', port: t.eastWest.meshTlsPort, host: `${s.namespace}/${host}`, name: s.name });
        }
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

function clientPrincipals(model: MeshModel, s: ServiceModel): string[] {
  return unique(s.clients.map((c) => principalOf(model.trustDomain, c.namespace, c.serviceAccount))).sort();
}

/** The ALLOW rules of a service's AuthorizationPolicy in one server cluster. */
function allowRules(model: MeshModel, s: ServiceModel, server: ClusterTopology): RuleInput[] {
  const rules: RuleInput[] = [];
  const restricted = new Set(s.accessPolicies.map((a) => a.principal));
  // The instances of a headless service call each other (replication) as its own identity.
  const self = s.instances > 0 && s.serviceAccount ? [principalOf(model.trustDomain, s.namespace, s.serviceAccount)] : [];
  const plain = unique([...clientPrincipals(model, s), ...self]).filter((p) => !restricted.has(p)).sort();
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
    // External clients arrive as the ingress gateway's identity. For HTTP the Host header
    // still names the external host, so other routes through a shared gateway are not admitted.
    const http = isHttpFamily(s.ports.find((p) => p.number === s.external!.servicePort)!.protocol);
    rules.push({
      principals: [principalOf(model.trustDomain, server.ingress.namespace, server.ingress.serviceAccount)],
      operations: http ? [{ hosts: [s.external.host, `${s.external.host}:*`] }] : undefined,
    });
  }
  return rules;
}

type Add = (cluster: string, kind: PlannedKind, meta: ObjectMeta, build: () => any) => void;

function planExternalAccess(s: ServiceModel, t: ClusterTopology, meta: (name: string, namespace: string) => ObjectMeta, add: Add): void {
  const x = s.external!;
  const gwName = `${s.name}-ingress`;
  const port = s.ports.find((p) => p.number === x.servicePort)!;
  const http = isHttpFamily(port.protocol);
  add(t.name, 'Gateway', meta(gwName, t.ingress.namespace), () => gatewaySpec({
    selector: t.ingress.selector,
    // `<namespace>/<host>`: only VirtualServices of the service's namespace can bind to it.
    servers: [{ kind: 'external', mode: x.mode, protocol: http ? 'HTTPS' : 'TLS', port: x.port, hosts: [`${s.namespace}/${x.host}`], credentialName: x.credentialName }],
  }));
  // The gateway's own copy of the traffic policy, applied by its pods only.
  add(t.name, 'DestinationRule', meta(gwName, t.ingress.namespace), () => destinationRuleSpec({
    host: s.fqdn, tls: 'ISTIO_MUTUAL', trafficPolicy: s.trafficPolicy, exportTo: ['.'], workloadSelector: t.ingress.selector,
  }));
  const route = { destinationHost: s.fqdn, destinationPort: port.number };
  add(t.name, 'VirtualService', meta(gwName, s.namespace), () => virtualServiceSpec({
    hosts: [x.host],
    gateways: [`${t.ingress.namespace}/${gwName}`],
    exportTo: [s.namespace === t.ingress.namespace ? '.' : t.ingress.namespace],
    http: http ? [{ ...route, timeout: s.timeout, retries: s.retries }] : undefined,
    tcp: http ? undefined : [route],
  }));
  if (x.remoteIpBlocks.length > 0) {
    // Client IPs are only known at the gateway (behind it, the source is the gateway pod).
    add(t.name, 'AuthorizationPolicy', meta(gwName, t.ingress.namespace), () => authorizationPolicySpec({
      selector: t.ingress.selector,
      action: 'DENY',
      rules: [{ notRemoteIpBlocks: x.remoteIpBlocks, sni: [x.host] }],
    }));
  }
  if (x.credentialPem) {
    const pem = x.credentialPem;
    add(t.name, 'Secret', meta(x.credentialName, t.ingress.namespace), (): TlsSecretInput => ({ type: 'kubernetes.io/tls', data: { 'tls.crt': pem.certificate, 'tls.key': pem.privateKey } }));
  }
  if (x.clientCaPem !== undefined) {
    const ca = x.clientCaPem;
    add(t.name, 'Secret', meta(`${x.credentialName}-cacert`, t.ingress.namespace), (): TlsSecretInput => ({ type: 'Opaque', data: { 'ca.crt': ca } }));
  }
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
    const hosts = model.services.flatMap((s) => [...(s.vip ? [] : [s.fqdn]), ...instanceHosts(s)]);
    const pinned = new Map(model.services.filter((s) => s.vip).map((s) => [s.fqdn, s.vip!] as [string, string]));
    cache = allocateVips(range, hosts, pinned);
    return cache;
  };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function nonEmpty(r: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(r).length > 0 ? r : undefined;
}
