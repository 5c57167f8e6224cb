/**
 * Turns a loaded bundle into the same constructs a TypeScript app declares (Mesh,
 * InboundService, ServiceClient, ServiceAccessPolicy): the bundle is a front end to the
 * constructs, not a second generator. Construct errors are translated back to bundle
 * locations (file, document, JSON path).
 */
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AccessRule, HttpMethod, ServiceAccessPolicy } from '../access-policy';
import { ClientCertificateAuthority, ExternalAccess, TlsCredential } from '../external-access';
import { InboundService, InboundServiceProps } from '../inbound-service';
import { Mesh, MeshCluster } from '../mesh';
import { ClusterManifests, synthClusters } from '../mesh-app';
import { isCidrOrIp } from '../names';
import { escapeText, pathKey, show } from '../problems';
import { SERVICE_INTENT_LABEL } from '../render/labels';
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
  /** Internal construct ids claimed so far (scope path + id as constructs writes it) → who claimed them. */
  private readonly ids = new Map<string, string>();
  /** Intents whose own problems are reported; what refers to them is not reported again. */
  private readonly failed = { inbound: new Set<string>(), clients: new Set<string>(), clusters: new Set<string>() };
  private readonly serviceOrigins = new Map<string, Located<any>>();
  private readonly problems: string[];
  public mesh?: Mesh;

  constructor(public readonly app: App, private readonly bundle: LoadedBundle) {
    this.problems = [...bundle.problems];
    if (bundle.logicalCloud) this.build(this.problems);
  }

  /**
   * Synthesizes every cluster. Every problem is reported at once, as bundle locations: those
   * found while reading, while building, and the constructs' own checks at synth.
   */
  public synth(): ClusterManifests[] {
    const problems = [...this.problems];
    let clusters: ClusterManifests[] = [];
    if (this.mesh) {
      try {
        clusters = synthClusters(this.app);
      } catch (e) {
        const message = (e as Error).message;
        if (!/^(Validation|Synthesis) failed with the following errors:/.test(message)) throw e;
        problems.push(...message.split('\n').slice(1).map((line) => this.translate(line.trim())));
      }
    }
    if (problems.length > 0) throw new BundleError(byLocation(problems));
    return clusters;
  }

  /** `[construct/path] field: message` → `file#doc $.json.path: message`. */
  private translate(line: string): string {
    const m = /^\[([^\]]*)\] (.*)$/.exec(line);
    if (!m) return line;
    const reg = this.registry.get(m[1]);
    if (!reg) return line;
    if (reg.fields === MESH_FIELDS) {
      const owned = this.translateObjectFinding(m[2]);
      if (owned) return owned;
    }
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

  /**
   * A finding of the manifest checks about one object (`cluster c: Kind/ns/name /pointer: ...`),
   * reported at the inbound service that the object was rendered for, and at the field that
   * caused it where that is known (annotations come from description and userdata).
   */
  private translateObjectFinding(text: string): string | undefined {
    const m = /^cluster (\S+): (?:([A-Z]+[0-9]*) )?([A-Za-z]+)\/([^/ ]*)\/([^ :]+)(?: (\/\S*))?: (.*)$/.exec(text);
    const chart = m && this.mesh?.clusters.find((c) => c.clusterName === m[1]);
    if (!m || !chart) return undefined;
    const obj = chart.node.tryFindChild(`${m[3]}.${m[4]}.${m[5]}`);
    const owner = obj instanceof ApiObject ? obj.metadata.getLabel(SERVICE_INTENT_LABEL) : undefined;
    const item = owner === undefined ? undefined : this.serviceOrigins.get(owner);
    if (!item) return undefined;
    let field = '';
    if (m[6]?.startsWith('/metadata/annotations')) {
      const md = item.value.metadata ?? {};
      const sizes = ['description', 'userdata1', 'userdata2', 'userData1', 'userData2'].filter((k) => typeof md[k] === 'string');
      const largest = sizes.sort((a, b) => md[b].length - md[a].length)[0];
      field = largest ? `.metadata.${largest}` : '.metadata';
    }
    const code = m[2] ? `${m[2]} ` : '';
    return `${where(item.origin, field)}: ${code}${m[3]}/${m[4]}/${m[5]} in cluster ${m[1]}${m[6] ? ` ${m[6]}` : ''}: ${m[7]}`;
  }

  private register(construct: { node: { path: string } }, origin: Origin, fields: FieldMap): void {
    if (!this.registry.has(construct.node.path)) this.registry.set(construct.node.path, { origin, fields });
  }

  /**
   * Reserves the construct id an intent becomes, or records a problem: constructs writes "/"
   * as "--", so `a/b` and `a--b` would be one construct (and an empty id none at all).
   */
  private claimId(problems: string[], scope: IConstruct | string, id: string, at: string, name: unknown): boolean {
    const sanitized = id.replace(/[/\n]/g, '--');
    const key = `${typeof scope === 'string' ? scope : scope.node.path}\n${sanitized}`;
    const prev = this.ids.get(key);
    if (prev !== undefined) {
      problems.push(`${at}: ${show(name)} collides with ${prev} (both become the internal id ${show(sanitized)}, as "/" is written "--"); rename one`);
      return false;
    }
    this.ids.set(key, at);
    return true;
  }

  /** Runs a construct's creation; an unexpected error becomes a problem at the intent, never a stack trace. */
  private guarded<T>(problems: string[], at: string, make: () => T): T | undefined {
    try {
      return make();
    } catch (e) {
      problems.push(`${at}: cannot be built: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    }
  }

  /**
   * The Mesh of the logical cloud. Names that cannot be construct ids (empty, or two cluster
   * names that constructs would both write as `a--b`) are problems; those clusters are left
   * out, and placements on them are not reported again.
   */
  private buildMesh(problems: string[], lc: Located<any>): Mesh | undefined {
    const l = lc.value;
    if (typeof l.name !== 'string' || l.name === '') {
      problems.push(`${where(lc.origin, '.name')}: ${show(l.name)} is not a logical cloud name (a DNS-1123 label)`);
      return undefined;
    }
    const clusters: any[] = [];
    (Array.isArray(l.clusters) ? l.clusters : []).forEach((c: any, i: number) => {
      const at = where(lc.origin, `.clusters[${i}].name`);
      if (typeof c?.name !== 'string' || c.name === '') problems.push(`${at}: ${show(c?.name)} is not a cluster name (a DNS-1123 label)`);
      else if (this.claimId(problems, `mesh ${l.name}`, c.name, at, c.name)) return clusters.push(c);
      if (typeof c?.name === 'string') this.failed.clusters.add(c.name);
      return undefined;
    });
    const mesh = this.guarded(problems, where(lc.origin), () => new Mesh(this.app, l.name, {
      name: l.name,
      trustDomain: l.trustDomain,
      discovery: l.discovery,
      vipRange: l.vipRange,
      clusters: clusters.map((c: any) => ({
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
    }));
    if (!mesh) return undefined;
    this.mesh = mesh;
    this.registry.set(mesh.node.path, { origin: lc.origin, fields: MESH_FIELDS });
    return mesh;
  }

  private build(problems: string[]): void {
    const b = this.bundle;
    const lc = b.logicalCloud!;
    const l = lc.value;
    const mesh = this.buildMesh(problems, lc);
    if (!mesh) return;
    const namespace: string = l.namespace ?? 'default';

    /** The clusters an application is placed in, or a problem. */
    const placed = (app: unknown, at: string): MeshCluster[] | undefined => {
      const p = typeof app === 'string' ? b.placement.get(app) : undefined;
      if (!p && typeof app === 'string' && b.excluded.apps.has(app)) return undefined; // its own problem is reported
      if (!p) {
        problems.push(`${at}: ${show(app)} has no placement (add it to $.placement: ${show(app)}: [<cluster>, ...]; placed: ${listed([...b.placement.keys()])})`);
        return undefined;
      }
      const clusters: MeshCluster[] = [];
      p.value.forEach((name, i) => {
        const c = mesh.clusters.find((x) => x.clusterName === name);
        if (!c && this.failed.clusters.has(name)) return;
        if (!c) problems.push(`${where(p.origin, `[${i}]`)}: ${show(name)} is not a cluster of the logical cloud (${listed(mesh.clusters.map((x) => x.clusterName))})`);
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
      const made = this.guarded(problems, where(origin), make);
      if (!made) {
        this.failed.inbound.add(name);
        return;
      }
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
        if (!this.claimId(problems, clusters[0], `inbound:${name}`, where(item.origin, '.metadata.name'), name)) return undefined;
        this.serviceOrigins.set(name, item);
        const service = new InboundService(clusters[0], `inbound:${name}`, { ...props.props, name, additionalClusters: clusters.slice(1) });
        return { service, external: props.external };
      });
    }
    const serviceRef = (name: unknown, at: string) => {
      const s = typeof name === 'string' ? services.get(name) : undefined;
      const reported = typeof name === 'string' && (b.excluded.inbound.has(name) || this.failed.inbound.has(name));
      if (!s && !reported) problems.push(`${at}: ${show(name)} is not an inbound service of the bundle (${listed([...services.keys()])})`);
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
      const client = this.guarded(problems, where(origin), make);
      if (!client) {
        this.failed.clients.add(name);
        return undefined;
      }
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
        if (!clusters || !this.claimId(problems, clusters[0], `client:${md.name}`, where(item.origin, '.metadata.name'), md.name)) return undefined;
        return new ServiceClient(clusters[0], `client:${md.name}`, { ...props, name: md.name, additionalClusters: clusters.slice(1) });
      });
      if (client && target) client.connectTo(target.service);
    }
    for (const item of b.emcoClientsIntents) {
      const { metadata: md, spec } = item.value;
      const target = serviceRef(item.value.inboundIntent, where(item.origin, '.inboundIntent'));
      const props = { serviceName: spec.serviceName, namespace, serviceAccount: spec.serviceName };
      const client = addClient(md.name, JSON.stringify([spec.app, props]), item.origin, EMCO_CLIENT_FIELDS, () => {
        const clusters = placed(spec.app, where(item.origin, '.spec.app'));
        if (!clusters || !this.claimId(problems, clusters[0], `client:${md.name}`, where(item.origin, '.metadata.name'), md.name)) return undefined;
        return new ServiceClient(clusters[0], `client:${md.name}`, { ...props, name: md.name, additionalClusters: clusters.slice(1) });
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
      const clientReported = typeof clientName === 'string' && (b.excluded.clients.has(clientName) || this.failed.clients.has(clientName));
      if (clientName !== undefined && !client && clientReported) continue;
      if (clientName !== undefined && !client) problems.push(`${where(item.origin, '.client')}: ${show(clientName)} is not a client of the bundle (${listed([...clients.keys()])})`);
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
        const at = `.spec.serviceAccountAccess${pathKey(principal, true)}`;
        if (!this.claimId(problems, target.service, id, where(item.origin, '.metadata.name'), item.value.metadata.name)) break;
        const name = item.value.metadata.name;
        const policy = this.guarded(problems, where(item.origin, at), () => new ServiceAccessPolicy(target.service, id, forClient ? { name, client: forClient, rules } : { name, principal, rules }));
        if (policy) this.register(policy, item.origin, [...POLICY_FIELDS, ['rules', at], ['principal', at]]);
      }
    }
    for (const item of b.emcoAccessPoints) {
      const target = serviceRef(item.value.inboundIntent, where(item.origin, '.inboundIntent'));
      const c = clients.get(item.value.clientsIntent);
      const clientReported = b.excluded.clients.has(item.value.clientsIntent) || this.failed.clients.has(item.value.clientsIntent);
      if (!c && !clientReported) problems.push(`${where(item.origin, '.clientsIntent')}: ${show(item.value.clientsIntent)} is not a clients intent of the bundle (${listed([...clients.keys()])})`);
      if (!target || !c) continue;
      if (!claimPolicyName(target.service, item.value.metadata.name, item.origin)) continue;
      const { url, access } = item.value.spec;
      const rule: AccessRule = { methods: access && access.length > 0 ? access : undefined, paths: url && url.length > 0 ? url : undefined };
      // An access point has no principal: it applies to the clients intent's identity.
      const id = `policy:${item.value.metadata.name}`;
      if (!this.claimId(problems, target.service, id, where(item.origin, '.metadata.name'), item.value.metadata.name)) continue;
      const props = { name: item.value.metadata.name, client: c.client, rules: rule.methods || rule.paths ? [rule] : [] };
      const policy = this.guarded(problems, where(item.origin), () => new ServiceAccessPolicy(target.service, id, props));
      if (policy) this.register(policy, item.origin, EMCO_POLICY_FIELDS);
    }
  }
}

/** Names for a message: escaped (invisible characters show), at most 20. */
function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.slice(0, 20).map(escapeText).join(', ') + (names.length > 20 ? `, ... (${names.length} in all)` : '');
}

/** Problems sorted by where they are (file, then document), stable otherwise; code-unit order, never the locale's. */
function byLocation(problems: readonly string[]): string[] {
  const key = (p: string) => {
    const m = /^(.*?)#(\d+)[ :]/.exec(p);
    return m ? { file: m[1], doc: Number(m[2]) } : { file: '', doc: 0 };
  };
  const unique = [...new Set(problems)];
  return unique.map((p) => ({ p, k: key(p) }))
    .sort((a, b) => (a.k.file < b.k.file ? -1 : a.k.file > b.k.file ? 1 : a.k.doc - b.k.doc))
    .map((x) => x.p);
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
