/**
 * Turns a loaded bundle into the same constructs a TypeScript app declares (Mesh,
 * InboundService, ServiceClient, ServiceAccessPolicy): the bundle is a front end to the
 * constructs, not a second generator. Construct errors are translated back to bundle
 * locations (file, document, JSON path).
 */
import { App } from 'cdk8s';
import { AccessRule, HttpMethod, ServiceAccessPolicy } from '../access-policy';
import { ClientCertificateAuthority, ExternalAccess, TlsCredential } from '../external-access';
import { InboundService, InboundServiceProps } from '../inbound-service';
import { Mesh, MeshCluster } from '../mesh';
import { ClusterManifests, synthClusters } from '../mesh-app';
import { isCidrOrIp } from '../names';
import { show } from '../problems';
import { ServiceClient } from '../service-client';
import { LoadBalancer, TrafficPolicyOptions } from '../traffic-policy';
import { BundleError, LoadedBundle, Located, Origin, where } from './load';

/** Maps a construct's field names to the bundle's (longest prefix wins). */
type FieldMap = ReadonlyArray<[string, string]>;

const MESH_FIELDS: FieldMap = [['', '']];
const SEED_SERVICE_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['description', '.metadata.description'], ['userData', '.metadata'], ['application', '.spec.application'],
  ['serviceName', '.spec.servicename'], ['namespace', '.spec.namespace'], ['protocol', '.spec.protocol'], ['port', '.spec.port'],
  ['targetPort', '.spec.targetPort'], ['ports', '.spec.port'], ['headless', '.spec.headless'], ['instances', '.spec.instances'],
  ['serviceMesh', '.spec.serviceMesh'], ['sidecar', '.spec.istio-proxy'],
  ['trafficPolicy.connectionPool.maxConnections', '.spec.maxConnections'], ['trafficPolicy.connectionPool.connectTimeout', '.spec.connectTimeout'],
  ['trafficPolicy.connectionPool.http2MaxRequests', '.spec.http2MaxRequests'], ['trafficPolicy.connectionPool.maxRequestsPerConnection', '.spec.maxRequestsPerConnection'],
  ['trafficPolicy.connectionPool.http1MaxPendingRequests', '.spec.http1MaxPendingRequests'], ['trafficPolicy.connectionPool', '.spec'],
  ['trafficPolicy.outlierDetection.interval', '.spec.intervalSweep'], ['trafficPolicy.outlierDetection.baseEjectionTime', '.spec.baseEjectionTime'],
  ['trafficPolicy.outlierDetection.consecutive5xxErrors', '.spec.consecutive5xxErrors'], ['trafficPolicy.outlierDetection.consecutiveGatewayErrors', '.spec.consecutiveGatewayErrors'],
  ['trafficPolicy.outlierDetection.maxEjectionPercent', '.spec.maxEjectionPercent'], ['trafficPolicy.outlierDetection', '.spec'],
  ['trafficPolicy.loadBalancer', '.spec.loadBalancing'], ['trafficPolicy', '.spec'],
  ['timeout', '.spec.timeout'], ['retries', '.spec.retries'], ['allowedNamespaces', '.spec.namespaces'], ['workloadLabels', '.spec.workloadLabels'],
  ['serviceAccount', '.spec.serviceAccount'], ['dryRun', '.spec.dryRun'], ['vip', '.spec.vip'], ['clusters', '.spec.application'],
  ['externalAccess.host', '.spec.externalHost'], ['externalAccess.port', '.spec.externalPort'], ['externalAccess.remoteIpBlocks', '.spec.remoteIpBlocks'],
  ['externalAccess.credential', '.spec.credentialName'], ['externalAccess.clientCa', '.spec.credentialName'], ['externalAccess', '.spec.mutualTLS'],
  ['additionalClusters', '.spec.application'], ['headless:', '.spec.headless'],
];
const EMCO_SERVICE_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['description', '.metadata.description'], ['serviceName', '.spec.serviceName'], ['protocol', '.spec.protocol'],
  ['port', '.spec.port'], ['ports', '.spec.port'], ['serviceMesh', '.spec.serviceMesh'], ['sidecar', '.spec.management.sidecarProxy'],
  ['workloadLabels', '.spec.appLabel'], ['allowedNamespaces', '.spec'], ['externalAccess.host', '.spec.externalName'],
  ['externalAccess.remoteIpBlocks', '.spec'], ['externalAccess', '.spec.external'], ['clusters', '.spec.app'], ['namespace', '.spec'],
];
const CLIENT_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['serviceName', '.spec.clientServiceName'], ['namespace', '.spec.namespace'],
  ['serviceAccount', '.spec.serviceAccount'], ['headless', '.spec.headless'], ['connectTo', '.inboundService'], ['additionalClusters', '.metadata.application'],
];
const EMCO_CLIENT_FIELDS: FieldMap = [['name', '.metadata.name'], ['serviceName', '.spec.serviceName'], ['serviceAccount', '.spec.serviceName'], ['namespace', '.spec'], ['', '.spec']];
const POLICY_FIELDS: FieldMap = [['name', '.metadata.name'], ['client', '.client']];
const EMCO_POLICY_FIELDS: FieldMap = [['name', '.metadata.name'], ['rules', '.spec'], ['client', '.clientsIntent']];

interface Registered {
  readonly origin: Origin;
  readonly fields: FieldMap;
}

/** The constructs built from a bundle, and how to report their errors in bundle terms. */
export class BundleApp {
  private readonly registry = new Map<string, Registered>();
  public mesh?: Mesh;

  constructor(public readonly app: App, private readonly bundle: LoadedBundle) {
    const problems: string[] = [];
    this.build(problems);
    if (problems.length > 0) throw new BundleError(problems);
  }

  /** Synthesizes every cluster; construct errors come back as bundle locations. */
  public synth(): ClusterManifests[] {
    try {
      return synthClusters(this.app);
    } catch (e) {
      const message = (e as Error).message;
      if (!message.startsWith('Validation failed with the following errors:')) throw e;
      throw new BundleError(message.split('\n').slice(1).map((line) => this.translate(line.trim())));
    }
  }

  /** `[construct/path] field: message` → `file#doc $.json.path: message`. */
  private translate(line: string): string {
    const m = /^\[([^\]]*)\] (.*)$/.exec(line);
    if (!m) return line;
    const reg = this.registry.get(m[1]);
    if (!reg) return line;
    const colon = m[2].indexOf(': ');
    const field = colon > 0 ? m[2].slice(0, colon) : '';
    const rest = colon > 0 ? m[2].slice(colon + 2) : m[2];
    const base = field.replace(/\[\d+\]$/, '');
    const hit = [...reg.fields].filter(([k]) => base === k || base.startsWith(`${k}.`) || base.startsWith(`${k}[`) || k === '').sort((a, b) => b[0].length - a[0].length)[0];
    if (!hit) return `${where(reg.origin)}: ${m[2]}`;
    const [k, v] = hit;
    const suffix = k === '' ? (field ? `.${field}` : '') : v === '.spec' || v === '.metadata' ? `${v}.${field}` : `${v}${field.slice(k.length)}`;
    return `${where(reg.origin, suffix)}: ${rest}`;
  }

  private register(construct: { node: { path: string } }, origin: Origin, fields: FieldMap): void {
    if (!this.registry.has(construct.node.path)) this.registry.set(construct.node.path, { origin, fields });
  }

  private build(problems: string[]): void {
    const b = this.bundle;
    const lc = b.logicalCloud!;
    const l = lc.value;
    const mesh = new Mesh(this.app, l.name, {
      name: l.name,
      trustDomain: l.trustDomain,
      discovery: l.discovery,
      vipRange: l.vipRange,
      clusters: (l.clusters ?? []).map((c: any) => ({
        name: c.name,
        network: c.network,
        rootNamespace: c.rootNamespace,
        eastWestGateway: c.eastWestGateway && {
          address: c.eastWestGateway.address, port: asNumber(c.eastWestGateway.port), meshTlsPort: asNumber(c.eastWestGateway.meshTlsPort),
          selector: c.eastWestGateway.selector, namespace: c.eastWestGateway.namespace,
        },
        ingressGateway: c.ingressGateway && {
          address: c.ingressGateway.address, selector: c.ingressGateway.selector, namespace: c.ingressGateway.namespace, serviceAccount: c.ingressGateway.serviceAccount,
        },
      })),
    });
    this.mesh = mesh;
    this.registry.set(mesh.node.path, { origin: lc.origin, fields: MESH_FIELDS });
    const namespace: string = l.namespace ?? 'default';

    /** The clusters an application is placed in, or a problem. */
    const placed = (app: unknown, at: string): MeshCluster[] | undefined => {
      const p = typeof app === 'string' ? b.placement.get(app) : undefined;
      if (!p) {
        problems.push(`${at}: ${show(app)} has no placement (add it to $.placement: ${show(app)}: [<cluster>, ...]; placed: ${[...b.placement.keys()].join(', ') || 'none'})`);
        return undefined;
      }
      const clusters: MeshCluster[] = [];
      p.value.forEach((name, i) => {
        const c = mesh.clusters.find((x) => x.clusterName === name);
        if (!c) problems.push(`${where(p.origin, `[${i}]`)}: ${show(name)} is not a cluster of the logical cloud (${mesh.clusters.map((x) => x.clusterName).join(', ')})`);
        else clusters.push(c);
      });
      return clusters.length === p.value.length && clusters.length > 0 ? clusters : undefined;
    };

    // ── inbound services ────────────────────────────────────────────────────────────
    const services = new Map<string, { service: InboundService; origin: Origin; external?: ExternalRef }>();
    const addService = (name: string, origin: Origin, fields: FieldMap, make: () => { service: InboundService; external?: ExternalRef } | undefined) => {
      const prev = services.get(name);
      if (prev) {
        problems.push(`${where(origin, '.metadata.name')}: ${show(name)} is already the name of ${where(prev.origin)} (intent names are unique)`);
        return;
      }
      const made = make();
      if (!made) return;
      this.register(made.service, origin, fields);
      services.set(name, { ...made, origin });
    };
    const inbound = [
      ...b.inboundServices.map((item) => ({ item, app: item.value.spec.application, appField: '.spec.application', fields: SEED_SERVICE_FIELDS, props: seedServiceProps })),
      ...b.emcoInboundIntents.map((item) => ({ item, app: item.value.spec.app, appField: '.spec.app', fields: EMCO_SERVICE_FIELDS, props: emcoServiceProps })),
    ];
    for (const { item, app, appField, fields, props: toProps } of inbound) {
      const name = item.value.metadata.name;
      addService(name, item.origin, fields, () => {
        const clusters = placed(app, where(item.origin, appField));
        const props = clusters && toProps(item, namespace, problems);
        if (!clusters || !props) return undefined;
        const service = new InboundService(clusters[0], `inbound:${name}`, { ...props.props, name, additionalClusters: clusters.slice(1) });
        return { service, external: props.external };
      });
    }
    const serviceRef = (name: unknown, at: string) => {
      const s = typeof name === 'string' ? services.get(name) : undefined;
      if (!s) problems.push(`${at}: ${show(name)} is not an inbound service of the bundle (${[...services.keys()].join(', ') || 'none'})`);
      return s;
    };

    // ── clients ─────────────────────────────────────────────────────────────────────
    const clients = new Map<string, { client: ServiceClient; origin: Origin; key: string }>();
    const addClient = (name: string, key: string, origin: Origin, fields: FieldMap, make: () => ServiceClient | undefined) => {
      const prev = clients.get(name);
      if (prev) {
        if (prev.key !== key) problems.push(`${where(origin)}: client ${show(name)} is declared differently in ${where(prev.origin)} (a client's fields must agree wherever it is named)`);
        return prev.client;
      }
      const client = make();
      if (!client) return undefined;
      this.register(client, origin, fields);
      clients.set(name, { client, origin, key });
      return client;
    };
    for (const item of b.clients) {
      const { metadata: md, spec = {} } = item.value;
      const target = serviceRef(item.value.inboundService, where(item.origin, '.inboundService'));
      const app = md.application ?? spec.clientServiceName ?? md.name;
      const headless = flag(spec.headless, where(item.origin, '.spec.headless'), problems);
      checkMeshTls(spec.mTLS, where(item.origin, '.spec.mTLS'), problems);
      const props = { serviceName: spec.clientServiceName, namespace: spec.namespace ?? namespace, serviceAccount: spec.serviceAccount, headless };
      const client = addClient(md.name, JSON.stringify([app, props]), item.origin, CLIENT_FIELDS, () => {
        const clusters = placed(app, where(item.origin, md.application ? '.metadata.application' : '.metadata.name'));
        return clusters && new ServiceClient(clusters[0], `client:${md.name}`, { ...props, name: md.name, additionalClusters: clusters.slice(1) });
      });
      if (client && target) client.connectTo(target.service);
    }
    for (const item of b.emcoClientsIntents) {
      const { metadata: md, spec } = item.value;
      const target = serviceRef(item.value.inboundIntent, where(item.origin, '.inboundIntent'));
      const props = { serviceName: spec.serviceName, namespace, serviceAccount: spec.serviceName };
      const client = addClient(md.name, JSON.stringify([spec.app, props]), item.origin, EMCO_CLIENT_FIELDS, () => {
        const clusters = placed(spec.app, where(item.origin, '.spec.app'));
        return clusters && new ServiceClient(clusters[0], `client:${md.name}`, { ...props, name: md.name, additionalClusters: clusters.slice(1) });
      });
      if (!client || !target) continue;
      client.connectTo(target.service);
      // EMCO's `namespaces` (unused by EMCO itself) means what the seed's does: workloads of
      // these namespaces may call the service. `cidrs` narrow external access.
      if ((spec.namespaces ?? []).length > 0) target.service.allowFromNamespaces(spec.namespaces);
      const cidrs: string[] = spec.cidrs ?? [];
      if (cidrs.length > 0 && !target.external) problems.push(`${where(item.origin, '.spec.cidrs')}: ${show(cidrs)} only applies to external access, and ${show(item.value.inboundIntent)} has no externalSupport`);
      else if (cidrs.length > 0) {
        cidrs.forEach((c, i) => { if (!isCidrOrIp(c)) problems.push(`${where(item.origin, `.spec.cidrs[${i}]`)}: ${show(c)} is not an IP address or CIDR block`); });
        target.external!.remoteIpBlocks.push(...cidrs.filter(isCidrOrIp));
      }
    }

    // ── security intents / access points ────────────────────────────────────────────
    const policyNames = new Map<InboundService, Map<string, Origin>>();
    /** Reserves a policy name on a service; false (with a problem) when it is taken. */
    const claimPolicyName = (service: InboundService, name: string, origin: Origin): boolean => {
      const taken = policyNames.get(service) ?? new Map<string, Origin>();
      policyNames.set(service, taken);
      const prev = taken.get(name);
      if (prev) {
        problems.push(`${where(origin, '.metadata.name')}: ${show(name)} is already the name of ${where(prev)} for the same inbound service`);
        return false;
      }
      taken.set(name, origin);
      return true;
    };
    for (const item of b.securityIntents) {
      const target = serviceRef(item.value.inboundService, where(item.origin, '.inboundService'));
      const clientName = item.value.client;
      const client = clientName === undefined ? undefined : clients.get(clientName)?.client;
      if (clientName !== undefined && !client) problems.push(`${where(item.origin, '.client')}: ${show(clientName)} is not a client of the bundle (${[...clients.keys()].join(', ') || 'none'})`);
      if (!target) continue;
      if (!claimPolicyName(target.service, item.value.metadata.name, item.origin)) continue;
      const access = item.value.spec.serviceAccountAccess as Record<string, Array<Record<string, string>>>;
      if (client && !Object.keys(access).includes(client.principal)) {
        problems.push(`${where(item.origin, '.spec.serviceAccountAccess')}: names ${show(Object.keys(access))}, but client ${show(clientName)} is ${show(client.principal)} (the rules would not apply to it; name its principal, or drop "client")`);
        continue;
      }
      const principals = Object.keys(access).sort();
      if (principals.length === 0) problems.push(`${where(item.origin, '.spec.serviceAccountAccess')}: {} names no principal (give "<trustDomain>/ns/<ns>/sa/<sa>": [{ GET: /path }])`);
      for (const principal of principals) {
        const rules: AccessRule[] = access[principal].flatMap((entry) => Object.entries(entry).map(([method, p]) => ({ methods: [method as HttpMethod], paths: [p] })));
        const forClient = client && client.principal === principal ? client : undefined;
        const id = `policy:${item.value.metadata.name}:${principals.indexOf(principal)}`;
        const policy = new ServiceAccessPolicy(target.service, id, forClient ? { name: item.value.metadata.name, client: forClient, rules } : { name: item.value.metadata.name, principal, rules });
        const at = `.spec.serviceAccountAccess[${JSON.stringify(principal)}]`;
        this.register(policy, item.origin, [...POLICY_FIELDS, ['rules', at], ['principal', at]]);
      }
    }
    for (const item of b.emcoAccessPoints) {
      const target = serviceRef(item.value.inboundIntent, where(item.origin, '.inboundIntent'));
      const c = clients.get(item.value.clientsIntent);
      if (!c) problems.push(`${where(item.origin, '.clientsIntent')}: ${show(item.value.clientsIntent)} is not a clients intent of the bundle (${[...clients.keys()].join(', ') || 'none'})`);
      if (!target || !c) continue;
      if (!claimPolicyName(target.service, item.value.metadata.name, item.origin)) continue;
      const { url, access } = item.value.spec;
      const rule: AccessRule = { methods: access && access.length > 0 ? access : undefined, paths: url && url.length > 0 ? url : undefined };
      // An access point has no principal: it applies to the clients intent's identity.
      const policy = new ServiceAccessPolicy(target.service, `policy:${item.value.metadata.name}`, { name: item.value.metadata.name, client: c.client, rules: rule.methods || rule.paths ? [rule] : [] });
      this.register(policy, item.origin, EMCO_POLICY_FIELDS);
    }
  }
}

/** External access settings still open to additions (EMCO client cidrs). */
interface ExternalRef {
  readonly remoteIpBlocks: string[];
}

function asNumber(v: unknown): any {
  return typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
}

const TRUE = new Set(['true', 'yes']);
const FALSE = new Set(['false', 'no']);

/** `true`/`false`, `"true"`/`"false"`, `"yes"`/`"no"` (any case). */
function flag(v: unknown, at: string, problems: string[]): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  problems.push(`${at}: ${show(v)} is not a yes/no value (true, false, "yes", "no")`);
  return undefined;
}

function checkMeshTls(v: unknown, at: string, problems: string[]): void {
  if (v !== undefined && String(v).toUpperCase() !== 'ISTIO_MUTUAL') {
    problems.push(`${at}: ${show(v)} is not supported for a client: calls inside the mesh always use ISTIO_MUTUAL (external TLS is set on the inbound service's mutualTLS)`);
  }
}

const PEM = /-----BEGIN /;

function seedServiceProps(item: Located<any>, namespace: string, problems: string[]): { props: InboundServiceProps; external?: ExternalRef } | undefined {
  const { metadata: md, spec } = item.value;
  const at = (f: string) => where(item.origin, f);
  const before = problems.length;
  const headless = flag(spec.headless, at('.spec.headless'), problems);
  const sidecar = flag(spec['istio-proxy'], at('.spec.istio-proxy'), problems);
  const dryRun = flag(spec.dryRun, at('.spec.dryRun'), problems);

  const lb = spec.loadBalancing;
  let loadBalancer: LoadBalancer | undefined;
  if (lb) {
    const useSourceIp = flag(lb.useSourceIp, at('.spec.loadBalancing.useSourceIp'), problems);
    const hashes = [
      lb.httpCookie !== undefined && 'httpCookie', lb.httpHeaderName !== undefined && 'httpHeaderName',
      lb.httpQueryParameterName !== undefined && 'httpQueryParameterName', useSourceIp === true && 'useSourceIp',
    ].filter((h): h is string => typeof h === 'string');
    const mode = lb.mode ?? (hashes.length > 0 ? 'CONSISTENT_HASH' : undefined);
    if (mode === undefined) problems.push(`${at('.spec.loadBalancing')}: ${show(lb)} chooses nothing (give mode, or one of httpCookie, httpHeaderName, httpQueryParameterName, useSourceIp: true)`);
    else if (hashes.length > 1) problems.push(`${at('.spec.loadBalancing')}: sets ${hashes.join(' and ')}; a consistent hash uses one of httpCookie, httpHeaderName, httpQueryParameterName, useSourceIp`);
    else if (mode === 'CONSISTENT_HASH' && hashes.length === 0) problems.push(`${at('.spec.loadBalancing')}: mode CONSISTENT_HASH needs one of httpCookie, httpHeaderName, httpQueryParameterName, useSourceIp`);
    else if (mode !== 'CONSISTENT_HASH' && hashes.length > 0) problems.push(`${at('.spec.loadBalancing.mode')}: ${show(mode)} cannot be combined with ${hashes[0]} (two load-balancer kinds at once; use mode CONSISTENT_HASH)`);
    else if (mode === 'ROUND_ROBIN') loadBalancer = LoadBalancer.roundRobin();
    else if (mode === 'LEAST_REQUEST') loadBalancer = LoadBalancer.leastRequest();
    else if (mode === 'RANDOM') loadBalancer = LoadBalancer.random();
    else if (lb.httpCookie !== undefined) loadBalancer = LoadBalancer.consistentHashByCookie(lb.httpCookie);
    else if (lb.httpHeaderName !== undefined) loadBalancer = LoadBalancer.consistentHashByHeader(lb.httpHeaderName);
    else if (lb.httpQueryParameterName !== undefined) loadBalancer = LoadBalancer.consistentHashByQueryParameter(lb.httpQueryParameterName);
    else loadBalancer = LoadBalancer.consistentHashBySourceIp();
  }
  const pool = pick({
    maxConnections: asNumber(spec.maxConnections), connectTimeout: spec.connectTimeout, http2MaxRequests: asNumber(spec.http2MaxRequests),
    maxRequestsPerConnection: asNumber(spec.maxRequestsPerConnection), http1MaxPendingRequests: asNumber(spec.http1MaxPendingRequests),
  });
  const outlier = pick({
    consecutive5xxErrors: asNumber(spec.consecutive5xxErrors), consecutiveGatewayErrors: asNumber(spec.consecutiveGatewayErrors),
    interval: spec.intervalSweep, baseEjectionTime: spec.baseEjectionTime, maxEjectionPercent: asNumber(spec.maxEjectionPercent),
  });
  const trafficPolicy: TrafficPolicyOptions | undefined = loadBalancer || pool || outlier ? pick({ loadBalancer, connectionPool: pool, outlierDetection: outlier }) : undefined;

  // External access: SIMPLE / MUTUAL, certificates only as Secret references.
  const mode = spec.mutualTLS === undefined ? 'ISTIO_MUTUAL' : String(spec.mutualTLS).toUpperCase();
  let externalAccess: ExternalAccess | undefined;
  let external: ExternalRef | undefined;
  for (const f of ['Servicecertificate', 'ServicePrivateKey']) {
    if (typeof spec[f] === 'string' && PEM.test(spec[f])) problems.push(`${at(`.spec.${f}`)}: PEM is not accepted in a bundle (it would be committed); put it in a Secret in the ingress gateway's namespace and name it in credentialName`);
  }
  const credentialName = spec.credentialName ?? (PEM.test(spec.Servicecertificate ?? '') ? undefined : spec.Servicecertificate || undefined);
  if (spec.ServicePrivateKey && !PEM.test(spec.ServicePrivateKey) && spec.ServicePrivateKey !== credentialName) {
    problems.push(credentialName === undefined
      ? `${at('.spec.ServicePrivateKey')}: ${show(spec.ServicePrivateKey)} is given without a certificate Secret (set credentialName: the Secret holding tls.crt and tls.key)`
      : `${at('.spec.ServicePrivateKey')}: ${show(spec.ServicePrivateKey)} must name the same Secret as the certificate (${show(credentialName)}): Istio reads tls.crt and tls.key from one Secret`);
  }
  if (mode === 'SIMPLE' || mode === 'MUTUAL') {
    if (spec.externalHost === undefined) problems.push(`${at('.spec.externalHost')}: is required with mutualTLS ${mode} (the host name external clients use)`);
    if (credentialName === undefined) problems.push(`${at('.spec.credentialName')}: is required with mutualTLS ${mode} (the Secret holding tls.crt and tls.key${mode === 'MUTUAL' ? ', and ca.crt' : ''})`);
    external = { remoteIpBlocks: [...(spec.remoteIpBlocks ?? [])] };
    const options = { host: spec.externalHost, port: asNumber(spec.externalPort), credential: TlsCredential.fromSecret(credentialName), remoteIpBlocks: external.remoteIpBlocks };
    externalAccess = mode === 'SIMPLE' ? ExternalAccess.simple(options) : ExternalAccess.mutual({ ...options, clientCa: ClientCertificateAuthority.inCredentialSecret() });
  } else if (mode !== 'ISTIO_MUTUAL') {
    problems.push(`${at('.spec.mutualTLS')}: ${show(spec.mutualTLS)} is not a TLS mode (ISTIO_MUTUAL, SIMPLE or MUTUAL)`);
  } else {
    for (const f of ['externalHost', 'externalPort', 'credentialName', 'remoteIpBlocks', 'Servicecertificate', 'ServicePrivateKey']) {
      if (spec[f] !== undefined) problems.push(`${at(`.spec.${f}`)}: is only used with mutualTLS SIMPLE or MUTUAL (external clients); this service is ISTIO_MUTUAL`);
    }
  }
  if (problems.length > before) return undefined;

  for (const n of ['1', '2']) {
    if (md[`userdata${n}`] !== undefined && md[`userData${n}`] !== undefined) problems.push(`${at(`.metadata.userData${n}`)}: is given together with userdata${n} (give one)`);
  }
  const userData = pick({ userdata1: md.userdata1 ?? md.userData1, userdata2: md.userdata2 ?? md.userData2 });
  const props: InboundServiceProps = pick({
    name: md.name,
    description: md.description,
    userData,
    application: spec.application,
    serviceName: spec.servicename,
    namespace: spec.namespace ?? namespace,
    protocol: spec.protocol,
    port: asNumber(spec.port),
    targetPort: asNumber(spec.targetPort),
    headless,
    instances: asNumber(spec.instances),
    sidecar,
    serviceMesh: spec.serviceMesh,
    trafficPolicy,
    timeout: spec.timeout,
    retries: spec.retries && pick({ attempts: asNumber(spec.retries.attempts), perTryTimeout: spec.retries.perTryTimeout, retryOn: typeof spec.retries.retryOn === 'string' ? spec.retries.retryOn.split(',') : spec.retries.retryOn }),
    allowedNamespaces: spec.namespaces && spec.namespaces.length > 0 ? spec.namespaces : undefined,
    workloadLabels: spec.workloadLabels,
    serviceAccount: spec.serviceAccount,
    externalAccess,
    dryRun,
    vip: spec.vip,
  }) as InboundServiceProps;
  return { props, external };
}

function emcoServiceProps(item: Located<any>, namespace: string, problems: string[]): { props: InboundServiceProps; external?: ExternalRef } | undefined {
  const { metadata: md, spec } = item.value;
  const at = (f: string) => where(item.origin, f);
  const before = problems.length;
  let workloadLabels: Record<string, string> | undefined;
  if (spec.appLabel !== undefined) {
    const m = /^([^=]+)=(.*)$/.exec(spec.appLabel);
    if (!m) problems.push(`${at('.spec.appLabel')}: ${show(spec.appLabel)} is not a label ("key=value", e.g. "app=httpbin")`);
    else workloadLabels = { [m[1]]: m[2] };
  }
  const sidecar = flag(spec.management?.sidecarProxy, at('.spec.management.sidecarProxy'), problems);
  const externalSupport = flag(spec.externalSupport, at('.spec.externalSupport'), problems);
  let externalAccess: ExternalAccess | undefined;
  let external: ExternalRef | undefined;
  if (spec.external?.externalCerts !== undefined) {
    problems.push(`${at('.spec.external.externalCerts')}: certificates are not accepted in a bundle (they would be committed); put them in a Secret and set external.credentialName`);
  }
  if (externalSupport) {
    const tls = String(spec.management?.tlsType ?? 'SIMPLE').toUpperCase();
    const credentialName = spec.external?.credentialName ?? `${spec.serviceName}-credential`;
    if (spec.externalName === undefined) problems.push(`${at('.spec.externalName')}: is required with externalSupport (the host name external clients use)`);
    external = { remoteIpBlocks: [] };
    const options = { host: spec.externalName, credential: TlsCredential.fromSecret(credentialName), remoteIpBlocks: external.remoteIpBlocks };
    if (tls === 'SIMPLE') externalAccess = ExternalAccess.simple(options);
    else if (tls === 'MUTUAL') externalAccess = ExternalAccess.mutual({ ...options, clientCa: ClientCertificateAuthority.inCredentialSecret() });
    else problems.push(`${at('.spec.management.tlsType')}: ${show(spec.management?.tlsType)} is not supported for external access (SIMPLE or MUTUAL; plain-text external access is not offered)`);
  } else {
    if (spec.management?.tlsType !== undefined && !['NONE', 'ISTIO_MUTUAL'].includes(String(spec.management.tlsType).toUpperCase())) {
      problems.push(`${at('.spec.management.tlsType')}: ${show(spec.management.tlsType)} needs externalSupport: true (it sets TLS for external clients)`);
    }
    if (spec.externalName !== undefined) problems.push(`${at('.spec.externalName')}: is only used with externalSupport: true`);
    if (spec.external?.credentialName !== undefined) problems.push(`${at('.spec.external.credentialName')}: is only used with externalSupport: true`);
  }
  if (problems.length > before) return undefined;
  const props = pick({
    name: md.name,
    description: md.description,
    userData: pick({ userdata1: md.userData1, userdata2: md.userData2 }),
    serviceName: spec.serviceName,
    namespace,
    protocol: spec.protocol,
    port: asNumber(spec.port),
    sidecar,
    serviceMesh: spec.serviceMesh,
    workloadLabels,
    externalAccess,
  }) as InboundServiceProps;
  return { props, external };
}

/** Drops undefined values, so defaults apply (`{ a: undefined }` would override them). */
function pick<T extends object>(o: T): T | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Builds the constructs of a bundle into a new App. Throws BundleError with every problem. */
export function buildBundle(bundle: LoadedBundle, app: App = new App()): BundleApp {
  return new BundleApp(app, bundle);
}
