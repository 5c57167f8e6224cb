import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterProps, ClusterTopology, DiscoveryMode } from './topology';
import type { MeshModel, ServiceModel } from './model';
import { isDnsLabel, isDnsSubdomain, isHostname, isIP, isLabelKey, isLabelValue, isPort, isTrustDomain } from './names';
import { checkKnownKeys, constructId, IntentError, Problems } from './problems';
import { PlannedObject, plannedKey, planMesh } from './plan';
import { parseVipRange } from './vip';
import { materialize } from './render/materialize';
import { checkManifests } from './validation/synth-checks';
import { checkVips } from './rules/cross-intent';

export interface MeshProps {
  /**
   * Name of the logical cloud, used in mesh-wide object names (the east-west Gateway is
   * `<name>-eastwest`). A DNS-1123 label.
   * @default - the construct id
   */
  readonly name?: string;
  /** The clusters of the logical cloud. */
  readonly clusters: ClusterProps[];
  /**
   * Trust domain shared by every cluster (all clusters must share one root CA).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * How clusters discover each other's services.
   * @default 'federated'
   */
  readonly discovery?: DiscoveryMode;
  /**
   * IPv4 range from which ServiceEntry virtual IPs are allocated.
   * @default '240.240.0.0/16'
   */
  readonly vipRange?: string;
  /**
   * Check every synthesized object against the vendored Istio CRD schemas and CEL rules, and
   * run the cross-object analysis, at synth.
   * @default true
   */
  readonly checkManifests?: boolean;
}

/** Anything that contributes to the mesh model (the intents). */
export interface IMeshParticipant extends IConstruct {
  /** @internal whether its input is valid; invalid intents are left out of the model. */
  readonly _isValid: boolean;
}

/**
 * The logical cloud: clusters that share a root CA and trust domain. Each cluster is a Chart
 * (`mesh.cluster('cluster01')`) in which the intents for that cluster are declared, and into
 * which every Istio object the cluster needs is rendered, including those caused by intents
 * declared in other clusters.
 */
export class Mesh extends Construct {
  /** Finds the mesh a construct belongs to. */
  public static of(scope: IConstruct): Mesh {
    const found = scope.node.scopes.slice().reverse().find((s): s is Mesh => s instanceof Mesh);
    if (!found) throw new IntentError(scope.node.path, 'scope', scope.node.path, 'is not inside a Mesh (declare intents in mesh.cluster("<name>"))');
    return found;
  }

  public readonly name: string;
  public readonly trustDomain: string;
  public readonly discovery: DiscoveryMode;
  public readonly vipRange: string;
  private readonly problems = new Problems();
  private readonly charts = new Map<string, MeshCluster>();
  private readonly services: Array<{ participant: IMeshParticipant; model: () => ServiceModel }> = [];
  private readonly objects = new Map<string, ApiObject>();
  private currentPlan = new Map<string, PlannedObject>();
  private dirty = true;
  /** Objects two intents would both render (e.g. service `a-0` and instance 0 of `a`). */
  private planConflicts: string[] = [];
  private readonly checkManifestsAtSynth: boolean;

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, constructId(scope, id, 'Mesh'));
    const p = this.problems;
    if (!checkKnownKeys(p, '', props, ['name', 'clusters', 'trustDomain', 'discovery', 'vipRange', 'checkManifests'])) props = { clusters: [] };
    this.name = props.name ?? id;
    if (!isDnsLabel(this.name) || this.name.length > 50) p.add('name', this.name, 'is not a DNS-1123 label of at most 50 characters (lowercase letters, digits, "-")');
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    if (!isTrustDomain(this.trustDomain)) p.add('trustDomain', this.trustDomain, 'is not a trust domain (a lowercase DNS name such as "cluster.local" or "example.org")');
    this.discovery = props.discovery ?? 'federated';
    if (this.discovery !== 'federated' && this.discovery !== 'multi-primary') p.add('discovery', this.discovery, 'is not a discovery mode ("federated" or "multi-primary")');
    this.checkManifestsAtSynth = props.checkManifests ?? true;
    if (typeof this.checkManifestsAtSynth !== 'boolean') p.add('checkManifests', props.checkManifests, 'is not true or false');
    this.vipRange = props.vipRange ?? '240.240.0.0/16';
    if (!parseVipRange(this.vipRange)) p.add('vipRange', this.vipRange, 'is not a CIDR block inside 240.0.0.0/4 (reserved, never routed) between /8 and /30, e.g. "240.240.0.0/16"');
    const clusters = Array.isArray(props.clusters) ? props.clusters : [];
    if (clusters.length === 0) p.add('clusters', props.clusters, 'must list at least one cluster');

    clusters.forEach((c, i) => {
      const topology = resolveCluster(p, `clusters[${i}]`, c);
      if (this.charts.has(topology.name)) {
        p.add(`clusters[${i}].name`, topology.name, 'is declared twice (cluster names must be unique)');
        return;
      }
      this.charts.set(topology.name, new MeshCluster(this, topology));
    });
    this.node.addValidation({ validate: () => this.validateMesh() });
  }

  /** The cluster (Chart) with this name. */
  public cluster(name: string): MeshCluster {
    const c = this.charts.get(name);
    if (!c) throw new IntentError(this.node.path, 'cluster', name, `is not declared in this mesh (declared: ${[...this.charts.keys()].join(', ') || 'none'})`);
    return c;
  }

  /** Every cluster, in declaration order. */
  public get clusters(): MeshCluster[] {
    return [...this.charts.values()];
  }

  /** The mesh model as it stands: valid intents only. */
  public model(): MeshModel {
    return {
      name: this.name,
      trustDomain: this.trustDomain,
      discovery: this.discovery,
      vipRange: this.vipRange,
      clusters: this.clusters.map((c) => c.topology),
      services: this.services.filter((s) => s.participant._isValid).map((s) => s.model()),
    };
  }

  /** @internal registers an inbound service's model. */
  public _registerService(participant: IMeshParticipant, model: () => ServiceModel): void {
    this.services.push({ participant, model });
    this._changed();
  }

  /** @internal the inbound services registered so far, for cross-intent checks. */
  public _serviceModels(): ServiceModel[] {
    return this.services.filter((s) => s.participant._isValid).map((s) => s.model());
  }

  /** @internal Called after every change to the intents. */
  public _changed(): void {
    this.dirty = true;
  }

  /**
   * Creates the objects that the model now calls for, in their cluster charts. Their specs
   * are rendered lazily from the latest plan, so an object sees every intent, wherever and
   * whenever it was declared. The model only grows, so objects never disappear.
   *
   * It runs once per synth, from the mesh's validation: every cdk8s synth path (App.synth,
   * Chart.toJson, Testing.synth) validates the app before it enumerates the objects of a
   * chart. Planning after every single intent instead made large meshes quadratic.
   * @internal
   */
  public _materialize(): void {
    if (!this.dirty || !this.problems.isEmpty) return;
    this.dirty = false;
    const plan = planMesh(this.model());
    this.currentPlan = new Map();
    this.planConflicts = [];
    for (const o of plan) {
      const key = plannedKey(o);
      const prev = this.currentPlan.get(key);
      if (prev) {
        this.planConflicts.push(`cluster ${o.cluster}: ${o.kind} ${o.meta.namespace}/${o.meta.name} would be rendered for both ${prev.owner} and ${o.owner} (derived names collide: rename one of the intents)`);
        continue;
      }
      this.currentPlan.set(key, o);
    }
    if (this.planConflicts.length > 0) return;
    for (const [key, planned] of this.currentPlan) {
      if (this.objects.has(key)) continue;
      const chart = this.charts.get(planned.cluster)!;
      this.objects.set(key, materialize(chart, planned, () => this.planned(key)));
    }
  }

  private planned(key: string): PlannedObject {
    const o = this.currentPlan.get(key);
    if (!o) throw new Error(`internal error: ${key} was created but is no longer planned`);
    return o;
  }

  private validateMesh(): string[] {
    if (!this.problems.isEmpty) return this.problems.list();
    if (!this.participantsValid()) return []; // their own validations report why
    this._materialize();
    if (this.planConflicts.length > 0) return this.planConflicts;
    const vips = checkVips(this);
    if (vips.length > 0) return vips;
    return this.checkManifestsAtSynth ? checkManifests(this) : [];
  }

  private participantsValid(): boolean {
    return this.node.findAll().every((c) => !('_isValid' in c) || (c as unknown as IMeshParticipant)._isValid);
  }
}

/** One cluster of the mesh: a Chart holding every Istio object that cluster gets. */
export class MeshCluster extends Chart {
  /** The cluster's resolved settings. */
  public readonly topology: ClusterTopology;
  public readonly mesh: Mesh;

  /** @internal */
  constructor(mesh: Mesh, topology: ClusterTopology) {
    super(mesh, constructId(mesh, topology.name, 'MeshCluster'), { disableResourceNameHashes: true });
    this.mesh = mesh;
    this.topology = topology;
  }

  /**
   * The cluster's objects rendered to JSON, without running validations (Chart.toJson would
   * validate the whole app, and the mesh's validation renders the clusters itself).
   * @internal
   */
  public _renderObjects(): any[] {
    this.mesh._materialize();
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === this).map((o) => o.toJson());
  }

  /** The cluster's name (also its output directory). */
  public get clusterName(): string {
    return this.topology.name;
  }

  /** The cluster chart that contains a construct. */
  public static override of(scope: IConstruct): MeshCluster {
    const found = scope.node.scopes.slice().reverse().find((s): s is MeshCluster => s instanceof MeshCluster);
    if (!found) throw new IntentError(scope.node.path, 'scope', scope.node.path, 'is not inside a mesh cluster (declare intents in mesh.cluster("<name>"))');
    return found;
  }
}

function resolveCluster(p: Problems, at: string, c: ClusterProps): ClusterTopology {
  if (!checkKnownKeys(p, at, c, ['name', 'network', 'eastWestGateway', 'ingressGateway', 'rootNamespace'])) c = { name: '' };
  const name = c.name;
  if (!isDnsLabel(name)) p.add(`${at}.name`, name, 'is not a DNS-1123 label (lowercase letters, digits, "-"; at most 63)');
  const rootNamespace = c.rootNamespace ?? 'istio-system';
  if (!isDnsLabel(rootNamespace)) p.add(`${at}.rootNamespace`, rootNamespace, 'is not a namespace name (DNS-1123 label)');
  const network = c.network ?? name;
  if (typeof network !== 'string' || !isLabelValue(network) || network === '') p.add(`${at}.network`, network, 'is not a network name (a label value)');
  let ew = c.eastWestGateway ?? {};
  if (!checkKnownKeys(p, `${at}.eastWestGateway`, ew, ['address', 'port', 'meshTlsPort', 'selector', 'namespace'])) ew = {};
  const eastWestNamespace = ew.namespace ?? rootNamespace;
  if (!isDnsLabel(eastWestNamespace)) p.add(`${at}.eastWestGateway.namespace`, eastWestNamespace, 'is not a namespace name (DNS-1123 label)');
  if (ew.address !== undefined && !isIP(ew.address) && !isHostname(ew.address)) {
    p.add(`${at}.eastWestGateway.address`, ew.address, 'is neither an IP address nor a fully qualified DNS name');
  }
  const port = ew.port ?? 15443;
  if (!isPort(port)) p.add(`${at}.eastWestGateway.port`, port, 'is not a port (1-65535)');
  const meshTlsPort = ew.meshTlsPort ?? 15444;
  if (!isPort(meshTlsPort)) p.add(`${at}.eastWestGateway.meshTlsPort`, meshTlsPort, 'is not a port (1-65535)');
  else if (meshTlsPort === port) p.add(`${at}.eastWestGateway.meshTlsPort`, meshTlsPort, `collides with the passthrough port ${port} (choose another port)`);
  const selector = ew.selector ?? { istio: 'eastwestgateway' };
  checkSelector(p, `${at}.eastWestGateway.selector`, selector);
  let ing = c.ingressGateway ?? {};
  if (!checkKnownKeys(p, `${at}.ingressGateway`, ing, ['selector', 'namespace', 'serviceAccount', 'address'])) ing = {};
  if (ing.address !== undefined && !isIP(ing.address) && !isHostname(ing.address)) p.add(`${at}.ingressGateway.address`, ing.address, 'is neither an IP address nor a fully qualified DNS name');
  const ingressSelector = ing.selector ?? { istio: 'ingressgateway' };
  checkSelector(p, `${at}.ingressGateway.selector`, ingressSelector);
  const ingressNamespace = ing.namespace ?? rootNamespace;
  if (!isDnsLabel(ingressNamespace)) p.add(`${at}.ingressGateway.namespace`, ingressNamespace, 'is not a namespace name (DNS-1123 label)');
  const serviceAccount = ing.serviceAccount ?? 'istio-ingressgateway-service-account';
  if (!isDnsSubdomain(serviceAccount)) p.add(`${at}.ingressGateway.serviceAccount`, serviceAccount, 'is not a service account name (DNS-1123 subdomain)');
  return {
    name: String(name),
    network: String(network),
    rootNamespace,
    eastWest: { address: ew.address, port, meshTlsPort, selector: { ...selector }, namespace: eastWestNamespace },
    ingress: { selector: { ...ingressSelector }, namespace: ingressNamespace, serviceAccount, address: ing.address },
  };
}

/**
 * The clusters a workload runs in: the one it is declared in, then `additionalClusters`
 * (clusters of the same mesh, each once).
 */
export function placementOf(p: Problems, home: MeshCluster, additional: readonly MeshCluster[] | undefined): string[] {
  const clusters = [home.clusterName];
  if (additional !== undefined && !Array.isArray(additional)) {
    p.add('additionalClusters', additional, 'is not a list of clusters (mesh.cluster("<name>"))');
    return clusters;
  }
  const list: readonly unknown[] = additional ?? [];
  list.forEach((item, i) => {
    const c = item instanceof MeshCluster ? (item as MeshCluster) : undefined;
    if (!c || c.mesh !== home.mesh) p.add(`additionalClusters[${i}]`, (item as any)?.node?.path ?? item, 'is not a cluster of this mesh (use mesh.cluster("<name>"))');
    else if (clusters.includes(c.clusterName)) p.add(`additionalClusters[${i}]`, c.clusterName, 'is listed twice (or is the cluster the intent is declared in)');
    else clusters.push(c.clusterName);
  });
  return clusters;
}

/** Workload selector labels: non-empty, valid keys and values, no `*` (Istio's CEL rule). */
export function checkSelector(p: Problems, field: string, selector: unknown): void {
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector) || Object.keys(selector).length === 0) {
    p.add(field, selector, 'is not a non-empty map of labels (e.g. { app: "httpbin" })');
    return;
  }
  for (const [k, v] of Object.entries(selector)) {
    if (!isLabelKey(k) || k.includes('*')) p.add(`${field}`, k, 'is not a label key');
    else if (!isLabelValue(v) || v === '' || String(v).includes('*')) p.add(`${field}.${k}`, v, 'is not a label value (at most 63 of letters, digits, "-", "_", ".")');
  }
}

