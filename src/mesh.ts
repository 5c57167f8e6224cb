import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { resolveCluster } from './cluster-settings';
import type { IInboundService, IServiceClient } from './intent';
import type { AccessPolicyModel, ClientModel, MeshModel, ServiceModel } from './model';
import { isDnsLabel, isTrustDomain } from './names';
import { checkKnownKeys, constructId, IntentError, Problems } from './problems';
import { phase } from './progress';
import { checkVips, PlannedObject, plannedKey, planMesh } from './plan';
import { materialize, materializedId } from './render/materialize';
import type { Manifest } from './render/object';
import { checkServices } from './rules/cross-intent';
import { formatWarning, meshWarnings, SynthWarning } from './rules/warnings';
import type { ClusterProps, ClusterTopology, DiscoveryMode } from './topology';
import { prefetchTexts } from './output/text-prefetch';
import { recordObjectJson } from './render/object-json';
import { checkManifests } from './validation/synth-checks';
import { parseVipRange } from './vip';
import { reportWarning } from './warning-sink';

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
   * IPv4 range from which ServiceEntry virtual IPs are allocated. Not Istio's own range for
   * ServiceEntries without addresses (240.240.0.0/16, allocated by istiod by default since
   * Istio 1.30: pilot/pkg/features/pilot.go:179-188), so the two never hand out one address twice.
   * @default '241.0.0.0/8'
   */
  readonly vipRange?: string;
  /**
   * Report synth warnings (what cannot hold in Istio, e.g. cookie hashing for callers in other
   * clusters) as errors: nothing is written while one is left.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Check every synthesized object against the vendored Istio CRD schemas and CEL rules, and
   * run the cross-object analysis, at synth.
   * @default true
   */
  readonly checkManifests?: boolean;
}

/** An intent as the mesh sees it: whether its input is valid, and its part of the model. */
interface Registration<M, I extends IConstruct = IConstruct> {
  readonly intent: I & { readonly _isValid: boolean };
  readonly model: () => M;
}

/** A service's own part of the model (its clients and access policies come from the mesh's relations). */
export type ServiceBaseModel = Omit<ServiceModel, 'clients' | 'accessPolicies'>;

/** What one synth of the mesh produced: created objects, rendered once and shared by checks and writers. */
interface Synthesis {
  readonly version: number;
  /** Objects two intents would both render (e.g. service `a-0` and instance 0 of `a`). */
  readonly conflicts: string[];
  readonly rendered: ReadonlyMap<string, Manifest[]>;
}

const MESH_KEYS = ['name', 'clusters', 'trustDomain', 'discovery', 'vipRange', 'checkManifests', 'strict'];

/** The default VIP range (outside Istio's own 240.240.0.0/16). */
export const DEFAULT_VIP_RANGE = '241.0.0.0/8';

/**
 * The logical cloud: clusters that share a root CA and trust domain. Each cluster is a Chart
 * (`mesh.cluster('cluster01')`) in which the intents for that cluster are declared, and into
 * which every Istio object the cluster needs is rendered, including those caused by intents
 * declared in other clusters.
 *
 * Intents register into the mesh; at synth the mesh builds its model once, plans every
 * cluster's objects from it (a pure function), creates them in the cluster charts, renders
 * them once, and checks them.
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
  private readonly checkManifestsAtSynth: boolean;
  private readonly strict: boolean;
  private cachedWarnings?: { version: number; warnings: SynthWarning[] };
  private reportedVersion?: number;
  private readonly services = new Map<IConstruct, Registration<ServiceBaseModel, IInboundService>>();
  private readonly clients = new Map<IConstruct, Registration<ClientModel>>();
  /** Service → its clients, in the order they were connected: the one client↔service relation. */
  private readonly connections = new Map<IInboundService, IServiceClient[]>();
  private readonly policies = new Map<IConstruct, Array<Registration<AccessPolicyModel>>>();
  /** Bumped on every change to the intents; caches are valid for one version. */
  private version = 0;
  private cachedModel?: { version: number; model: MeshModel };
  private cachedChecks?: { version: number; byService: Map<string, string[]> };
  private synthesis?: Synthesis;
  private readonly created = new Map<MeshCluster, string[]>();

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, constructId(scope, id, 'Mesh'));
    const p = this.problems;
    if (!checkKnownKeys(p, '', props, MESH_KEYS)) props = { clusters: [] };
    this.name = props.name ?? id;
    if (!isDnsLabel(this.name) || this.name.length > 50) {
      p.add('name', this.name, 'is not a DNS-1123 label of at most 50 characters (lowercase letters, digits, "-")');
    }
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    if (!isTrustDomain(this.trustDomain)) {
      p.add('trustDomain', this.trustDomain, 'is not a trust domain (a lowercase DNS name such as "cluster.local" or "example.org")');
    }
    this.discovery = props.discovery ?? 'federated';
    if (this.discovery !== 'federated' && this.discovery !== 'multi-primary') {
      p.add('discovery', this.discovery, 'is not a discovery mode ("federated" or "multi-primary")');
    }
    this.checkManifestsAtSynth = props.checkManifests ?? true;
    if (typeof this.checkManifestsAtSynth !== 'boolean') p.add('checkManifests', props.checkManifests, 'is not true or false');
    this.strict = props.strict ?? false;
    if (typeof this.strict !== 'boolean') p.add('strict', props.strict, 'is not true or false');
    this.vipRange = props.vipRange ?? DEFAULT_VIP_RANGE;
    if (!parseVipRange(this.vipRange)) {
      p.add('vipRange', this.vipRange,
        `is not a CIDR block inside 240.0.0.0/4 (reserved, never routed) between /8 and /30, e.g. "${DEFAULT_VIP_RANGE}"`);
    }
    this.addClusters(Array.isArray(props.clusters) ? props.clusters : [], props.clusters);
    this.node.addValidation({ validate: () => this.validateMesh() });
  }

  /** The cluster (Chart) with this name. */
  public cluster(name: string): MeshCluster {
    const c = this.charts.get(name);
    if (!c) {
      throw new IntentError(this.node.path, 'cluster', name,
        `is not declared in this mesh (declared: ${[...this.charts.keys()].join(', ') || 'none'})`);
    }
    return c;
  }

  /** Every cluster, in declaration order. */
  public get clusters(): MeshCluster[] {
    return [...this.charts.values()];
  }

  /** The mesh model as it stands (valid intents only), built once per change to the intents. */
  public model(): MeshModel {
    if (this.cachedModel?.version !== this.version) this.cachedModel = { version: this.version, model: this.buildModel() };
    return this.cachedModel.model;
  }

  /** @internal registers an inbound service. */
  public _registerService(intent: Registration<ServiceBaseModel, IInboundService>['intent'], model: () => ServiceBaseModel): void {
    this.services.set(intent, { intent, model });
    this._changed();
  }

  /** @internal registers a client. */
  public _registerClient(intent: Registration<ClientModel>['intent'], model: () => ClientModel): void {
    this.clients.set(intent, { intent, model });
    this._changed();
  }

  /** @internal registers an access policy of a service. */
  public _registerAccessPolicy(service: IConstruct, intent: Registration<AccessPolicyModel>['intent'], model: () => AccessPolicyModel): void {
    this.policies.set(service, [...(this.policies.get(service) ?? []), { intent, model }]);
    this._changed();
  }

  /** @internal records that a client may call a service; false when it already could. */
  public _connect(service: IInboundService, client: IServiceClient): boolean {
    const list = this.connections.get(service) ?? [];
    if (list.includes(client)) return false;
    this.connections.set(service, [...list, client]);
    this._changed();
    return true;
  }

  /** @internal the clients connected to a service, in the order they were connected. */
  public _clientsOf(service: IInboundService): readonly IServiceClient[] {
    return this.connections.get(service) ?? [];
  }

  /** @internal the services a client is connected to. */
  public _servicesOf(client: IServiceClient): IInboundService[] {
    return [...this.connections].filter(([, clients]) => clients.includes(client)).map(([service]) => service);
  }

  /**
   * What cannot hold in Istio but is not wrong, one line each (`[path] setting: why`), for
   * the valid intents as they stand. `cdk8s synth` prints them to stderr; `strict` makes them errors.
   */
  public warnings(): string[] {
    return this.synthWarnings().map(formatWarning);
  }

  /** @internal cross-intent problems of one service (computed once per synth for all services); with `strict`, its warnings too. */
  public _crossIntentProblems(servicePath: string): string[] {
    if (this.cachedChecks?.version !== this.version) this.cachedChecks = { version: this.version, byService: checkServices(this.model()) };
    const problems = this.cachedChecks.byService.get(servicePath) ?? [];
    if (!this.strict || problems.length > 0) return problems;
    return this.synthWarnings().filter((w) => w.path === servicePath)
      .map((w) => `${w.field}: ${w.message} (a warning; strict: true makes it an error)`);
  }

  /** @internal Called after every change to the intents. */
  public _changed(): void {
    this.version++;
  }

  /** @internal the rendered objects of one cluster (after a valid synth preparation). */
  public _renderedObjects(cluster: string): Manifest[] {
    return this.prepareSynthesis().rendered.get(cluster) ?? [];
  }

  private addClusters(clusters: ClusterProps[], given: unknown): void {
    if (clusters.length === 0) this.problems.add('clusters', given, 'must list at least one cluster');
    clusters.forEach((c, i) => {
      const topology = resolveCluster(this.problems, `clusters[${i}]`, c);
      if (this.charts.has(topology.name)) {
        this.problems.add(`clusters[${i}].name`, topology.name, 'is declared twice (cluster names must be unique)');
        return;
      }
      this.charts.set(topology.name, new MeshCluster(this, topology));
    });
  }

  private synthWarnings(): SynthWarning[] {
    if (this.cachedWarnings?.version !== this.version) this.cachedWarnings = { version: this.version, warnings: meshWarnings(this.model()) };
    return this.cachedWarnings.warnings;
  }

  /** Prints the warnings once per synth of a changed mesh (validation may run more than once per synth). */
  private reportWarnings(): void {
    if (this.strict || this.reportedVersion === this.version) return;
    this.reportedVersion = this.version;
    this.warnings().forEach(reportWarning);
  }

  private buildModel(): MeshModel {
    const valid = <R extends Registration<unknown>>(r: R | undefined): r is R => r !== undefined && r.intent._isValid;
    const services = [...this.services.values()].filter(valid).map((reg): ServiceModel => ({
      ...reg.model(),
      clients: this._clientsOf(reg.intent).map((c) => this.clients.get(c)).filter(valid).map((r) => r.model()),
      accessPolicies: (this.policies.get(reg.intent) ?? []).filter(valid).map((r) => r.model()),
    }));
    return {
      name: this.name,
      trustDomain: this.trustDomain,
      discovery: this.discovery,
      vipRange: this.vipRange,
      clusters: this.clusters.map((c) => c.topology),
      services,
    };
  }

  /**
   * Plans the objects the model calls for, creates them in their cluster charts (replacing
   * those of an earlier synth) and renders every object of every cluster once. It runs from
   * the mesh's validation: every cdk8s synth path (App.synth, Chart.toJson, Testing.synth)
   * validates the app before it enumerates the objects of a chart.
   */
  // Not `prepare()`: constructs 10.0 refuses constructs with a method of that (once lifecycle) name.
  private prepareSynthesis(): Synthesis {
    if (this.synthesis?.version === this.version) return this.synthesis;
    const plan = new Map<string, PlannedObject>();
    const conflicts: string[] = [];
    for (const o of phase('plan', () => planMesh(this.model()), (objects) => objects.length)) {
      const prev = plan.get(plannedKey(o));
      if (!prev) plan.set(plannedKey(o), o);
      else {
        conflicts.push(`cluster ${o.cluster}: ${o.kind} ${o.meta.namespace}/${o.meta.name} would be rendered for both ${prev.owner} and ${o.owner} `
          + '(derived names collide: rename one of the intents)');
      }
    }
    const rendered = phase('render', () => {
      if (conflicts.length === 0) this.createObjects([...plan.values()]);
      return new Map(this.clusters.map((c) => [c.clusterName, conflicts.length === 0 ? prefetched(renderChart(c)) : []]));
    }, (byCluster) => [...byCluster.values()].reduce((n, objects) => n + objects.length, 0));
    this.synthesis = { version: this.version, conflicts, rendered };
    return this.synthesis;
  }

  private createObjects(plan: readonly PlannedObject[]): void {
    for (const [chart, ids] of this.created) ids.forEach((id) => chart.node.tryRemoveChild(id));
    this.created.clear();
    for (const planned of plan) {
      const chart = this.charts.get(planned.cluster)!;
      materialize(chart, planned);
      const ids = this.created.get(chart) ?? [];
      ids.push(materializedId(planned));
      this.created.set(chart, ids);
    }
  }

  private validateMesh(): string[] {
    if (!this.problems.isEmpty) return this.problems.list();
    if (!this.participantsValid()) return []; // their own validations report why
    const model = this.model();
    const vips = checkVips(model);
    if (vips.length > 0) return vips;
    const synthesis = this.prepareSynthesis();
    if (synthesis.conflicts.length > 0) return synthesis.conflicts;
    const errors = this.checkManifestsAtSynth ? checkManifests(model, synthesis.rendered) : [];
    if (errors.length === 0) this.reportWarnings();
    return errors;
  }

  private participantsValid(): boolean {
    return this.node.findAll().every((c) => !('_isValid' in c) || (c as { _isValid: unknown })._isValid === true);
  }
}

/**
 * The objects, with their JSON recorded for the checks and the writer (object-json.ts), handed to
 * a writer waiting for them: their YAML starts while the next cluster renders.
 */
function prefetched(objects: Manifest[]): Manifest[] {
  recordObjectJson(objects);
  prefetchTexts(objects);
  return objects;
}

/** Every API object of a chart (the mesh's and any the user added), rendered to JSON. */
function renderChart(chart: MeshCluster): Manifest[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart).map((o) => o.toJson());
}

const MESH_CLUSTER = Symbol.for('cdk8s-istio-intents.MeshCluster');

/** One cluster of the mesh: a Chart holding every Istio object that cluster gets. */
export class MeshCluster extends Chart {
  /** Whether `x` is a mesh cluster (an ordinary Chart is not). */
  public static isMeshCluster(x: unknown): x is MeshCluster {
    return typeof x === 'object' && x !== null && MESH_CLUSTER in x;
  }

  /** The cluster chart that contains a construct. */
  public static override of(scope: IConstruct): MeshCluster {
    const found = scope.node.scopes.slice().reverse().find((s): s is MeshCluster => MeshCluster.isMeshCluster(s));
    if (!found) {
      throw new IntentError(scope.node.path, 'scope', scope.node.path, 'is not inside a mesh cluster (declare intents in mesh.cluster("<name>"))');
    }
    return found;
  }

  /** `instanceof MeshCluster` is true for mesh clusters only (Chart's own check accepts any chart). */
  public static override [Symbol.hasInstance](x: unknown): x is MeshCluster {
    return MeshCluster.isMeshCluster(x);
  }

  /** The cluster's resolved settings. */
  public readonly topology: ClusterTopology;
  public readonly mesh: Mesh;

  /** Created by the Mesh for each declared cluster: use `mesh.cluster(name)`. */
  constructor(mesh: Mesh, topology: ClusterTopology) {
    super(mesh, constructId(mesh, topology.name, 'MeshCluster'), { disableResourceNameHashes: true });
    Object.defineProperty(this, MESH_CLUSTER, { value: true });
    this.mesh = mesh;
    this.topology = topology;
  }

  /**
   * The cluster's objects rendered to JSON, without running validations (Chart.toJson would
   * validate the whole app, and the mesh's validation renders the clusters itself).
   * @internal
   */
  public _renderObjects(): Manifest[] {
    return this.mesh._renderedObjects(this.clusterName);
  }

  /** The cluster's name (also its output directory). */
  public get clusterName(): string {
    return this.topology.name;
  }
}
