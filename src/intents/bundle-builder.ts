/**
 * Builds the constructs of a bundle, one section at a time: the logical cloud's Mesh, then
 * inbound services (seed and EMCO), clients (seed and EMCO), security intents and EMCO access
 * points. Every problem is collected (never thrown), and every construct is registered with the
 * bundle item it came from, so that its own problems at synth are reported there.
 */
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AccessRule, HttpMethod, ServiceAccessPolicy, ServiceAccessPolicyProps } from '../access-policy';
import { InboundService } from '../inbound-service';
import { Mesh, MeshCluster } from '../mesh';
import { isCidrOrIp } from '../names';
import { pathKey, show } from '../problems';
import { ServiceClient, ServiceClientProps } from '../service-client';
import type { ClusterProps } from '../topology';
import type { ClientJson, ClusterJson, EmcoAccessPointJson, EmcoClientsIntentJson, LogicalCloudJson, SecurityIntentJson } from './bundle-json';
import { asNumber, flag, listed } from './bundle-values';
import { emcoServiceProps } from './emco-service';
import {
  CLIENT_FIELDS, EMCO_CLIENT_FIELDS, EMCO_POLICY_FIELDS, EMCO_SERVICE_FIELDS, FieldMap, MESH_FIELDS, POLICY_FIELDS, Registered, SEED_SERVICE_FIELDS,
} from './field-maps';
import { LoadedBundle, Located, Origin, where } from './load';
import type { ServiceClusters } from './seed-multicluster';
import { seedServiceProps } from './seed-service';
import type { ExternalRef, ServicePropsResult } from './service-result';
import type { BuiltBundle, ServiceItem } from './translate';

interface BuiltService {
  readonly service: InboundService;
  readonly origin: Origin;
  readonly external?: ExternalRef;
}

interface BuiltClient {
  readonly client: ServiceClient;
  readonly origin: Origin;
  /** The client's fields as compared when it is named again. */
  readonly key: string;
}

/** An item with a name (clients and policies are keyed by it). */
interface NamedItem {
  readonly metadata: { readonly name: string };
}

/** The rules a security intent grants one principal (the index makes the policy's id). */
interface PrincipalGrant {
  readonly index: number;
  readonly principal: string;
  readonly client?: ServiceClient;
}

/** An inbound service item of either format, with how to read it. */
interface InboundSource {
  readonly item: Located<ServiceItem>;
  readonly app: string;
  readonly appField: string;
  readonly fields: FieldMap;
  /** The item's props, given the clusters it is placed in. */
  readonly props: (placed: readonly MeshCluster[]) => ServicePropsResult | undefined;
}

export class BundleBuilder implements BuiltBundle {
  public readonly registry = new Map<string, Registered>();
  public readonly serviceOrigins = new Map<string, Located<ServiceItem>>();
  public mesh?: Mesh;
  /** Internal construct ids claimed so far (scope path + id as constructs writes it) → who claimed them. */
  private readonly ids = new Map<string, string>();
  /** Intents whose own problems are reported; what refers to them is not reported again. */
  private readonly failed = { inbound: new Set<string>(), clients: new Set<string>(), clusters: new Set<string>() };
  private readonly services = new Map<string, BuiltService>();
  private readonly clients = new Map<string, BuiltClient>();
  /** Access policy names taken per inbound service. */
  private readonly policyNames = new Map<InboundService, Map<string, Origin>>();
  private meshClusters: readonly MeshCluster[] = [];
  private namespace = 'default';

  constructor(private readonly app: App, private readonly bundle: LoadedBundle, private readonly problems: string[]) {}

  /** Builds every section of the bundle; a logical cloud that cannot be built stops here. */
  public build(lc: Located<LogicalCloudJson>): void {
    const mesh = this.buildMesh(lc);
    if (!mesh) return;
    this.meshClusters = mesh.clusters;
    this.namespace = lc.value.namespace ?? 'default';
    this.addInboundServices();
    this.bundle.clients.forEach((item) => this.addSeedClient(item));
    this.bundle.emcoClientsIntents.forEach((item) => this.addEmcoClient(item));
    this.bundle.securityIntents.forEach((item) => this.addSecurityIntent(item));
    this.bundle.emcoAccessPoints.forEach((item) => this.addEmcoAccessPoint(item));
  }

  // ── logical cloud ─────────────────────────────────────────────────────────────────

  /**
   * The Mesh of the logical cloud. Names that cannot be construct ids (empty, or two cluster
   * names that constructs would both write as `a--b`) are problems; those clusters are left
   * out, and placements on them are not reported again.
   */
  private buildMesh(lc: Located<LogicalCloudJson>): Mesh | undefined {
    const l = lc.value;
    if (typeof l.name !== 'string' || l.name === '') {
      this.problems.push(`${where(lc.origin, '.name')}: ${show(l.name)} is not a logical cloud name (a DNS-1123 label)`);
      return undefined;
    }
    const clusters = this.usableClusters(lc);
    const mesh = this.guarded(where(lc.origin), () => new Mesh(this.app, l.name, {
      name: l.name,
      trustDomain: l.trustDomain,
      discovery: l.discovery,
      vipRange: l.vipRange,
      strict: l.strict,
      clusters: clusters.map(clusterProps),
    }));
    if (!mesh) return undefined;
    this.mesh = mesh;
    this.registry.set(mesh.node.path, { origin: lc.origin, fields: MESH_FIELDS });
    return mesh;
  }

  /** The clusters whose names can be construct ids; the others are problems, remembered as failed. */
  private usableClusters(lc: Located<LogicalCloudJson>): ClusterJson[] {
    const clusters: ClusterJson[] = [];
    (Array.isArray(lc.value.clusters) ? lc.value.clusters : []).forEach((c, i) => {
      const at = where(lc.origin, `.clusters[${i}].name`);
      if (typeof c?.name !== 'string' || c.name === '') this.problems.push(`${at}: ${show(c?.name)} is not a cluster name (a DNS-1123 label)`);
      else if (this.claimId(`mesh ${lc.value.name}`, c.name, at, c.name)) return clusters.push(c);
      if (typeof c?.name === 'string') this.failed.clusters.add(c.name);
      return undefined;
    });
    return clusters;
  }

  // ── placement ─────────────────────────────────────────────────────────────────────

  /** The clusters an application is placed in, or a problem. */
  private placed(app: unknown, at: string): MeshCluster[] | undefined {
    const { placement, excluded } = this.bundle;
    const p = typeof app === 'string' ? placement.get(app) : undefined;
    if (!p && typeof app === 'string' && excluded.apps.has(app)) return undefined; // its own problem is reported
    if (!p) {
      const hint = `add it to $.placement: ${show(app)}: [<cluster>, ...]; placed: ${listed([...placement.keys()])}`;
      this.problems.push(`${at}: ${show(app)} has no placement (${hint})`);
      return undefined;
    }
    const names = this.meshClusters.map((x) => x.clusterName);
    const clusters: MeshCluster[] = [];
    p.value.forEach((name, i) => {
      const c = this.meshClusters.find((x) => x.clusterName === name);
      if (!c && this.failed.clusters.has(name)) return;
      if (!c) this.problems.push(`${where(p.origin, `[${i}]`)}: ${show(name)} is not a cluster of the logical cloud (${listed(names)})`);
      else clusters.push(c);
    });
    return clusters.length === p.value.length && clusters.length > 0 ? clusters : undefined;
  }

  // ── inbound services (seed and EMCO) ──────────────────────────────────────────────

  private addInboundServices(): void {
    const { inboundServices, emcoInboundIntents } = this.bundle;
    const problems = this.problems;
    const sources: InboundSource[] = [
      ...inboundServices.map((item) => ({
        item, app: item.value.spec.application, appField: '.spec.application', fields: SEED_SERVICE_FIELDS,
        props: (placed: readonly MeshCluster[]) => {
          const clusters = this.serviceClusters(item.value.spec.application, placed);
          return seedServiceProps(item, this.namespace, clusters, problems);
        },
      })),
      ...emcoInboundIntents.map((item) => ({
        item, app: item.value.spec.app, appField: '.spec.app', fields: EMCO_SERVICE_FIELDS,
        props: () => emcoServiceProps(item, this.namespace, problems),
      })),
    ];
    sources.forEach((source) => this.addInboundService(source));
  }

  private addInboundService({ item, app, appField, fields, props: toProps }: InboundSource): void {
    const name = item.value.metadata.name;
    const prev = this.services.get(name);
    if (prev) {
      const at = where(item.origin, '.metadata.name');
      this.problems.push(`${at}: ${show(name)} is already the name of ${where(prev.origin)} (intent names are unique)`);
      return;
    }
    const made = this.guarded(where(item.origin), () => {
      const clusters = this.placed(app, where(item.origin, appField));
      const props = clusters && toProps(clusters);
      if (!clusters || !props) return undefined;
      if (!this.claimId(clusters[0], `inbound:${name}`, where(item.origin, '.metadata.name'), name)) return undefined;
      this.serviceOrigins.set(name, item);
      const service = new InboundService(clusters[0], `inbound:${name}`, { ...props.props, name, additionalClusters: clusters.slice(1) });
      return { service, external: props.external };
    });
    if (!made) {
      this.failed.inbound.add(name);
      return;
    }
    this.register(made.service, item.origin, fields);
    this.services.set(name, { ...made, origin: item.origin });
  }

  /** The clusters a service's fields may name: the logical cloud's, and those its application is placed in. */
  private serviceClusters(app: string, placed: readonly MeshCluster[]): ServiceClusters {
    return { app, cloud: this.meshClusters, placed, reported: this.failed.clusters };
  }

  /** The inbound service an intent names, or a problem (unless that service's own problems are reported). */
  private serviceRef(name: unknown, at: string): BuiltService | undefined {
    const s = typeof name === 'string' ? this.services.get(name) : undefined;
    const reported = typeof name === 'string' && (this.bundle.excluded.inbound.has(name) || this.failed.inbound.has(name));
    if (!s && !reported) this.problems.push(`${at}: ${show(name)} is not an inbound service of the bundle (${listed([...this.services.keys()])})`);
    return s;
  }

  // ── clients (seed and EMCO) ───────────────────────────────────────────────────────

  private addSeedClient(item: Located<ClientJson>): void {
    const { metadata: md, spec = {} } = item.value;
    const target = this.serviceRef(item.value.inboundService, where(item.origin, '.inboundService'));
    const app = md.application ?? spec.clientServiceName ?? md.name;
    const headless = flag(spec.headless, where(item.origin, '.spec.headless'), this.problems);
    checkMeshTls(spec.mTLS, where(item.origin, '.spec.mTLS'), this.problems);
    const props = { serviceName: spec.clientServiceName, namespace: spec.namespace ?? this.namespace, serviceAccount: spec.serviceAccount, headless };
    const appAt = where(item.origin, md.application ? '.metadata.application' : '.metadata.name');
    const client = this.addClient(item, JSON.stringify([app, props]), CLIENT_FIELDS, () => this.newClient(item, app, appAt, props));
    if (client && target) client.connectTo(target.service);
  }

  private addEmcoClient(item: Located<EmcoClientsIntentJson>): void {
    const { spec } = item.value;
    const target = this.serviceRef(item.value.inboundIntent, where(item.origin, '.inboundIntent'));
    const props = { serviceName: spec.serviceName, namespace: this.namespace, serviceAccount: spec.serviceName };
    const appAt = where(item.origin, '.spec.app');
    const client = this.addClient(item, JSON.stringify([spec.app, props]), EMCO_CLIENT_FIELDS, () => this.newClient(item, spec.app, appAt, props));
    if (!client || !target) return;
    client.connectTo(target.service);
    // EMCO's `namespaces` (unused by EMCO itself) means what the seed's does: workloads of
    // these namespaces may call the service. `cidrs` narrow external access.
    if ((spec.namespaces ?? []).length > 0) target.service.allowFromNamespaces(spec.namespaces ?? []);
    this.narrowExternalAccess(item, target);
  }

  /** An EMCO client's `cidrs`: the addresses its calls to the service's external host come from. */
  private narrowExternalAccess(item: Located<EmcoClientsIntentJson>, target: BuiltService): void {
    const cidrs: string[] = item.value.spec.cidrs ?? [];
    if (cidrs.length === 0) return;
    if (!target.external) {
      const why = `only applies to external access, and ${show(item.value.inboundIntent)} has no externalSupport`;
      this.problems.push(`${where(item.origin, '.spec.cidrs')}: ${show(cidrs)} ${why}`);
      return;
    }
    cidrs.forEach((c, i) => {
      if (!isCidrOrIp(c)) this.problems.push(`${where(item.origin, `.spec.cidrs[${i}]`)}: ${show(c)} is not an IP address or CIDR block`);
    });
    target.external.remoteIpBlocks.push(...cidrs.filter(isCidrOrIp));
  }

  /**
   * A client by name: the one already built (a client named again must agree with its first
   * declaration), or a new one; undefined when it cannot be built (its problems are reported).
   */
  private addClient(item: Located<NamedItem>, key: string, fields: FieldMap, make: () => ServiceClient | undefined) {
    const { origin } = item;
    const name = item.value.metadata.name;
    const prev = this.clients.get(name);
    if (prev) {
      if (prev.key !== key) {
        this.problems.push(`${where(origin)}: client ${show(name)} is declared differently in ${where(prev.origin)} `
          + '(a client\'s fields must agree wherever it is named)');
      }
      return prev.client;
    }
    const client = this.guarded(where(origin), make);
    if (!client) {
      this.failed.clients.add(name);
      return undefined;
    }
    this.register(client, origin, fields);
    this.clients.set(name, { client, origin, key });
    return client;
  }

  /** A ServiceClient in the clusters its application is placed in. */
  private newClient(item: Located<NamedItem>, app: unknown, appAt: string, props: ServiceClientProps): ServiceClient | undefined {
    const name = item.value.metadata.name;
    const clusters = this.placed(app, appAt);
    if (!clusters || !this.claimId(clusters[0], `client:${name}`, where(item.origin, '.metadata.name'), name)) return undefined;
    return new ServiceClient(clusters[0], `client:${name}`, { ...props, name, additionalClusters: clusters.slice(1) });
  }

  /** The client a security intent names (undefined: none named, or its problem is reported). */
  private clientRef(item: Located<SecurityIntentJson>): { client?: ServiceClient; reported: boolean } {
    const clientName = item.value.client;
    const client = clientName === undefined ? undefined : this.clients.get(clientName)?.client;
    const reported = typeof clientName === 'string' && (this.bundle.excluded.clients.has(clientName) || this.failed.clients.has(clientName));
    if (clientName !== undefined && !client && reported) return { reported: true };
    if (clientName !== undefined && !client) {
      this.problems.push(`${where(item.origin, '.client')}: ${show(clientName)} is not a client of the bundle (${listed([...this.clients.keys()])})`);
    }
    return { client, reported: false };
  }

  // ── security intents ──────────────────────────────────────────────────────────────

  private addSecurityIntent(item: Located<SecurityIntentJson>): void {
    const target = this.serviceRef(item.value.inboundService, where(item.origin, '.inboundService'));
    const { client, reported } = this.clientRef(item);
    if (reported || !target) return;
    if (!this.claimPolicyName(target.service, item.value.metadata.name, item.origin)) return;
    const access = item.value.spec.serviceAccountAccess;
    if (client && !Object.keys(access).includes(client.principal)) {
      this.problems.push(`${where(item.origin, '.spec.serviceAccountAccess')}: names ${show(Object.keys(access))}, but client `
        + `${show(item.value.client)} is ${show(client.principal)} (the rules would not apply to it; name its principal, or drop "client")`);
      return;
    }
    const principals = Object.keys(access).sort();
    if (principals.length === 0) {
      this.problems.push(`${where(item.origin, '.spec.serviceAccountAccess')}: {} names no principal `
        + '(give "<trustDomain>/ns/<ns>/sa/<sa>": [{ GET: /path }])');
    }
    for (const [index, principal] of principals.entries()) {
      if (!this.addPrincipalPolicy(item, target.service, { index, principal, client })) break;
    }
  }

  /** One ServiceAccessPolicy per principal of a security intent; false when its id is taken (a problem). */
  private addPrincipalPolicy(item: Located<SecurityIntentJson>, service: InboundService, { index, principal, client }: PrincipalGrant): boolean {
    const name = item.value.metadata.name;
    const entries = item.value.spec.serviceAccountAccess[principal];
    const rules = entries.flatMap((entry) => Object.entries(entry).map(([method, path]) => accessRule(method, path)));
    const forClient = client && client.principal === principal ? client : undefined;
    const id = `policy:${name}:${index}`;
    const at = `.spec.serviceAccountAccess${pathKey(principal, true)}`;
    if (!this.claimId(service, id, where(item.origin, '.metadata.name'), name)) return false;
    const props: ServiceAccessPolicyProps = forClient ? { name, client: forClient, rules } : { name, principal, rules };
    const policy = this.guarded(where(item.origin, at), () => new ServiceAccessPolicy(service, id, props));
    if (policy) this.register(policy, item.origin, [...POLICY_FIELDS, ['rules', at], ['principal', at]]);
    return true;
  }

  // ── EMCO access points ────────────────────────────────────────────────────────────

  private addEmcoAccessPoint(item: Located<EmcoAccessPointJson>): void {
    const { inboundIntent, clientsIntent, metadata, spec } = item.value;
    const target = this.serviceRef(inboundIntent, where(item.origin, '.inboundIntent'));
    const c = this.clients.get(clientsIntent);
    const clientReported = this.bundle.excluded.clients.has(clientsIntent) || this.failed.clients.has(clientsIntent);
    if (!c && !clientReported) {
      this.problems.push(`${where(item.origin, '.clientsIntent')}: ${show(clientsIntent)} is not a clients intent of the bundle `
        + `(${listed([...this.clients.keys()])})`);
    }
    if (!target || !c) return;
    if (!this.claimPolicyName(target.service, metadata.name, item.origin)) return;
    const { url, access } = spec;
    // The construct checks the methods.
    const methods = access && access.length > 0 ? (access as HttpMethod[]) : undefined;
    const rule: AccessRule = { methods, paths: url && url.length > 0 ? url : undefined };
    // An access point has no principal: it applies to the clients intent's identity.
    const id = `policy:${metadata.name}`;
    if (!this.claimId(target.service, id, where(item.origin, '.metadata.name'), metadata.name)) return;
    const props = { name: metadata.name, client: c.client, rules: rule.methods || rule.paths ? [rule] : [] };
    const policy = this.guarded(where(item.origin), () => new ServiceAccessPolicy(target.service, id, props));
    if (policy) this.register(policy, item.origin, EMCO_POLICY_FIELDS);
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────

  /** Reserves a policy name on a service; false (with a problem) when it is taken. */
  private claimPolicyName(service: InboundService, name: string, origin: Origin): boolean {
    const taken = this.policyNames.get(service) ?? new Map<string, Origin>();
    this.policyNames.set(service, taken);
    const prev = taken.get(name);
    if (prev) {
      this.problems.push(`${where(origin, '.metadata.name')}: ${show(name)} is already the name of ${where(prev)} for the same inbound service`);
      return false;
    }
    taken.set(name, origin);
    return true;
  }

  private register(construct: IConstruct, origin: Origin, fields: FieldMap): void {
    if (!this.registry.has(construct.node.path)) this.registry.set(construct.node.path, { origin, fields });
  }

  /**
   * Reserves the construct id an intent becomes, or records a problem: constructs writes "/"
   * as "--", so `a/b` and `a--b` would be one construct (and an empty id none at all).
   */
  private claimId(scope: IConstruct | string, id: string, at: string, name: unknown): boolean {
    const sanitized = id.replace(/[/\n]/g, '--');
    const key = `${typeof scope === 'string' ? scope : scope.node.path}\n${sanitized}`;
    const prev = this.ids.get(key);
    if (prev !== undefined) {
      const why = `both become the internal id ${show(sanitized)}, as "/" is written "--"`;
      this.problems.push(`${at}: ${show(name)} collides with ${prev} (${why}); rename one`);
      return false;
    }
    this.ids.set(key, at);
    return true;
  }

  /** Runs a construct's creation; an unexpected error becomes a problem at the intent, never a stack trace. */
  private guarded<T>(at: string, make: () => T): T | undefined {
    try {
      return make();
    } catch (e) {
      this.problems.push(`${at}: cannot be built: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    }
  }
}

/** One `METHOD: path` entry of a security intent; the construct checks the method. */
function accessRule(method: string, path: string): AccessRule {
  return { methods: [method as HttpMethod], paths: [path] };
}

function clusterProps(c: ClusterJson): ClusterProps {
  const ew = c.eastWestGateway;
  const ingress = c.ingressGateway;
  return {
    name: c.name,
    network: c.network,
    locality: c.locality,
    rootNamespace: c.rootNamespace,
    eastWestGateway: ew && {
      address: ew.address, port: asNumber(ew.port), meshTlsPort: asNumber(ew.meshTlsPort), selector: ew.selector, namespace: ew.namespace,
    },
    ingressGateway: ingress && {
      address: ingress.address, selector: ingress.selector, namespace: ingress.namespace, serviceAccount: ingress.serviceAccount,
    },
  };
}

/** A client's mTLS setting: inside the mesh, only ISTIO_MUTUAL. */
function checkMeshTls(v: unknown, at: string, problems: string[]): void {
  if (v !== undefined && String(v).toUpperCase() !== 'ISTIO_MUTUAL') {
    problems.push(`${at}: ${show(v)} is not supported for a client: calls inside the mesh always use ISTIO_MUTUAL `
      + '(external TLS is set on the inbound service\'s mutualTLS)');
  }
}
