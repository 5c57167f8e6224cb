import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { DurationInput, normalizeDuration } from './duration';
import { ExternalAccess } from './external-access';
import { checkSelector, Mesh, MeshCluster, placementOf } from './mesh';
import { ClientModel, isHttpFamily, PortModel, Protocol, PROTOCOLS, ServiceModel, AccessPolicyModel } from './model';
import { isDnsLabel, isDnsSubdomain, isIPv4, isLabelKey, isLabelValue, isPort, serviceFqdn } from './names';
import { checkKnownKeys, constructId, Problems } from './problems';
import { ANNOTATION_PREFIX } from './render/labels';
import { checkServiceInMesh } from './rules/cross-intent';
import { normalizeRetries, normalizeTrafficPolicy, RetryPolicy, TrafficPolicyOptions } from './traffic-policy';
import { ipToNumber, parseVipRange } from './vip';
import { ServiceClient } from './service-client';

/** A protocol, in any case (`http`, `HTTP`, `Http`). */
export type ProtocolInput = Protocol | Lowercase<Protocol> | (string & {});

export interface ServicePortProps {
  /** The port clients call, exposed through the mesh (the Kubernetes Service port). */
  readonly port: number;
  /**
   * The container port behind it.
   * @default - the same as `port`
   */
  readonly targetPort?: number;
  /** What the port speaks: HTTP, HTTP2, GRPC, TCP or TLS (any case). */
  readonly protocol: ProtocolInput;
  /**
   * Port name. Istio reads the protocol from it, so it must start with the protocol.
   * @default `<protocol>-<port>`, e.g. `http-8000`
   */
  readonly name?: string;
}

export interface InboundServiceProps {
  /**
   * Intent name: every Istio object rendered for the service is named after it. Unique in
   * the mesh; renaming the construct id does not rename objects when this is set.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The Kubernetes Service name (seed `servicename`).
   * @default - the intent name
   */
  readonly serviceName?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** Free text, rendered as an annotation. @default - none */
  readonly description?: string;
  /** Seed `userdata1`, `userdata2`, ...: rendered as annotations. @default - none */
  readonly userData?: Record<string, string>;
  /** Application the service belongs to (label `app.kubernetes.io/part-of`). @default - none */
  readonly application?: string;
  /**
   * Protocol of the single port (with `port`), or of the `ports` that do not name one.
   * @default - none: required unless every port in `ports` names its protocol
   */
  readonly protocol?: ProtocolInput;
  /**
   * The port exposed through the mesh (seed: "not the port it is actually running on").
   * Give `port` (with `protocol` and `targetPort`) or `ports`, not both.
   * @default - none: required unless `ports` is given
   */
  readonly port?: number;
  /** The container port behind `port`. @default - the same as `port` */
  readonly targetPort?: number;
  /** Several ports. @default - the single `port` */
  readonly ports?: ServicePortProps[];
  /**
   * A headless (stateful) service whose instances are addressed one by one
   * (`<svc>-<i>.<svc>.<ns>.svc.cluster.local`); needs `instances`.
   * @default false
   */
  readonly headless?: boolean;
  /** Number of instances (StatefulSet replicas) of a headless service. @default - required when headless */
  readonly instances?: number;
  /**
   * Whether the workload runs the Istio sidecar (seed `istio-proxy`). Without it only
   * inbound routing is possible: no mTLS, load balancing, circuit breaking or access rules.
   * @default true
   */
  readonly sidecar?: boolean;
  /** The service mesh; only `istio` is supported. @default 'istio' */
  readonly serviceMesh?: 'istio';
  /** Load balancing, connection pool, outlier detection. @default - Istio's defaults */
  readonly trafficPolicy?: TrafficPolicyOptions;
  /** Request timeout (HTTP family only). @default - none */
  readonly timeout?: DurationInput;
  /** Retries (HTTP family only). @default - Istio's default retries */
  readonly retries?: RetryPolicy;
  /**
   * Namespaces whose workloads may call the service (seed `namespaces`), in addition to the
   * clients added with `allowFrom`.
   * @default - none
   */
  readonly allowedNamespaces?: string[];
  /**
   * Access for clients outside the mesh through the ingress gateway (seed `mutualTLS`
   * SIMPLE or MUTUAL). @default - none: mesh clients only (ISTIO_MUTUAL)
   */
  readonly externalAccess?: ExternalAccess;
  /** Labels of the service's pods. @default { app: <serviceName> } */
  readonly workloadLabels?: Record<string, string>;
  /**
   * Service account of the service's pods. When set, remote clients verify the server's
   * identity (ServiceEntry subjectAltNames).
   * @default - not pinned
   */
  readonly serviceAccount?: string;
  /**
   * Render the AuthorizationPolicy in dry-run mode (`istio.io/dry-run`): decisions are logged,
   * not enforced.
   * @default false
   */
  readonly dryRun?: boolean;
  /** Pin the virtual IP remote clients resolve the service to. @default - allocated from the mesh's range */
  readonly vip?: string;
  /**
   * Other clusters the same service (same name and namespace) runs in. Remote clients get
   * an endpoint per cluster.
   * @default - only the cluster the construct is declared in
   */
  readonly additionalClusters?: MeshCluster[];
}

/**
 * A service others may call: where it runs, what it speaks, how it is balanced and protected,
 * and who may call it. Declared in the cluster chart where it runs.
 */
export class InboundService extends Construct {
  /**
   * An inbound service from a cdk8s-plus Service: its name, namespace, ports and selector.
   * A port's protocol comes from its name (`http`, `grpc-api`: Istio reads it there); an
   * unnamed port takes `protocol`. A named port that does not start with its protocol is an
   * error (IST0118), because Istio would not see the protocol either.
   */
  public static fromKplusService(scope: MeshCluster, id: string, service: IKplusService, props: Omit<InboundServiceProps, 'serviceName' | 'port' | 'targetPort' | 'ports'> = {}): InboundService {
    const manifest = ApiObject.of(service).toJson();
    const ports: ServicePortProps[] = (manifest.spec?.ports ?? []).map((p: any) => {
      const named = PROTOCOLS.find((proto) => typeof p.name === 'string' && (p.name.toUpperCase() === proto || p.name.toUpperCase().startsWith(`${proto}-`)));
      return { port: p.port, targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined, protocol: named ?? props.protocol, name: p.name };
    });
    return new InboundService(scope, id, {
      namespace: manifest.metadata?.namespace,
      workloadLabels: manifest.spec?.selector && Object.keys(manifest.spec.selector).length > 0 ? manifest.spec.selector : undefined,
      ...props,
      name: props.name ?? service.name,
      serviceName: service.name,
      ports,
    });
  }

  public readonly mesh: Mesh;
  public readonly cluster: MeshCluster;
  /** Intent name (object names). */
  public readonly name: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  /** `<service>.<namespace>.svc.cluster.local` */
  public readonly fqdn: string;
  private readonly problems = new Problems();
  private readonly base: Omit<ServiceModel, 'clients' | 'accessPolicies'>;
  private readonly clients: ServiceClient[] = [];
  private readonly extraNamespaces: string[] = [];
  private readonly accessPolicies: Array<{ valid: () => boolean; model: AccessPolicyModel }> = [];

  constructor(scope: MeshCluster, id: string, props: InboundServiceProps = {}) {
    super(scope, constructId(scope, id, 'InboundService'));
    this.cluster = MeshCluster.of(this);
    this.mesh = Mesh.of(this);
    const p = this.problems;
    if (!checkKnownKeys(p, '', props ?? {}, INBOUND_SERVICE_KEYS)) props = {};
    props = props ?? {};
    this.name = props.name ?? id;
    if (!isDnsLabel(this.name) || this.name.length > 50) p.add('name', this.name, 'is not a DNS-1123 label of at most 50 characters (it names the Istio objects)');
    this.serviceName = props.serviceName ?? this.name;
    if (!isDnsLabel(this.serviceName)) p.add('serviceName', this.serviceName, 'is not a Kubernetes Service name (DNS-1123 label)');
    this.namespace = props.namespace ?? 'default';
    if (!isDnsLabel(this.namespace)) p.add('namespace', this.namespace, 'is not a namespace name (DNS-1123 label)');
    this.fqdn = serviceFqdn(this.serviceName, this.namespace);

    if (props.serviceMesh !== undefined && (typeof props.serviceMesh !== 'string' || props.serviceMesh.toLowerCase() !== 'istio')) {
      p.add('serviceMesh', props.serviceMesh, 'is not supported (only "istio")');
    }
    const ports = normalizePorts(p, props);
    const sidecar = props.sidecar ?? true;
    if (typeof sidecar !== 'boolean') p.add('sidecar', sidecar, 'is not true or false');
    const headless = props.headless ?? false;
    if (typeof headless !== 'boolean') p.add('headless', headless, 'is not true or false');
    let instances = 0;
    if (headless === true) {
      if (!Number.isInteger(props.instances) || props.instances! < 1 || props.instances! > 1000) p.add('instances', props.instances, 'is required for a headless service: the number of instances (1-1000)');
      else if (`${this.serviceName}-${props.instances! - 1}`.length > 63) p.add('serviceName', this.serviceName, `is too long for a headless service: instance host label "${this.serviceName}-${props.instances! - 1}" exceeds 63 characters`);
      else instances = props.instances!;
    } else if (props.instances !== undefined) {
      p.add('instances', props.instances, 'is only meaningful for a headless service (set headless: true)');
    }

    const trafficPolicy = normalizeTrafficPolicy(p, 'trafficPolicy', props.trafficPolicy);
    const timeout = normalizeDuration(p, 'timeout', props.timeout);
    const retries = normalizeRetries(p, 'retries', props.retries);
    const http = ports.some((x) => isHttpFamily(x.protocol));
    if ((props.timeout !== undefined || props.retries !== undefined) && !http && ports.length > 0) {
      p.addMessage(props.timeout !== undefined ? 'timeout' : 'retries', `needs an HTTP, HTTP2 or GRPC port; ${ports.map((x) => `${x.number}/${x.protocol}`).join(', ')} cannot carry timeouts or retries`);
    }
    if (trafficPolicy.loadBalancer && 'consistentHash' in trafficPolicy.loadBalancer && !trafficPolicy.loadBalancer.consistentHash.useSourceIp && !http && ports.length > 0) {
      p.addMessage('trafficPolicy.loadBalancer', 'hashes on a cookie, header or query parameter, which a TCP/TLS service does not have (use consistentHashBySourceIp)');
    }
    if (trafficPolicy.connectionPool?.http && !http && ports.length > 0) {
      p.addMessage('trafficPolicy.connectionPool', 'sets HTTP limits (http2MaxRequests, maxRequestsPerConnection, http1MaxPendingRequests) on a service without HTTP ports');
    }
    if (!sidecar) {
      for (const [field, set] of [
        ['trafficPolicy.loadBalancer', props.trafficPolicy?.loadBalancer], ['trafficPolicy.connectionPool', props.trafficPolicy?.connectionPool],
        ['trafficPolicy.outlierDetection', props.trafficPolicy?.outlierDetection], ['allowedNamespaces', props.allowedNamespaces?.length ? props.allowedNamespaces : undefined],
        ['externalAccess', props.externalAccess], ['dryRun', props.dryRun ? true : undefined], ['serviceAccount', props.serviceAccount],
      ] as const) {
        if (set !== undefined) p.addMessage(field, 'needs the Istio sidecar; this service has sidecar: false (only inbound routing is possible without it)');
      }
    }

    const allowedNamespaces = props.allowedNamespaces ?? [];
    if (!Array.isArray(allowedNamespaces)) p.add('allowedNamespaces', allowedNamespaces, 'is not a list of namespaces');
    else for (let i = 0; i < allowedNamespaces.length; i++) if (!isDnsLabel(allowedNamespaces[i])) p.add(`allowedNamespaces[${i}]`, allowedNamespaces[i], 'is not a namespace name (DNS-1123 label)');

    const workloadLabels = props.workloadLabels ?? { app: this.serviceName };
    // The default derives from serviceName, whose own error already says what is wrong.
    if (props.workloadLabels !== undefined || isDnsLabel(this.serviceName)) checkSelector(p, 'workloadLabels', workloadLabels);
    if (props.serviceAccount !== undefined && !isDnsSubdomain(props.serviceAccount)) p.add('serviceAccount', props.serviceAccount, 'is not a service account name (DNS-1123 subdomain)');
    if (props.dryRun !== undefined && typeof props.dryRun !== 'boolean') p.add('dryRun', props.dryRun, 'is not true or false');

    const labels: Record<string, string> = {};
    if (props.application !== undefined) {
      if (!isLabelValue(props.application) || props.application === '') p.add('application', props.application, 'is not a label value (at most 63 of letters, digits, "-", "_", ".")');
      else labels['app.kubernetes.io/part-of'] = props.application;
    }
    const annotations: Record<string, string> = {};
    if (props.description !== undefined) {
      if (typeof props.description !== 'string') p.add('description', props.description, 'is not text');
      else annotations[`${ANNOTATION_PREFIX}description`] = props.description;
    }
    const userData = props.userData === undefined || checkKnownKeys(p, 'userData', props.userData, Object.keys(props.userData as object)) ? props.userData ?? {} : {};
    for (const [k, v] of Object.entries(userData)) {
      if (!isLabelKey(k) || k.includes('/')) p.add('userData', k, 'is not an annotation name (letters, digits, "-", "_", ".")');
      else if (typeof v !== 'string') p.add(`userData.${k}`, v, 'is not text');
      else annotations[`${ANNOTATION_PREFIX}${k}`] = v;
    }

    if (props.vip !== undefined) {
      const range = parseVipRange(this.mesh.vipRange);
      if (!isIPv4(props.vip)) p.add('vip', props.vip, 'is not an IPv4 address');
      else if (range && (ipToNumber(props.vip) < range.base || ipToNumber(props.vip) >= range.base + range.size)) p.add('vip', props.vip, `is outside the mesh's VIP range ${this.mesh.vipRange}`);
    }

    const external = props.externalAccess === undefined ? undefined
      : props.externalAccess instanceof ExternalAccess ? props.externalAccess._bind(p, 'externalAccess', ports.map((x) => x.number))
        : (p.add('externalAccess', props.externalAccess, 'is not an ExternalAccess (ExternalAccess.simple({...}) or ExternalAccess.mutual({...}))'), undefined);

    const clusters = placementOf(p, this.cluster, props.additionalClusters);

    this.base = {
      path: this.node.path,
      name: this.name,
      serviceName: this.serviceName,
      namespace: this.namespace,
      fqdn: this.fqdn,
      clusters,
      ports,
      sidecar,
      instances,
      workloadLabels: { ...workloadLabels },
      labels,
      annotations,
      serviceAccount: props.serviceAccount,
      trafficPolicy,
      timeout,
      retries,
      allowedNamespaces: Array.isArray(allowedNamespaces) ? [...allowedNamespaces] : [],
      external,
      dryRun: props.dryRun === true,
      vip: props.vip,
    };
    this.node.addValidation({ validate: () => [...this.problems.list(), ...(this.problems.isEmpty ? checkServiceInMesh(this.mesh, this._model()) : [])] });
    this.mesh._registerService(this, () => this._model());
  }

  /** @internal */
  public get _isValid(): boolean {
    return this.problems.isEmpty;
  }

  /** The service's ports (mesh port, target port, protocol, name). */
  public get ports(): readonly PortModel[] {
    return this.base.ports;
  }

  /** Whether the workload runs the Istio sidecar. */
  public get sidecar(): boolean {
    return this.base.sidecar;
  }

  /** Whether every port speaks HTTP, HTTP2 or GRPC (method and path rules can match). */
  public get isHttp(): boolean {
    return this.base.ports.length > 0 && this.base.ports.every((x) => isHttpFamily(x.protocol));
  }

  /**
   * Allows a client to call this service: its principal is admitted by the service's
   * AuthorizationPolicy and its clusters get what they need to reach the service. Adding the
   * same client again changes nothing.
   */
  public allowFrom(client: ServiceClient): void {
    if (!isServiceClient(client)) {
      this.problems.add('allowFrom', client, 'is not a ServiceClient');
      return;
    }
    if (this.clients.includes(client)) return;
    this.clients.push(client);
    client._connected(this);
    this.mesh._changed();
  }

  /**
   * Allows every workload of these namespaces to call the service (like the
   * `allowedNamespaces` prop; seed `namespaces`).
   */
  public allowFromNamespaces(namespaces: string[]): void {
    if (!Array.isArray(namespaces)) {
      this.problems.add('allowedNamespaces', namespaces, 'is not a list of namespaces');
      return;
    }
    if (!this.base.sidecar && namespaces.length > 0) this.problems.addMessage('allowedNamespaces', 'needs the Istio sidecar; this service has sidecar: false (only inbound routing is possible without it)');
    for (const n of namespaces) {
      if (!isDnsLabel(n)) this.problems.add('allowedNamespaces', n, 'is not a namespace name (DNS-1123 label)');
      else if (!this.extraNamespaces.includes(n) && !this.base.allowedNamespaces.includes(n)) this.extraNamespaces.push(n);
    }
    this.mesh._changed();
  }

  /** The clients allowed so far. */
  public get allowedClients(): readonly ServiceClient[] {
    return [...this.clients];
  }

  /** @internal registers an access policy (ServiceAccessPolicy). */
  public _addAccessPolicy(valid: () => boolean, model: AccessPolicyModel): void {
    this.accessPolicies.push({ valid, model });
    this.mesh._changed();
  }

  /** @internal the service's model, with its valid clients and access policies. */
  public _model(): ServiceModel {
    const clients: ClientModel[] = this.clients.filter((c) => c._isValid && c.mesh === this.mesh).map((c) => c._model());
    return {
      ...this.base,
      allowedNamespaces: [...this.base.allowedNamespaces, ...this.extraNamespaces],
      clients,
      accessPolicies: this.accessPolicies.filter((a) => a.valid()).map((a) => a.model),
    };
  }
}

/**
 * What `fromKplusService` reads from a cdk8s-plus `Service` (structural, so cdk8s-plus stays
 * optional): its name, and its manifest (namespace, ports, selector) through `ApiObject.of`.
 */
export interface IKplusService extends IConstruct {
  readonly name: string;
}

/** Every prop an InboundService takes (anything else is a misspelling). */
const INBOUND_SERVICE_KEYS = [
  'name', 'serviceName', 'namespace', 'description', 'userData', 'application', 'protocol', 'port', 'targetPort', 'ports', 'headless',
  'instances', 'sidecar', 'serviceMesh', 'trafficPolicy', 'timeout', 'retries', 'allowedNamespaces', 'externalAccess', 'workloadLabels',
  'serviceAccount', 'dryRun', 'vip', 'additionalClusters',
];

function isServiceClient(c: unknown): c is ServiceClient {
  return c instanceof ServiceClient;
}

function normalizeProtocol(p: Problems, field: string, value: unknown): Protocol | undefined {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  const found = PROTOCOLS.find((x) => x === upper);
  if (!found) p.add(field, value, `is not a supported protocol (${PROTOCOLS.join(', ')}; any case)`);
  return found;
}

function normalizePorts(p: Problems, props: InboundServiceProps): PortModel[] {
  let raw: Array<{ at: string; port: unknown; targetPort: unknown; protocol: unknown; name: unknown }>;
  if (props.ports !== undefined) {
    if (props.port !== undefined || props.targetPort !== undefined) p.addMessage('ports', 'is given together with port/targetPort (use one or the other)');
    if (!Array.isArray(props.ports) || props.ports.length === 0) {
      p.add('ports', props.ports, 'is not a non-empty list of ports');
      return [];
    }
    raw = [];
    for (let i = 0; i < props.ports.length; i++) {
      const x = props.ports[i];
      if (!checkKnownKeys(p, `ports[${i}]`, x ?? null, ['port', 'targetPort', 'protocol', 'name'])) continue;
      raw.push({ at: `ports[${i}]`, port: x.port, targetPort: x.targetPort, protocol: x.protocol ?? props.protocol, name: x.name });
    }
  } else {
    if (props.port === undefined) {
      p.addMessage('port', 'is required (the port clients call through the mesh), or give ports');
      return [];
    }
    raw = [{ at: '', port: props.port, targetPort: props.targetPort, protocol: props.protocol, name: undefined }];
  }
  const out: PortModel[] = [];
  for (const r of raw) {
    const f = (name: string) => (r.at ? `${r.at}.${name}` : name);
    // Check every field of the port, so one synth reports all of its mistakes.
    const portOk = isPort(r.port);
    if (!portOk) p.add(f('port'), r.port, 'is not a port (1-65535)');
    const targetPort = r.targetPort ?? r.port;
    const targetOk = r.targetPort === undefined ? portOk : isPort(targetPort);
    if (!targetOk && r.targetPort !== undefined) p.add(f('targetPort'), targetPort, 'is not a port (1-65535)');
    let protocol: Protocol | undefined;
    if (r.protocol === undefined) p.addMessage(f('protocol'), `is required for port ${r.port} (${PROTOCOLS.join(', ')})`);
    else protocol = normalizeProtocol(p, f('protocol'), r.protocol);
    if (!portOk || !targetOk || !protocol) continue;
    const name = r.name ?? `${protocol.toLowerCase()}-${r.port}`;
    if (!isDnsLabel(name)) { p.add(f('name'), name, 'is not a port name (DNS-1123 label)'); continue; }
    const lower = String(name).toLowerCase();
    if (lower !== protocol.toLowerCase() && !lower.startsWith(`${protocol.toLowerCase()}-`)) {
      p.add(f('name'), name, `does not start with its protocol "${protocol.toLowerCase()}" (Istio reads the protocol from the port name: IST0118)`);
      continue;
    }
    const clash = out.find((o) => o.number === r.port || o.name === name);
    if (clash) { p.add(f('port'), r.port, `collides with port ${clash.number} ("${clash.name}"): port numbers and names must be unique`); continue; }
    out.push({ name, number: r.port as number, targetPort: targetPort as number, protocol });
  }
  return out;
}
