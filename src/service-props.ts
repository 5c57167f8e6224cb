/**
 * Reads an InboundService's props into its part of the mesh model, recording every problem:
 * the rules behind the construct, as pure helpers (each check in one place).
 */
import { normalizeDuration } from './duration';
import { ExternalAccess } from './external-access';
import type { DurationInput } from './duration';
import type { Failover } from './failover';
import type { ServiceVersion, TrafficDistribution } from './traffic-split';
import type { MeshCluster, ServiceBaseModel } from './mesh';
import { ExternalAccessModel, isHttpFamily, PortModel, Protocol, PROTOCOLS, RetriesModel, TrafficPolicyModel } from './model';
import { isDnsLabel, isDnsSubdomain, isIPv4, isLabelKey, isLabelValue, isPort } from './names';
import { checkKnownKeys, Problems } from './problems';
import { ANNOTATION_PREFIX } from './render/labels';
import { checkSelector } from './cluster-settings';
import { normalizeRetries, normalizeTrafficPolicy, RetryPolicy, TrafficPolicyOptions } from './traffic-policy';
import { inVipRange, parseVipRange } from './vip';

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
  /**
   * How callers that see several of the service's clusters fail over between them (needs
   * `trafficPolicy.outlierDetection`). Federated callers inside a server cluster fail over
   * only through the global host (`globalHost`).
   * @default - none: callers balance over every cluster they see
   */
  readonly failover?: Failover;
  /**
   * Weighted distribution of calls across the service's clusters, per calling cluster.
   * @default - none
   */
  readonly distribution?: TrafficDistribution[];
  /**
   * Versions of the service (pods told apart by labels, e.g. `version: v2`) and the share of
   * calls each gets, for callers in every cluster.
   * @default - none: one version
   */
  readonly versions?: ServiceVersion[];
  /**
   * Federated mode: also serve the host `<serviceName>.<namespace>.global`, which reaches every
   * cluster the service runs in (the caller's own through its own east-west gateway), so that
   * callers inside a server cluster fail over, distribute and split versions across clusters.
   * `<serviceName>.<namespace>.svc.cluster.local` keeps reaching the local pods only.
   * @default false
   */
  readonly globalHost?: boolean;
}

/** Every prop an InboundService takes (anything else is a misspelling). */
export const INBOUND_SERVICE_KEYS = [
  'name', 'serviceName', 'namespace', 'description', 'userData', 'application', 'protocol', 'port', 'targetPort', 'ports', 'headless',
  'instances', 'sidecar', 'serviceMesh', 'trafficPolicy', 'timeout', 'retries', 'allowedNamespaces', 'externalAccess', 'workloadLabels',
  'serviceAccount', 'dryRun', 'vip', 'additionalClusters', 'failover', 'distribution', 'versions', 'globalHost',
];

/** Names and host of a service. */
export interface ServiceIdentity {
  readonly name: string;
  readonly serviceName: string;
  readonly namespace: string;
}

export function resolveIdentity(p: Problems, id: string, props: InboundServiceProps): ServiceIdentity {
  const name = props.name ?? id;
  if (!isDnsLabel(name) || name.length > 50) p.add('name', name, 'is not a DNS-1123 label of at most 50 characters (it names the Istio objects)');
  const serviceName = props.serviceName ?? name;
  if (!isDnsLabel(serviceName)) p.add('serviceName', serviceName, 'is not a Kubernetes Service name (DNS-1123 label)');
  const namespace = props.namespace ?? 'default';
  if (!isDnsLabel(namespace)) p.add('namespace', namespace, 'is not a namespace name (DNS-1123 label)');
  if (props.serviceMesh !== undefined && (typeof props.serviceMesh !== 'string' || props.serviceMesh.toLowerCase() !== 'istio')) {
    p.add('serviceMesh', props.serviceMesh, 'is not supported (only "istio")');
  }
  return { name, serviceName, namespace };
}

/** Whether the workload runs the sidecar, and the instances of a headless service. */
export function resolveInstances(p: Problems, identity: ServiceIdentity, props: InboundServiceProps): { sidecar: boolean; instances: number } {
  const sidecar = props.sidecar ?? true;
  if (typeof sidecar !== 'boolean') p.add('sidecar', sidecar, 'is not true or false');
  const headless = props.headless ?? false;
  if (typeof headless !== 'boolean') p.add('headless', headless, 'is not true or false');
  if (headless !== true) {
    if (props.instances !== undefined) p.add('instances', props.instances, 'is only meaningful for a headless service (set headless: true)');
    return { sidecar, instances: 0 };
  }
  const n = props.instances!;
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    p.add('instances', props.instances, 'is required for a headless service: the number of instances (1-1000)');
  } else if (`${identity.serviceName}-${n - 1}`.length > 63) {
    p.add('serviceName', identity.serviceName,
      `is too long for a headless service: instance host label "${identity.serviceName}-${n - 1}" exceeds 63 characters`);
  } else {
    return { sidecar, instances: n };
  }
  return { sidecar, instances: 0 };
}

/**
 * A headless service's instances are dialled on the container port (pod DNS names, no Service
 * port mapping), so each port needs a container port of its own.
 */
export function checkInstancePorts(p: Problems, ports: readonly PortModel[]): void {
  ports.forEach((port, i) => {
    const first = ports.findIndex((q) => q.targetPort === port.targetPort);
    if (first < i) {
      p.add('ports', port.targetPort,
        `is the container port of both port ${ports[first].number} and port ${port.number}; a headless service's instances `
        + 'are dialled on the container port, so each port needs its own (give them different targetPorts, or drop one)');
    }
  });
}

/** The pods' labels (the policies' selector) and service account; whether policies run dry. */
export function resolvePods(p: Problems, identity: ServiceIdentity, props: InboundServiceProps) {
  const workloadLabels = props.workloadLabels ?? { app: identity.serviceName };
  // The default derives from serviceName, whose own error already says what is wrong.
  if (props.workloadLabels !== undefined || isDnsLabel(identity.serviceName)) checkSelector(p, 'workloadLabels', workloadLabels);
  if (props.serviceAccount !== undefined && !isDnsSubdomain(props.serviceAccount)) {
    p.add('serviceAccount', props.serviceAccount, 'is not a service account name (DNS-1123 subdomain)');
  }
  if (props.dryRun !== undefined && typeof props.dryRun !== 'boolean') p.add('dryRun', props.dryRun, 'is not true or false');
  checkPeerIdentity(p, props);
  return { workloadLabels: { ...workloadLabels }, serviceAccount: props.serviceAccount, dryRun: props.dryRun === true };
}

/**
 * The instances of a headless service call each other (replication) through their sidecars,
 * and the default-deny allow policy admits a peer only by its principal: without the service
 * account the peers would be refused, silently.
 */
function checkPeerIdentity(p: Problems, props: InboundServiceProps): void {
  if (props.headless === true && props.sidecar !== false && props.serviceAccount === undefined) {
    p.addMessage('serviceAccount', 'is required for a headless service with a sidecar: its instances call each other as that identity, '
      + 'and the allow policy admits them only by it (give the pods\' service account)');
  }
}

/** Traffic policy, timeout and retries, and whether the ports can carry them. */
export function resolveTraffic(p: Problems, props: InboundServiceProps, ports: readonly PortModel[]) {
  const trafficPolicy = normalizeTrafficPolicy(p, 'trafficPolicy', props.trafficPolicy);
  const timeout = normalizeDuration(p, 'timeout', props.timeout);
  const retries = normalizeRetries(p, 'retries', props.retries);
  if (ports.length > 0 && !ports.some((x) => isHttpFamily(x.protocol))) checkNonHttp(p, props, trafficPolicy, ports);
  return { trafficPolicy, timeout, retries } as { trafficPolicy: TrafficPolicyModel; timeout?: string; retries?: RetriesModel };
}

/** Settings that only HTTP-family ports carry. */
function checkNonHttp(p: Problems, props: InboundServiceProps, tp: TrafficPolicyModel, ports: readonly PortModel[]): void {
  if (props.timeout !== undefined || props.retries !== undefined) {
    p.addMessage(props.timeout !== undefined ? 'timeout' : 'retries',
      `needs an HTTP, HTTP2 or GRPC port; ${ports.map((x) => `${x.number}/${x.protocol}`).join(', ')} cannot carry timeouts or retries`);
  }
  if (tp.loadBalancer && 'consistentHash' in tp.loadBalancer && !tp.loadBalancer.consistentHash.useSourceIp) {
    p.addMessage('trafficPolicy.loadBalancer',
      'hashes on a cookie, header or query parameter, which a TCP/TLS service does not have (use consistentHashBySourceIp)');
  }
  if (tp.connectionPool?.http) {
    p.addMessage('trafficPolicy.connectionPool',
      'sets HTTP limits (http2MaxRequests, maxRequestsPerConnection, http1MaxPendingRequests) on a service without HTTP ports');
  }
}

/** Settings that need the sidecar: without it only inbound routing is possible. */
export function checkSidecarSettings(p: Problems, props: InboundServiceProps): void {
  const needSidecar: Array<[string, unknown]> = [
    ['trafficPolicy.loadBalancer', props.trafficPolicy?.loadBalancer], ['trafficPolicy.connectionPool', props.trafficPolicy?.connectionPool],
    ['trafficPolicy.outlierDetection', props.trafficPolicy?.outlierDetection],
    ['allowedNamespaces', props.allowedNamespaces?.length ? props.allowedNamespaces : undefined],
    ['externalAccess', props.externalAccess], ['dryRun', props.dryRun ? true : undefined], ['serviceAccount', props.serviceAccount],
  ];
  for (const [field, set] of needSidecar) {
    if (set !== undefined) {
      p.addMessage(field, 'needs the Istio sidecar; this service has sidecar: false (only inbound routing is possible without it)');
    }
  }
}

/** Namespaces allowed to call, checked. */
export function resolveAllowedNamespaces(p: Problems, given: unknown): string[] {
  const list = given ?? [];
  if (!Array.isArray(list)) {
    p.add('allowedNamespaces', list, 'is not a list of namespaces');
    return [];
  }
  // An index loop, not forEach: a sparse list's holes are mistakes too.
  for (let i = 0; i < list.length; i++) if (!isDnsLabel(list[i])) p.add(`allowedNamespaces[${i}]`, list[i],
    'is not a namespace name (DNS-1123 label)');
  return [...list];
}

/** Labels and annotations put on every object (application, description, user data). */
export function resolveMetadata(p: Problems, props: InboundServiceProps) {
  const labels: Record<string, string> = {};
  if (props.application !== undefined) {
    if (!isLabelValue(props.application) || props.application === '') {
      p.add('application', props.application, 'is not a label value (at most 63 of letters, digits, "-", "_", ".")');
    }
    else labels['app.kubernetes.io/part-of'] = props.application;
  }
  const annotations: Record<string, string> = {};
  if (props.description !== undefined) {
    if (typeof props.description !== 'string') p.add('description', props.description, 'is not text');
    else annotations[`${ANNOTATION_PREFIX}description`] = props.description;
  }
  const userData = props.userData === undefined || checkKnownKeys(p, 'userData', props.userData,
    Object.keys(props.userData as object)) ? props.userData ?? {} : {};
  for (const [k, v] of Object.entries(userData)) {
    if (!isLabelKey(k) || k.includes('/')) p.add('userData', k, 'is not an annotation name (letters, digits, "-", "_", ".")');
    else if (typeof v !== 'string') p.add(`userData.${k}`, v, 'is not text');
    else annotations[`${ANNOTATION_PREFIX}${k}`] = v;
  }
  return { labels, annotations };
}

/** A pinned VIP must lie in the mesh's range, and not end in .0 or .255 (some networks and tools mishandle those). */
export function checkVip(p: Problems, vip: string | undefined, meshRange: string): void {
  if (vip === undefined) return;
  const range = parseVipRange(meshRange);
  if (!isIPv4(vip)) p.add('vip', vip, 'is not an IPv4 address');
  else if (range && !inVipRange(range, vip)) p.add('vip', vip, `is outside the mesh's VIP range ${meshRange}`);
  else if (/\.(0|255)$/.test(vip)) p.add('vip', vip, 'ends in .0 or .255, which some networks and tools treat as network or broadcast addresses');
}

export function resolveExternal(p: Problems, given: unknown, ports: readonly PortModel[]): ExternalAccessModel | undefined {
  if (given === undefined) return undefined;
  if (given instanceof ExternalAccess) return given._bind(p, 'externalAccess', ports.map((x) => x.number));
  p.add('externalAccess', given, 'is not an ExternalAccess (ExternalAccess.simple({...}) or ExternalAccess.mutual({...}))');
  return undefined;
}

export type { ServiceBaseModel };

function normalizeProtocol(p: Problems, field: string, value: unknown): Protocol | undefined {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  const found = PROTOCOLS.find((x) => x === upper);
  if (!found) p.add(field, value, `is not a supported protocol (${PROTOCOLS.join(', ')}; any case)`);
  return found;
}

interface RawPort {
  readonly at: string;
  readonly port: unknown;
  readonly targetPort: unknown;
  readonly protocol: unknown;
  readonly name: unknown;
}

/** The ports as given: `ports`, or the single `port` (with `protocol` and `targetPort`). */
function rawPorts(p: Problems, props: InboundServiceProps): RawPort[] {
  if (props.ports === undefined) {
    if (props.port !== undefined) return [{ at: '', port: props.port, targetPort: props.targetPort, protocol: props.protocol, name: undefined }];
    p.addMessage('port', 'is required (the port clients call through the mesh), or give ports');
    return [];
  }
  if (props.port !== undefined || props.targetPort !== undefined) {
    p.addMessage('ports', 'is given together with port/targetPort (use one or the other)');
  }
  if (!Array.isArray(props.ports) || props.ports.length === 0) {
    p.add('ports', props.ports, 'is not a non-empty list of ports');
    return [];
  }
  const raw: RawPort[] = [];
  for (let i = 0; i < props.ports.length; i++) { // not forEach: a hole in the list is a mistake too
    const x: ServicePortProps = props.ports[i];
    if (!checkKnownKeys(p, `ports[${i}]`, x ?? null, ['port', 'targetPort', 'protocol', 'name'])) continue;
    raw.push({ at: `ports[${i}]`, port: x.port, targetPort: x.targetPort, protocol: x.protocol ?? props.protocol, name: x.name });
  }
  return raw;
}

export function normalizePorts(p: Problems, props: InboundServiceProps): PortModel[] {
  const out: PortModel[] = [];
  for (const r of rawPorts(p, props)) {
    const port = normalizePort(p, r, out);
    if (port) out.push(port);
  }
  return out;
}

/**
 * Whether Istio reads the protocol from the port name: its prefix before "-" (`https` is TLS
 * to the mesh: istio/istio 1.30.3 pkg/config/protocol/instance.go:68-99,137-144).
 */
function nameCarriesProtocol(name: string, protocol: Protocol): boolean {
  const prefix = name.toLowerCase().split('-')[0];
  return prefix === protocol.toLowerCase() || (protocol === 'TLS' && prefix === 'https');
}

/** Why a port needs a protocol, and how to give one. */
function missingProtocol(r: RawPort): string {
  const allowed = PROTOCOLS.join(', ');
  if (typeof r.name !== 'string') return `is required for port ${r.port} (${allowed})`;
  return `is required for port ${r.port}: its name "${r.name}" names no protocol, and Istio reads the protocol from the name's prefix `
    + '(http-, http2-, grpc-, tcp-, tls- or https-) or the port\'s appProtocol; '
    + `rename the port (e.g. "http-${r.name}"), or give protocol (${allowed})`;
}

/** One port, every field checked so that one synth reports all of its mistakes. */
function normalizePort(p: Problems, r: RawPort, earlier: readonly PortModel[]): PortModel | undefined {
  const f = (name: string) => (r.at ? `${r.at}.${name}` : name);
  const portOk = isPort(r.port);
  if (!portOk) p.add(f('port'), r.port, 'is not a port (1-65535)');
  const targetPort = r.targetPort ?? r.port;
  const targetOk = r.targetPort === undefined ? portOk : isPort(targetPort);
  if (!targetOk && r.targetPort !== undefined) p.add(f('targetPort'), targetPort, 'is not a port (1-65535)');
  let protocol: Protocol | undefined;
  if (r.protocol === undefined) p.addMessage(f('protocol'), missingProtocol(r));
  else protocol = normalizeProtocol(p, f('protocol'), r.protocol);
  if (!portOk || !targetOk || !protocol) return undefined;
  const name = r.name ?? `${protocol.toLowerCase()}-${r.port}`;
  if (!isDnsLabel(name)) {
    p.add(f('name'), name, 'is not a port name (DNS-1123 label)');
    return undefined;
  }
  if (!nameCarriesProtocol(String(name), protocol)) {
    p.add(f('name'), name, `does not start with its protocol "${protocol.toLowerCase()}" (Istio reads the protocol from the port name: IST0118)`);
    return undefined;
  }
  const clash = earlier.find((o) => o.number === r.port || o.name === name);
  if (clash) {
    p.add(f('port'), r.port, `collides with port ${clash.number} ("${clash.name}"): port numbers and names must be unique`);
    return undefined;
  }
  return { name: name as string, number: r.port as number, targetPort: targetPort as number, protocol };
}
