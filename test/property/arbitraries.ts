/**
 * Random meshes for property-based tests: a plain-data spec (so a failing case prints and
 * shrinks) and a function that builds the constructs from it.
 */
import { App, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ClientCertificateAuthority, ExternalAccess, Failover, InboundService, InboundServiceProps, LoadBalancer, Mesh, MeshCluster, ServiceAccessPolicy,
  ServiceClient, TlsCredential,
} from '../../src';

export interface ServiceSpec {
  cluster: number;
  extraCluster?: number;
  namespace: string;
  protocols: Array<'HTTP' | 'http2' | 'Grpc' | 'TCP' | 'tls'>;
  ports: number[];
  targetOffset: number;
  sidecar: boolean;
  instances: number; // 0 = not headless
  lb?: 'round' | 'least' | 'random' | 'cookie' | 'header' | 'query' | 'source';
  pool?: { maxConnections: number; connectTimeoutMs: number };
  outlier?: { consecutive5xxErrors: number; intervalS: number; baseEjectionM: number; maxEjectionPercent: number };
  timeoutMs?: number;
  retries?: number;
  external?: 'SIMPLE' | 'MUTUAL';
  allowedNamespaces: string[];
  dryRun: boolean;
  /** Issue 13: failover, distribution, versions, global host (made valid by buildMesh). */
  shift?: { failover?: 'locality' | 'order'; distribution?: number; versions?: 1 | 2; globalHost: boolean };
}

export interface ClientSpec {
  cluster: number;
  namespace: string;
  serviceAccount?: string;
  calls: number[];
  rules?: Array<{ methods?: string[]; paths?: string[] }>;
}

export interface MeshSpec {
  discovery: 'federated' | 'multi-primary';
  trustDomain: string;
  clusters: Array<{ network: number; address: 'ip' | 'dns'; region?: number }>;
  services: ServiceSpec[];
  clients: ClientSpec[];
}

const namespace = fc.constantFrom('default', 'shop', 'data', 'tools');
const HTTPISH = new Set(['HTTP', 'http2', 'Grpc']);

const serviceSpec = (clusters: number): fc.Arbitrary<ServiceSpec> => fc.record({
  cluster: fc.nat({ max: clusters - 1 }),
  extraCluster: fc.option(fc.nat({ max: clusters - 1 }), { nil: undefined }),
  namespace,
  protocols: fc.array(fc.constantFrom('HTTP', 'http2', 'Grpc', 'TCP', 'tls'), { minLength: 1, maxLength: 3 }),
  ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 3, maxLength: 3 }),
  targetOffset: fc.integer({ min: 0, max: 100 }),
  sidecar: fc.boolean(),
  instances: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  lb: fc.option(fc.constantFrom('round', 'least', 'random', 'cookie', 'header', 'query', 'source'), { nil: undefined }),
  pool: fc.option(fc.record({ maxConnections: fc.nat({ max: 10000 }), connectTimeoutMs: fc.integer({ min: 1, max: 60000 }) }), { nil: undefined }),
  outlier: fc.option(fc.record({ consecutive5xxErrors: fc.nat({ max: 100 }), intervalS: fc.integer({ min: 1, max: 600 }), baseEjectionM: fc.integer({ min: 1, max: 60 }), maxEjectionPercent: fc.nat({ max: 100 }) }), { nil: undefined }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 120000 }), { nil: undefined }),
  retries: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
  external: fc.option(fc.constantFrom('SIMPLE', 'MUTUAL'), { nil: undefined }),
  allowedNamespaces: fc.uniqueArray(namespace, { maxLength: 2 }),
  dryRun: fc.boolean(),
  shift: fc.option(fc.record({
    failover: fc.option(fc.constantFrom('locality', 'order'), { nil: undefined }),
    distribution: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
    versions: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    globalHost: fc.boolean(),
  }), { nil: undefined }),
});

const clientSpec = (clusters: number, services: number): fc.Arbitrary<ClientSpec> => fc.record({
  cluster: fc.nat({ max: clusters - 1 }),
  namespace,
  serviceAccount: fc.option(fc.constantFrom('sa-a', 'sa-b'), { nil: undefined }),
  calls: services === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat({ max: services - 1 }), { maxLength: services }),
  rules: fc.option(fc.array(fc.record({
    methods: fc.option(fc.uniqueArray(fc.constantFrom('GET', 'post', 'PUT', 'DELETE'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    paths: fc.option(fc.uniqueArray(fc.constantFrom('/status', '/api/*', '*.json', '/'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
});

export const meshSpec: fc.Arbitrary<MeshSpec> = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    discovery: fc.constantFrom('federated', 'multi-primary'),
    trustDomain: fc.constantFrom('cluster.local', 'prod.example.org'),
    clusters: fc.array(fc.record({ network: fc.nat({ max: 2 }), address: fc.constantFrom('ip', 'dns'), region: fc.option(fc.nat({ max: 1 }), { nil: undefined }) }),
      { minLength: n, maxLength: n }),
    services: fc.array(serviceSpec(n), { maxLength: 6 }),
  } as const).chain((m) => fc.record({
    discovery: fc.constant(m.discovery),
    trustDomain: fc.constant(m.trustDomain),
    clusters: fc.constant(m.clusters),
    services: fc.constant(m.services),
    clients: fc.array(clientSpec(n, m.services.length), { maxLength: 6 }),
  })),
);

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/**
 * Builds the constructs for a spec, turning combinations the library rejects on purpose into
 * valid ones (the invalid combinations have their own tests).
 */
export function buildMesh(spec: MeshSpec, app: App = new App(), mutation?: Mutation): Mesh {
  const m = <T>(target: Mutation['target'], index: number, props: T): T => (mutation && mutation.target === target && mutation.index === index ? mutation.apply(props) : props);
  const mesh = new Mesh(app, 'mesh', m('mesh', 0, {
    name: 'lc',
    discovery: spec.discovery,
    trustDomain: spec.trustDomain,
    clusters: spec.clusters.map((c, i) => ({
      name: `c${i}`,
      network: `net${c.network}`,
      eastWestGateway: { address: c.address === 'ip' ? `192.0.2.${i + 1}` : `eastwest.c${i}.example.com` },
      // One zone per cluster: a distribution's locality never covers another cluster.
      locality: c.region === undefined ? undefined : { region: `r${c.region}`, zone: `r${c.region}-z${i}` },
    })),
  }));
  const cluster = (i: number) => mesh.cluster(`c${i}`);
  const services = spec.services.map((s, i) => {
    // Multi-primary cannot reach a sidecar-less service across networks (its own test covers that).
    const sidecar = s.sidecar || spec.discovery === 'multi-primary';
    // A sidecar-less service reached through a gateway carries one port.
    const protocols = sidecar ? s.protocols : s.protocols.slice(0, 1);
    const http = protocols.every((p) => HTTPISH.has(p));
    const anyHttp = protocols.some((p) => HTTPISH.has(p));
    // A headless service runs in one cluster (its instance names name one pod each) and names its peers' identity.
    const headless = s.instances > 0 && spec.discovery === 'federated' && sidecar && (s.extraCluster === undefined || s.extraCluster === s.cluster);
    const lb = !sidecar || s.lb === undefined ? undefined
      : { round: LoadBalancer.roundRobin(), least: LoadBalancer.leastRequest(), random: LoadBalancer.random(), source: LoadBalancer.consistentHashBySourceIp(),
        cookie: http ? LoadBalancer.consistentHashByCookie({ name: 'session', ttl: Duration.minutes(5) }) : LoadBalancer.consistentHashBySourceIp(),
        header: http ? LoadBalancer.consistentHashByHeader('x-user') : LoadBalancer.roundRobin(),
        query: http ? LoadBalancer.consistentHashByQueryParameter('u') : LoadBalancer.random() }[s.lb];
    const props: InboundServiceProps = {
      namespace: s.namespace,
      // Distinct ports keep distinct container ports (a wrap, not a clamp): a headless service's
      // instances are dialled on the container port, so two ports cannot share one.
      ports: protocols.map((protocol, j) => ({ port: s.ports[j], targetPort: ((s.ports[j] + s.targetOffset - 1) % 65535) + 1, protocol })),
      sidecar,
      headless,
      instances: headless ? s.instances : undefined,
      serviceAccount: headless ? `svc${i}` : undefined,
      trafficPolicy: sidecar ? {
        loadBalancer: lb,
        connectionPool: s.pool && { maxConnections: s.pool.maxConnections, connectTimeout: Duration.millis(s.pool.connectTimeoutMs) },
        outlierDetection: s.outlier && { consecutive5xxErrors: s.outlier.consecutive5xxErrors, interval: `${s.outlier.intervalS}s`, baseEjectionTime: Duration.minutes(s.outlier.baseEjectionM), maxEjectionPercent: s.outlier.maxEjectionPercent },
      } : undefined,
      timeout: anyHttp && s.timeoutMs ? Duration.millis(s.timeoutMs) : undefined,
      retries: anyHttp && s.retries !== undefined ? { attempts: s.retries } : undefined,
      externalAccess: sidecar && s.external ? (s.external === 'SIMPLE'
        ? ExternalAccess.simple({ host: `svc${i}.example.com`, credential: TlsCredential.fromSecret(`svc${i}-cert`), servicePort: s.ports[0] })
        : ExternalAccess.mutual({ host: `svc${i}.example.com`, credential: TlsCredential.fromSecret(`svc${i}-cert`), clientCa: ClientCertificateAuthority.fromPem(CERT), servicePort: s.ports[0] })) : undefined,
      // A namespace allowed wholesale would cancel the access policy of a restricted caller in it
      // (an error of its own test): leave those namespaces out.
      allowedNamespaces: sidecar ? s.allowedNamespaces.filter((n) => !spec.clients.some((c) => c.rules && c.calls.includes(i) && c.namespace === n)) : undefined,
      dryRun: sidecar ? s.dryRun : undefined,
      additionalClusters: s.extraCluster !== undefined && s.extraCluster !== s.cluster ? [cluster(s.extraCluster)] : undefined,
    };
    Object.assign(props, sidecar && !headless ? shiftProps(spec, s, props, cluster) : {});
    return new InboundService(cluster(s.cluster), `svc${i}`, m('service', i, props));
  });
  spec.clients.forEach((c, i) => {
    const client = new ServiceClient(cluster(c.cluster), `client${i}`, m('client', i, { namespace: c.namespace, serviceAccount: c.serviceAccount }));
    for (const target of c.calls) {
      const svc = services[target];
      if (c.rules && svc.sidecar && svc.isHttp) {
        new ServiceAccessPolicy(svc, `client${i}-access`, { client, rules: c.rules.map((r) => ({ methods: r.methods as any, paths: r.paths })) });
      } else {
        client.connectTo(svc);
      }
    }
  });
  return mesh;
}

/**
 * Failover, distribution, versions and global host for a service, kept to what is valid:
 * localities on every server cluster for locality settings, outlier detection that can eject,
 * versions running everywhere (so every caller can reach each), a global host in federated mode.
 */
function shiftProps(spec: MeshSpec, s: ServiceSpec, props: InboundServiceProps, cluster: (i: number) => MeshCluster): Partial<InboundServiceProps> {
  const shift = s.shift;
  if (!shift) return {};
  const home = cluster(s.cluster);
  const servers = [home, ...(props.additionalClusters ?? [])];
  const located = servers.every((c) => c.topology.locality !== undefined);
  const out: { -readonly [K in keyof InboundServiceProps]: InboundServiceProps[K] } = {};
  const several = servers.length > 1;
  if (several && (shift.failover === 'order' || (shift.failover === 'locality' && located))) {
    out.failover = shift.failover === 'order' ? Failover.inOrder([...servers].reverse()) : Failover.byLocality();
  }
  if (several && located && shift.distribution !== undefined) {
    out.distribution = [{ to: [{ cluster: servers[0], weight: shift.distribution }, { cluster: servers[1], weight: 100 - shift.distribution }] }];
  }
  if (out.failover || out.distribution) {
    const od = props.trafficPolicy?.outlierDetection;
    out.trafficPolicy = { ...props.trafficPolicy, outlierDetection: { ...od, consecutive5xxErrors: 5, maxEjectionPercent: undefined } };
  }
  if (shift.versions && !s.protocols.some((p) => p === 'tls')) {
    out.versions = shift.versions === 1 ? [{ name: 'v1', labels: { version: 'v1' }, weight: 100 }]
      : [{ name: 'v1', labels: { version: 'v1' }, weight: 60 }, { name: 'v2', labels: { version: 'v2' }, weight: 40 }];
  }
  if (shift.globalHost && spec.discovery === 'federated') out.globalHost = true;
  return out;
}

/** One change that makes a valid mesh invalid; `field` is what the error must name. */
export interface Mutation {
  readonly target: 'mesh' | 'service' | 'client';
  readonly index: number;
  readonly field: string;
  readonly apply: <T>(props: T) => T;
}

type Change = { target: Mutation['target']; field: string; apply: (p: any) => any };
const CHANGES: Change[] = [
  { target: 'service', field: 'port', apply: (p) => ({ ...p, ports: [{ ...p.ports[0], port: 70000 }, ...p.ports.slice(1)] }) },
  { target: 'service', field: 'targetPort', apply: (p) => ({ ...p, ports: [{ ...p.ports[0], targetPort: -3 }, ...p.ports.slice(1)] }) },
  { target: 'service', field: 'protocol', apply: (p) => ({ ...p, ports: [{ ...p.ports[0], protocol: 'SCTP' }, ...p.ports.slice(1)] }) },
  { target: 'service', field: 'namespace', apply: (p) => ({ ...p, namespace: 'Bad NS' }) },
  { target: 'service', field: 'name', apply: (p) => ({ ...p, name: 'Bad_Name' }) },
  { target: 'service', field: 'serviceMesh', apply: (p) => ({ ...p, serviceMesh: 'consul' }) },
  { target: 'service', field: 'instances', apply: (p) => ({ ...p, headless: true, instances: undefined }) },
  { target: 'service', field: 'workloadLabels', apply: (p) => ({ ...p, workloadLabels: {} }) },
  { target: 'service', field: 'allowedNamespaces', apply: (p) => ({ ...p, allowedNamespaces: ['NOT VALID'] }) },
  { target: 'service', field: 'vip', apply: (p) => ({ ...p, vip: '1.2.3' }) },
  { target: 'service', field: 'maxEjectionPercent', apply: (p) => ({ ...p, sidecar: true, trafficPolicy: { outlierDetection: { maxEjectionPercent: 101 } } }) },
  { target: 'service', field: 'maxConnections', apply: (p) => ({ ...p, sidecar: true, trafficPolicy: { connectionPool: { maxConnections: -1 } } }) },
  { target: 'service', field: 'interval', apply: (p) => ({ ...p, sidecar: true, trafficPolicy: { outlierDetection: { interval: '0s' } } }) },
  { target: 'service', field: 'timeout', apply: (p) => ({ ...p, timeout: 'soon' }) },
  { target: 'client', field: 'namespace', apply: (p) => ({ ...p, namespace: 'X Y' }) },
  { target: 'client', field: 'serviceAccount', apply: (p) => ({ ...p, serviceAccount: 'Bad!' }) },
  { target: 'mesh', field: 'trustDomain', apply: (p) => ({ ...p, trustDomain: 'bad domain' }) },
  { target: 'mesh', field: 'network', apply: (p) => ({ ...p, clusters: [{ ...p.clusters[0], network: 'a b' }, ...p.clusters.slice(1)] }) },
  { target: 'mesh', field: 'eastWestGateway.address', apply: (p) => ({ ...p, clusters: [{ ...p.clusters[0], eastWestGateway: { address: 'not an address' } }, ...p.clusters.slice(1)] }) },
];

/** A valid mesh spec and a mutation that applies to it. */
export const mutatedMeshSpec: fc.Arbitrary<{ spec: MeshSpec; mutation: Mutation }> = meshSpec.chain((spec) => {
  const applicable = CHANGES.filter((c) => c.target === 'mesh' || (c.target === 'service' ? spec.services.length > 0 : spec.clients.length > 0));
  return fc.record({
    change: fc.constantFrom(...applicable),
    pick: fc.nat(),
  }).map(({ change, pick }) => {
    const count = change.target === 'mesh' ? 1 : change.target === 'service' ? spec.services.length : spec.clients.length;
    return { spec, mutation: { target: change.target, index: pick % count, field: change.field, apply: change.apply as <T>(p: T) => T } };
  });
});

/** Number of runs: FUZZ_RUNS (npm run fuzz) or the default. */
export function runs(defaultRuns: number): number {
  return Number(process.env.FUZZ_RUNS ?? defaultRuns);
}
