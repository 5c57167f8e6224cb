import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  ClientCertificateAuthority, ExternalAccess, InboundService, LoadBalancer, Mesh, ServiceAccessPolicy, ServiceClient, synthClusters, TlsCredential,
} from '../src';
import { find, kinds, newMesh, synth, synthError } from './support/synth';

const FQDN = 'httpbin.default.svc.cluster.local';

function httpbinAndSleep(props: Partial<ConstructorParameters<typeof InboundService>[2]> = {}, meshProps: Parameters<typeof newMesh>[0] = {}) {
  const { app, mesh } = newMesh(meshProps);
  const httpbin = new InboundService(mesh.cluster('cluster02'), 'httpbin', { protocol: 'HTTP', port: 8000, targetPort: 80, ...props });
  const sleep = new ServiceClient(mesh.cluster('cluster01'), 'sleep');
  return { app, mesh, httpbin, sleep };
}

describe('DestinationRule', () => {
  test('is emitted in the server cluster for its callers and in each client cluster, with the same traffic policy', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep({
      trafficPolicy: {
        loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'user1', path: '/', ttl: '10s' }),
        connectionPool: { maxConnections: 10, connectTimeout: Duration.seconds(10), http2MaxRequests: 1000, maxRequestsPerConnection: 100, http1MaxPendingRequests: 5 },
        outlierDetection: { consecutive5xxErrors: 7, consecutiveGatewayErrors: 3, interval: '5m', baseEjectionTime: Duration.minutes(15), maxEjectionPercent: 50 },
      },
    });
    httpbin.allowFrom(sleep);
    httpbin.allowFrom(new ServiceClient(mesh.cluster('cluster02'), 'local'));
    const out = synth(app);
    const server = find(out.cluster02, 'DestinationRule', 'httpbin');
    const client = find(out.cluster01, 'DestinationRule', 'httpbin');
    expect(server.spec).toEqual({
      host: FQDN,
      exportTo: ['.'],
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        loadBalancer: { consistentHash: { httpCookie: { name: 'user1', path: '/', ttl: '10s' } } },
        connectionPool: { tcp: { maxConnections: 10, connectTimeout: '10s' }, http: { http2MaxRequests: 1000, maxRequestsPerConnection: 100, http1MaxPendingRequests: 5 } },
        outlierDetection: { consecutive5xxErrors: 7, consecutiveGatewayErrors: 3, interval: '5m', baseEjectionTime: '15m', maxEjectionPercent: 50 },
      },
    });
    // The client-side copy is the same rule, visible to the client's namespace alone, without outlier detection: the
    // client sees one endpoint (the gateway), which only the east-west gateway's own rule can look behind.
    const { outlierDetection, ...clientPolicy } = server.spec.trafficPolicy;
    expect(client.spec).toEqual({ ...server.spec, trafficPolicy: clientPolicy });
    expect(find(out.cluster02, 'DestinationRule', 'httpbin-eastwest', 'istio-system').spec).toEqual({
      host: FQDN, exportTo: ['.'], workloadSelector: { matchLabels: { istio: 'eastwestgateway' } }, trafficPolicy: { outlierDetection },
    });
    expect(client.metadata.namespace).toBe('default');
  });

  test.each([
    [LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.leastRequest(), { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.random(), { simple: 'RANDOM' }],
    [LoadBalancer.consistentHashByHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashByQueryParameter('user'), { consistentHash: { httpQueryParameterName: 'user' } }],
    [LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
    [LoadBalancer.consistentHashByCookie({ name: 'c' }), { consistentHash: { httpCookie: { name: 'c' } } }],
  ])('load balancer %#', (lb, expected) => {
    const { app, httpbin, sleep } = httpbinAndSleep({ trafficPolicy: { loadBalancer: lb } });
    httpbin.allowFrom(sleep);
    expect(find(synth(app).cluster01, 'DestinationRule', 'httpbin').spec.trafficPolicy.loadBalancer).toEqual(expected);
  });

  test('is absent from clusters without clients', () => {
    const { app } = httpbinAndSleep();
    const out = synth(app);
    expect(kinds(out.cluster01)).toEqual([]);
    expect(kinds(out.cluster02)).toEqual(['AuthorizationPolicy/default/httpbin', 'PeerAuthentication/default/httpbin']);
  });
});

describe('server-side visibility', () => {
  test('the server DestinationRule is visible to the namespaces that call it, not to the east-west gateway', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep({ allowedNamespaces: ['monitoring'] });
    httpbin.allowFrom(sleep);
    httpbin.allowFrom(new ServiceClient(mesh.cluster('cluster02'), 'local', { namespace: 'tools' }));
    httpbin.allowFrom(new ServiceClient(mesh.cluster('cluster02'), 'same', { namespace: 'default' }));
    expect(find(synth(app).cluster02, 'DestinationRule', 'httpbin').spec.exportTo).toEqual(['.', 'tools', 'monitoring']);
  });
});

describe('VirtualService for timeouts and retries', () => {
  test('is emitted where the DestinationRule is, one route per HTTP-family port', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep({
      port: undefined, targetPort: undefined, protocol: undefined,
      ports: [{ port: 8000, protocol: 'http' }, { port: 9000, protocol: 'GRPC' }, { port: 7000, protocol: 'tcp' }],
      timeout: '3s',
      retries: { attempts: 3, perTryTimeout: Duration.millis(500), retryOn: ['5xx', '503'] },
    });
    sleep.connectTo(httpbin);
    new ServiceClient(mesh.cluster('cluster02'), 'local').connectTo(httpbin);
    const out = synth(app);
    const vs = find(out.cluster02, 'VirtualService', 'httpbin');
    const route = (port: number) => ({
      name: `port-${port}`, match: [{ port }], route: [{ destination: { host: FQDN, port: { number: port } } }],
      timeout: '3s', retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx,503' },
    });
    expect(vs.spec).toEqual({ hosts: [FQDN], exportTo: ['.'], http: [route(8000), route(9000)] });
    expect(find(out.cluster01, 'VirtualService', 'httpbin').spec).toEqual(vs.spec);
  });

  test('is absent when neither timeout nor retries are set', () => {
    const { app, httpbin, sleep } = httpbinAndSleep();
    httpbin.allowFrom(sleep);
    const out = synth(app);
    expect([...out.cluster01, ...out.cluster02].filter((o) => o.kind === 'VirtualService')).toEqual([]);
  });
});

describe('PeerAuthentication and AuthorizationPolicy', () => {
  test('STRICT mTLS and an ALLOW policy select the server workload', () => {
    const { app } = httpbinAndSleep({ workloadLabels: { app: 'httpbin', version: 'v1' } });
    const out = synth(app);
    expect(find(out.cluster02, 'PeerAuthentication', 'httpbin').spec).toEqual({ selector: { matchLabels: { app: 'httpbin', version: 'v1' } }, mtls: { mode: 'STRICT' } });
    // Nobody may call it yet: allow-nothing for this workload only (never an empty selector).
    expect(find(out.cluster02, 'AuthorizationPolicy', 'httpbin').spec).toEqual({ action: 'ALLOW', selector: { matchLabels: { app: 'httpbin', version: 'v1' } } });
  });

  test('gathers every client, wherever and whenever it was declared, as principals', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep({ allowedNamespaces: ['monitoring'] });
    const local = new ServiceClient(mesh.cluster('cluster02'), 'curl', { namespace: 'tools', serviceAccount: 'curl-sa' });
    httpbin.allowFrom(sleep);
    local.connectTo(httpbin);
    const admin = new ServiceClient(mesh.cluster('cluster01'), 'admin');
    new ServiceAccessPolicy(httpbin, 'admin-access', { client: admin, rules: [{ methods: ['get', 'HEAD'], paths: ['/status/*'] }, { methods: ['POST'] }] });
    new ServiceAccessPolicy(httpbin, 'legacy', { principal: 'cluster.local/ns/legacy/sa/batch', rules: [{ paths: ['*.json'] }] });
    const ap = find(synth(app).cluster02, 'AuthorizationPolicy', 'httpbin');
    expect(ap.spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep', 'cluster.local/ns/tools/sa/curl-sa'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/default/sa/admin'] } }], to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/status/*'] } }, { operation: { methods: ['POST'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/legacy/sa/batch'] } }], to: [{ operation: { paths: ['*.json'] } }] },
      { from: [{ source: { namespaces: ['monitoring'] } }] },
    ]);
  });

  test('principals use the mesh trust domain', () => {
    const { app, httpbin, sleep } = httpbinAndSleep({}, { trustDomain: 'prod.example.org' });
    httpbin.allowFrom(sleep);
    expect(find(synth(app).cluster02, 'AuthorizationPolicy', 'httpbin').spec.rules[0].from[0].source.principals).toEqual(['prod.example.org/ns/default/sa/sleep']);
  });

  test('dry-run is an annotation on the AuthorizationPolicy only', () => {
    const { app } = httpbinAndSleep({ dryRun: true });
    const out = synth(app);
    expect(find(out.cluster02, 'AuthorizationPolicy', 'httpbin').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    expect(find(out.cluster02, 'PeerAuthentication', 'httpbin').metadata.annotations).toBeUndefined();
  });

  test('adding the same client twice changes nothing', () => {
    const { app, httpbin, sleep } = httpbinAndSleep();
    httpbin.allowFrom(sleep);
    httpbin.allowFrom(sleep);
    sleep.connectTo(httpbin);
    expect(httpbin.allowedClients).toEqual([sleep]);
    expect(find(synth(app).cluster02, 'AuthorizationPolicy', 'httpbin').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }] }]);
  });
});

describe('federated cross-cluster access', () => {
  test('the client cluster gets a ServiceEntry to the server east-west gateway (STATIC for an IP)', () => {
    const { app, httpbin, sleep } = httpbinAndSleep();
    httpbin.allowFrom(sleep);
    const se = find(synth(app).cluster01, 'ServiceEntry', 'httpbin', 'default');
    expect(se.spec).toEqual({
      hosts: [FQDN],
      addresses: [expect.stringMatching(/^241\.\d+\.\d+\.\d+$/)],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [{ number: 8000, name: 'http-8000', protocol: 'HTTP' }],
      endpoints: [{ address: '192.0.2.20', ports: { 'http-8000': 15443 }, labels: { 'traffic.intents.cdk8s.io/cluster': 'cluster02', 'security.istio.io/tlsMode': 'istio' } }],
      exportTo: ['.'],
    });
  });

  test('DNS resolution for a gateway host name, the configured gateway port, and the client namespace', () => {
    const { app, mesh } = newMesh({ clusters: [{ name: 'cluster01' }, { name: 'cluster02', eastWestGateway: { address: 'gw.cluster02.example.com', port: 31443 } }] });
    const svc = new InboundService(mesh.cluster('cluster02'), 'httpbin', { protocol: 'HTTP', port: 8000 });
    new ServiceClient(mesh.cluster('cluster01'), 'sleep', { namespace: 'apps' }).connectTo(svc);
    const out = synth(app);
    const se = find(out.cluster01, 'ServiceEntry', 'httpbin', 'apps');
    expect(se.spec.resolution).toBe('DNS');
    expect(se.spec.endpoints[0]).toMatchObject({ address: 'gw.cluster02.example.com', ports: { 'http-8000': 31443 } });
    expect(find(out.cluster01, 'DestinationRule', 'httpbin', 'apps')).toBeDefined();
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest').spec.servers[0].port.number).toBe(31443);
  });

  test('the server cluster exposes exactly the remotely used hosts on its east-west gateway', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep();
    new InboundService(mesh.cluster('cluster02'), 'private', { protocol: 'TCP', port: 5000 });
    httpbin.allowFrom(sleep);
    const gw = find(synth(app).cluster02, 'Gateway', 'lc1-eastwest', 'istio-system');
    expect(gw.spec).toEqual({
      selector: { istio: 'eastwestgateway' },
      servers: [{ port: { number: 15443, name: 'tls-passthrough-15443', protocol: 'TLS' }, hosts: [FQDN], tls: { mode: 'AUTO_PASSTHROUGH' } }],
    });
    expect(JSON.stringify(gw)).not.toContain('*');
  });

  test('no east-west Gateway in a cluster whose services have only local clients', () => {
    const { app, mesh, httpbin } = httpbinAndSleep();
    httpbin.allowFrom(new ServiceClient(mesh.cluster('cluster02'), 'local'));
    const out = synth(app);
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest')).toBeUndefined();
    expect(out.cluster02.filter((o) => o.kind === 'ServiceEntry')).toEqual([]);
  });

  test('the remote client keeps its identity: the server policy names its principal', () => {
    const { app, httpbin, sleep } = httpbinAndSleep();
    httpbin.allowFrom(sleep);
    expect(find(synth(app).cluster02, 'AuthorizationPolicy', 'httpbin').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/default/sa/sleep']);
  });

  test('VIPs are unique per host, identical in every cluster, and stable when services are added', () => {
    const build = (extra: number) => {
      const { app, mesh } = newMesh({ clusters: [{ name: 'cluster01', eastWestGateway: { address: '192.0.2.1' } }, { name: 'cluster02', eastWestGateway: { address: '192.0.2.2' } }, { name: 'cluster03' }] });
      const c3 = new ServiceClient(mesh.cluster('cluster03'), 'c3');
      const c1 = new ServiceClient(mesh.cluster('cluster01'), 'c1');
      for (let i = 0; i < 3 + extra; i++) {
        const svc = new InboundService(mesh.cluster('cluster02'), `svc${i}`, { protocol: 'TCP', port: 7000 });
        c3.connectTo(svc);
        c1.connectTo(svc);
      }
      const out = synth(app);
      const vip = (cluster: string, name: string) => find(out[cluster], 'ServiceEntry', name).spec.addresses[0];
      return { vip, n: 3 + extra };
    };
    const small = build(0);
    const large = build(20);
    const vips = Array.from({ length: large.n }, (_, i) => large.vip('cluster03', `svc${i}`));
    expect(new Set(vips).size).toBe(large.n);
    for (let i = 0; i < large.n; i++) expect(large.vip('cluster01', `svc${i}`)).toBe(vips[i]);
    for (let i = 0; i < small.n; i++) expect(small.vip('cluster03', `svc${i}`)).toBe(vips[i]);
  });

  test('a hash collision moves only the later host (in name order) to the next free address', () => {
    // A /29 has 6 addresses: with 4 hosts, some hash to the same slot.
    const { app, mesh } = newMesh({ vipRange: '240.240.0.0/29' });
    const c = new ServiceClient(mesh.cluster('cluster01'), 'c');
    for (const n of ['a', 'b', 'c', 'd']) c.connectTo(new InboundService(mesh.cluster('cluster02'), n, { protocol: 'TCP', port: 9000 }));
    const out = synth(app);
    const vips = ['a', 'b', 'c', 'd'].map((n) => find(out.cluster01, 'ServiceEntry', n).spec.addresses[0]);
    expect(new Set(vips).size).toBe(4);
    for (const v of vips) expect(v).toMatch(/^240\.240\.0\.[1-6]$/);
    // Deterministic: the same mesh gives the same addresses.
    const again = newMesh({ vipRange: '240.240.0.0/29' });
    const c2 = new ServiceClient(again.mesh.cluster('cluster01'), 'c');
    for (const n of ['a', 'b', 'c', 'd']) c2.connectTo(new InboundService(again.mesh.cluster('cluster02'), n, { protocol: 'TCP', port: 9000 }));
    expect(['a', 'b', 'c', 'd'].map((n) => find(synth(again.app).cluster01, 'ServiceEntry', n).spec.addresses[0])).toEqual(vips);
  });

  test('a pinned VIP is used as given', () => {
    const { app, httpbin, sleep } = httpbinAndSleep({ vip: '241.0.0.7' });
    httpbin.allowFrom(sleep);
    expect(find(synth(app).cluster01, 'ServiceEntry', 'httpbin').spec.addresses).toEqual(['241.0.0.7']);
  });

  test('a service placed in several clusters gets an endpoint per cluster, labelled by cluster', () => {
    const { app, mesh } = newMesh({ clusters: [{ name: 'cluster01' }, { name: 'cluster02', eastWestGateway: { address: '192.0.2.2' } }, { name: 'cluster03', eastWestGateway: { address: 'gw3.example.com' } }] });
    const svc = new InboundService(mesh.cluster('cluster02'), 'api', { protocol: 'GRPC', port: 9000, additionalClusters: [mesh.cluster('cluster03')] });
    svc.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'web'));
    const out = synth(app);
    const se = find(out.cluster01, 'ServiceEntry', 'api');
    expect(se.spec.resolution).toBe('DNS');
    expect(se.spec.endpoints.map((e: any) => [e.address, e.labels['traffic.intents.cdk8s.io/cluster']])).toEqual([['192.0.2.2', 'cluster02'], ['gw3.example.com', 'cluster03']]);
    for (const c of ['cluster02', 'cluster03']) {
      expect(kinds(out[c])).toEqual(['AuthorizationPolicy/default/api', 'Gateway/istio-system/lc1-eastwest', 'PeerAuthentication/default/api']);
    }
  });

  test('pins the server identity when its service account is known', () => {
    const { app, httpbin, sleep } = httpbinAndSleep({ serviceAccount: 'httpbin-sa' });
    httpbin.allowFrom(sleep);
    expect(find(synth(app).cluster01, 'ServiceEntry', 'httpbin').spec.subjectAltNames).toEqual(['spiffe://cluster.local/ns/default/sa/httpbin-sa']);
  });
});

describe('multi-primary discovery', () => {
  test('no ServiceEntries; DR in client clusters; gateway only across networks', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep({ timeout: '2s' }, {
      discovery: 'multi-primary',
      clusters: [{ name: 'cluster01', network: 'n1' }, { name: 'cluster02', network: 'n2' }, { name: 'cluster03', network: 'n2' }],
    });
    httpbin.allowFrom(sleep);
    httpbin.allowFrom(new ServiceClient(mesh.cluster('cluster03'), 'same-network'));
    const out = synth(app);
    expect(kinds(out.cluster01)).toEqual(['DestinationRule/default/httpbin', 'VirtualService/default/httpbin']);
    expect(kinds(out.cluster03)).toEqual(['DestinationRule/default/httpbin', 'VirtualService/default/httpbin']);
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest').spec.servers[0].hosts).toEqual([FQDN]);
  });

  test('a service without a sidecar on the same network: plain-text routing, no gateway', () => {
    const { app, mesh } = newMesh({ discovery: 'multi-primary', clusters: [{ name: 'cluster01', network: 'n' }, { name: 'cluster02', network: 'n' }] });
    const legacy = new InboundService(mesh.cluster('cluster02'), 'legacy', { protocol: 'TCP', port: 3306, sidecar: false });
    legacy.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'app'));
    const out = synth(app);
    expect(find(out.cluster01, 'DestinationRule', 'legacy').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
    // Its only caller is in another cluster: nothing in the server cluster reads a rule for it.
    expect(kinds(out.cluster02)).toEqual([]);
  });

  test('clusters on one network need no gateway', () => {
    const { app, httpbin, sleep } = httpbinAndSleep({}, { discovery: 'multi-primary', clusters: [{ name: 'cluster01', network: 'n' }, { name: 'cluster02', network: 'n' }] });
    httpbin.allowFrom(sleep);
    const out = synth(app);
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest')).toBeUndefined();
    expect(kinds(out.cluster01)).toEqual(['DestinationRule/default/httpbin']);
  });
});

describe('headless (stateful) services', () => {
  test('every instance is reachable: a ServiceEntry per instance in client and server clusters', () => {
    const { app, mesh } = newMesh();
    const db = new InboundService(mesh.cluster('cluster02'), 'db', {
      namespace: 'data', protocol: 'TCP', port: 5432, targetPort: 15432, headless: true, instances: 2, serviceAccount: 'db',
    });
    new ServiceClient(mesh.cluster('cluster01'), 'app', { namespace: 'web', headless: true }).connectTo(db);
    const out = synth(app);
    const host = (i: number) => `db-${i}.db.data.svc.cluster.local`;
    for (const i of [0, 1]) {
      const client = find(out.cluster01, 'ServiceEntry', `db-${i}`, 'web');
      expect(client.spec.hosts).toEqual([host(i)]);
      expect(client.spec.endpoints[0]).toMatchObject({ address: '192.0.2.20', ports: { 'tcp-5432': 15443 } });
      // Pod DNS names are dialled on the container port: a headless Service maps no ports.
      expect(client.spec.ports).toEqual([{ number: 15432, name: 'tcp-5432', protocol: 'TCP' }]);
      const server = find(out.cluster02, 'ServiceEntry', `db-${i}`, 'data');
      expect(server.spec).toEqual({
        hosts: [host(i)], addresses: client.spec.addresses, location: 'MESH_INTERNAL', resolution: 'DNS', exportTo: ['istio-system'],
        ports: [{ number: 15432, name: 'tcp-5432', protocol: 'TCP' }],
        // The gateway keeps only endpoints it can reach with mTLS: the label says the pod can.
        endpoints: [{ address: host(i), ports: { 'tcp-5432': 15432 }, labels: { 'security.istio.io/tlsMode': 'istio' } }],
      });
      // One rule per instance host (a wildcard host is flagged by istioctl analyze: IST0174).
      expect(find(out.cluster01, 'DestinationRule', `db-${i}`, 'web').spec).toEqual({ host: host(i), exportTo: ['.'], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    }
    expect(find(out.cluster01, 'DestinationRule', 'db-instances', 'web')).toBeUndefined();
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest').spec.servers[0].hosts).toEqual([host(0), host(1), 'db.data.svc.cluster.local']);
  });
});

describe('headless peers', () => {
  test('the instances of a headless service with a known service account may call each other', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'kafka', { protocol: 'TCP', port: 9092, headless: true, instances: 3, serviceAccount: 'kafka' });
    expect(find(synth(app).cluster02, 'AuthorizationPolicy', 'kafka').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/default/sa/kafka'] } }] }]);
  });
});

describe('services without a sidecar', () => {
  test('inbound routing only: DISABLE locally, mesh mTLS terminated at the gateway for remote clients', () => {
    const { app, mesh } = newMesh();
    const legacy = new InboundService(mesh.cluster('cluster02'), 'legacy', { protocol: 'TCP', port: 3306, sidecar: false });
    legacy.allowFrom(new ServiceClient(mesh.cluster('cluster02'), 'local'));
    legacy.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'remote'));
    const out = synth(app);
    const host = 'legacy.default.svc.cluster.local';
    expect(kinds(out.cluster02)).toEqual([
      'AuthorizationPolicy/istio-system/legacy-eastwest', 'DestinationRule/default/legacy', 'DestinationRule/istio-system/legacy-eastwest',
      'Gateway/istio-system/lc1-eastwest', 'VirtualService/default/legacy-eastwest',
    ]);
    // The gateway's own rule: plain text to the pod even under a mesh-wide ISTIO_MUTUAL rule.
    expect(find(out.cluster02, 'DestinationRule', 'legacy-eastwest', 'istio-system').spec).toEqual({
      host, exportTo: ['.'], workloadSelector: { matchLabels: { istio: 'eastwestgateway' } }, trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    expect(find(out.cluster02, 'DestinationRule', 'legacy').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
    expect(find(out.cluster02, 'Gateway', 'lc1-eastwest').spec.servers).toEqual([{ port: { number: 15444, name: 'tls-mesh-legacy', protocol: 'TLS' }, hosts: [`default/${host}`], tls: { mode: 'ISTIO_MUTUAL' } }]);
    // Only declared clients get through the gateway that terminates mTLS for the workload.
    expect(find(out.cluster02, 'AuthorizationPolicy', 'legacy-eastwest').spec).toEqual({
      selector: { matchLabels: { istio: 'eastwestgateway' } }, action: 'DENY',
      rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/default/sa/local', 'cluster.local/ns/default/sa/remote'] } }], when: [{ key: 'connection.sni', values: [host] }] }],
    });
    expect(find(out.cluster02, 'VirtualService', 'legacy-eastwest').spec).toEqual({
      hosts: [host], gateways: ['istio-system/lc1-eastwest'], exportTo: ['istio-system'],
      tcp: [{ match: [{ port: 15444 }], route: [{ destination: { host, port: { number: 3306 } } }] }],
    });
    expect(find(out.cluster01, 'DestinationRule', 'legacy').spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL', sni: host } });
    expect(find(out.cluster01, 'ServiceEntry', 'legacy').spec.endpoints[0].ports).toEqual({ 'tcp-3306': 15444 });
  });
});

describe('east-west gateway in its own namespace', () => {
  test('its Gateway, policies and the entries only it needs go to that namespace', () => {
    const { app, mesh } = newMesh({ clusters: [{ name: 'cluster01' }, { name: 'cluster02', eastWestGateway: { address: '192.0.2.20', namespace: 'istio-gateways' } }] });
    const db = new InboundService(mesh.cluster('cluster02'), 'db', { namespace: 'data', protocol: 'TCP', port: 5432, sidecar: false });
    const kafka = new InboundService(mesh.cluster('cluster02'), 'kafka', { namespace: 'data', protocol: 'TCP', port: 9092, headless: true, instances: 1, serviceAccount: 'kafka' });
    const c = new ServiceClient(mesh.cluster('cluster01'), 'app');
    c.connectTo(db);
    c.connectTo(kafka);
    const out = synth(app).cluster02;
    expect(find(out, 'Gateway', 'lc1-eastwest', 'istio-gateways')).toBeDefined();
    expect(find(out, 'AuthorizationPolicy', 'db-eastwest', 'istio-gateways')).toBeDefined();
    expect(find(out, 'VirtualService', 'db-eastwest', 'data').spec).toMatchObject({ gateways: ['istio-gateways/lc1-eastwest'], exportTo: ['istio-gateways'] });
    const instance = find(out, 'ServiceEntry', 'kafka-0', 'data').spec;
    expect(instance.exportTo).toEqual(['istio-gateways']);
    expect(instance.endpoints[0]).toEqual({ address: 'kafka-0.kafka.data.svc.cluster.local', ports: { 'tcp-9092': 9092 }, labels: { 'security.istio.io/tlsMode': 'istio' } });
  });
});

describe('services without a sidecar, several in one cluster', () => {
  test('each gets its own terminating server and its own client list', () => {
    const { app, mesh } = newMesh();
    const db = new InboundService(mesh.cluster('cluster02'), 'db', { protocol: 'TCP', port: 5432, sidecar: false });
    const mq = new InboundService(mesh.cluster('cluster02'), 'mq', { namespace: 'queues', protocol: 'TCP', port: 5672, sidecar: false });
    db.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'app'));
    mq.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'worker'));
    const out = synth(app).cluster02;
    expect(find(out, 'Gateway', 'lc1-eastwest').spec.servers.map((x: any) => [x.port.name, x.hosts])).toEqual([
      ['tls-mesh-db', ['default/db.default.svc.cluster.local']],
      ['tls-mesh-mq', ['queues/mq.queues.svc.cluster.local']],
    ]);
    expect(find(out, 'AuthorizationPolicy', 'mq-eastwest').spec.rules[0].from[0].source.notPrincipals).toEqual(['cluster.local/ns/default/sa/worker']);
  });
});

describe('external clients', () => {
  test('SIMPLE TLS on the ingress gateway for an HTTP service, admitted as the gateway identity', () => {
    const { app } = httpbinAndSleep({ externalAccess: ExternalAccess.simple({ host: 'httpbin.example.com', credential: TlsCredential.fromSecret('httpbin-cert') }) });
    const out = synth(app);
    expect(find(out.cluster02, 'Gateway', 'lc1-ingress', 'istio-system').spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{
        port: { number: 443, name: 'https-443-simple-httpbin-cert', protocol: 'HTTPS' }, hosts: ['default/httpbin.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'httpbin-cert' },
      }],
    });
    expect(find(out.cluster02, 'VirtualService', 'httpbin-ingress', 'default').spec).toEqual({
      hosts: ['httpbin.example.com'], gateways: ['istio-system/lc1-ingress'], exportTo: ['istio-system'],
      http: [{ name: 'port-8000', route: [{ destination: { host: FQDN, port: { number: 8000 } } }] }],
    });
    // Admitted as the gateway's identity, and only for requests to the external host.
    expect(find(out.cluster02, 'AuthorizationPolicy', 'httpbin').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }],
      to: [{ operation: { hosts: ['httpbin.example.com', 'httpbin.example.com:*'] } }],
    }]);
    // The ingress gateway gets its own copy of the traffic policy, bound to its pods: the
    // east-west gateway shares its namespace by default and must not apply it.
    expect(find(out.cluster02, 'DestinationRule', 'httpbin')).toBeUndefined();
    expect(find(out.cluster02, 'DestinationRule', 'httpbin-ingress', 'istio-system').spec).toEqual({
      host: FQDN, exportTo: ['.'], workloadSelector: { matchLabels: { istio: 'ingressgateway' } }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(out.cluster02.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('MUTUAL TLS for a TCP service: TLS server, tcp route, IP-restricted, PEM emitted as Secrets', () => {
    const { app, mesh } = newMesh({ clusters: [{ name: 'cluster01', ingressGateway: { namespace: 'ingress', serviceAccount: 'gw', selector: { app: 'gw' } } }] });
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    new InboundService(mesh.cluster('cluster01'), 'mq', {
      protocol: 'TCP', port: 5671,
      externalAccess: ExternalAccess.mutual({
        host: 'mq.example.com', port: 8443, remoteIpBlocks: ['198.51.100.0/24'],
        credential: TlsCredential.fromPem('mq-cert', { certificate: cert, privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' }),
        clientCa: ClientCertificateAuthority.fromPem(cert),
      }),
    });
    const out = synth(app).cluster01;
    expect(find(out, 'Gateway', 'lc1-ingress', 'ingress').spec.servers).toEqual([{
      port: { number: 8443, name: 'tls-8443-mutual-mq-cert', protocol: 'TLS' }, hosts: ['default/mq.example.com'], tls: { mode: 'MUTUAL', credentialName: 'mq-cert' },
    }]);
    expect(find(out, 'VirtualService', 'mq-ingress').spec.tcp).toEqual([{ route: [{ destination: { host: 'mq.default.svc.cluster.local', port: { number: 5671 } } }] }]);
    expect(find(out, 'AuthorizationPolicy', 'mq').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/ingress/sa/gw'] } }] }]);
    // Client IPs are checked where they are known: at the ingress gateway, for this host only.
    expect(find(out, 'AuthorizationPolicy', 'mq-ingress', 'ingress').spec).toEqual({
      selector: { matchLabels: { app: 'gw' } }, action: 'DENY',
      rules: [{ from: [{ source: { notRemoteIpBlocks: ['198.51.100.0/24'] } }], when: [{ key: 'connection.sni', values: ['mq.example.com'] }] }],
    });
    const secret = find(out, 'Secret', 'mq-cert', 'ingress');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data['tls.crt'], 'base64').toString()).toBe(cert);
    expect(Object.keys(find(out, 'Secret', 'mq-cert-cacert', 'ingress').data)).toEqual(['ca.crt']);
  });
});

describe('external access details', () => {
  test('timeouts and retries apply on the ingress route too; each server cluster gets its own ingress', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'shop', {
      protocol: 'HTTP', port: 80, timeout: '2s', retries: { attempts: 1 }, additionalClusters: [mesh.cluster('cluster01')],
      externalAccess: ExternalAccess.simple({ host: 'shop.example.com', credential: TlsCredential.fromSecret('shop-cert') }),
    });
    const out = synth(app);
    for (const cluster of ['cluster01', 'cluster02']) {
      expect(find(out[cluster], 'Gateway', 'lc1-ingress')).toBeDefined();
      expect(find(out[cluster], 'VirtualService', 'shop-ingress').spec.http).toEqual([{
        name: 'port-80', route: [{ destination: { host: 'shop.default.svc.cluster.local', port: { number: 80 } } }], timeout: '2s', retries: { attempts: 1 },
      }]);
    }
  });
});

describe('metadata', () => {
  test('objects are named after the intent name, not the construct id, and carry its annotations and labels', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'SomeConstructId', {
      name: 'httpbin', protocol: 'HTTP', port: 8000, application: 'shop', description: 'the seed example', userData: { userdata1: 'a', userdata2: 'b' },
    });
    const dr = find(synth(app).cluster02, 'PeerAuthentication', 'httpbin');
    expect(dr.metadata).toEqual({
      name: 'httpbin', namespace: 'default',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-istio-intents', 'app.kubernetes.io/part-of': 'shop', 'traffic.intents.cdk8s.io/service': 'httpbin' },
      annotations: { 'traffic.intents.cdk8s.io/description': 'the seed example', 'traffic.intents.cdk8s.io/userdata1': 'a', 'traffic.intents.cdk8s.io/userdata2': 'b' },
    });
  });
});

describe('cdk8s-plus interop', () => {
  test('an InboundService from a kplus.Service and a ServiceClient from a kplus Deployment', () => {
    const { app, mesh } = newMesh();
    const server = new kplus.Deployment(mesh.cluster('cluster02'), 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    const svc = server.exposeViaService({ name: 'web', ports: [{ name: 'http-web', port: 80, targetPort: 8080 }] });
    const sa = new kplus.ServiceAccount(mesh.cluster('cluster01'), 'sa', { metadata: { name: 'shopper', namespace: 'shop' } });
    const caller = new kplus.Deployment(mesh.cluster('cluster01'), 'caller', { metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'curl' }] });
    const inbound = InboundService.fromKplusService(mesh.cluster('cluster02'), 'web-intent', svc);
    inbound.allowFrom(ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller-intent', caller));
    const auditor = new kplus.ServiceAccount(mesh.cluster('cluster01'), 'auditor', { metadata: { name: 'auditor', namespace: 'audit' } });
    inbound.allowFrom(ServiceClient.fromKplus(mesh.cluster('cluster01'), 'sa-intent', auditor));
    const plain = new kplus.Deployment(mesh.cluster('cluster01'), 'plain', { metadata: { namespace: 'shop' }, containers: [{ image: 'curl' }] });
    inbound.allowFrom(ServiceClient.fromKplus(mesh.cluster('cluster01'), 'plain-intent', plain, { allowDefaultServiceAccount: true }));
    expect(inbound.fqdn).toBe('web.shop.svc.cluster.local');
    expect(inbound.ports).toEqual([{ name: 'http-web', number: 80, targetPort: 8080, protocol: 'HTTP' }]);
    const out = synth(app);
    const ap = find(out.cluster02, 'AuthorizationPolicy', 'web', 'shop');
    expect(ap.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(server.matchLabels)));
    // A workload without a service account runs as "default" (here, explicitly accepted).
    expect(ap.spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/audit/sa/auditor', 'cluster.local/ns/shop/sa/default', 'cluster.local/ns/shop/sa/shopper']);
    // The kplus objects themselves are synthesized into the same cluster directories.
    expect(find(out.cluster02, 'Service', 'web', 'shop')).toBeDefined();
  });
});

describe('synth-time manifest checks', () => {
  const bad = (m: Mesh) => new ApiObject(m.cluster('cluster01'), 'mine', {
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'mine', namespace: 'default' },
    spec: { host: 'x.default.svc.cluster.local', trafficPolicy: { loadbalancer: { simple: 'RANDOM' } } },
  });

  test('every object in a cluster chart is checked against the CRD schema at synth', () => {
    const { app, mesh } = newMesh();
    bad(mesh);
    expect(synthError(app)).toBe('Validation failed with the following errors:\n  [mesh] cluster cluster01: DestinationRule/default/mine /spec/trafficPolicy: has unknown field "loadbalancer"');
  });

  test('checkManifests: false leaves the objects to you', () => {
    const { app, mesh } = newMesh({ checkManifests: false });
    bad(mesh);
    const cluster01 = synthClusters(app).find((c) => c.cluster === 'cluster01')!;
    expect(kinds([...cluster01.files.values()])).toEqual(['DestinationRule/default/mine']);
  });

  test('objects without a namespace (cdk8s-plus defaults, cluster-scoped kinds) are written as <kind>._.<name>.yaml', () => {
    const { app, mesh } = newMesh();
    new kplus.Deployment(mesh.cluster('cluster01'), 'web', { containers: [{ image: 'nginx' }] });
    new ApiObject(mesh.cluster('cluster01'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect([...synthClusters(app).find((c) => c.cluster === 'cluster01')!.files.keys()]).toEqual(['deployment._.mesh-cluster01-web.yaml', 'namespace._.shop.yaml']);
  });
});

describe('plain cdk8s synthesis', () => {
  test('Testing.synth of a cluster chart sees every object, including those caused by later intents', () => {
    const { app, mesh, httpbin, sleep } = httpbinAndSleep();
    httpbin.allowFrom(sleep);
    const objects: any[] = Testing.synth(mesh.cluster('cluster01'));
    expect(kinds(objects)).toEqual(['DestinationRule/default/httpbin', 'ServiceEntry/default/httpbin']);
    expect(synth(app).cluster01).toEqual([...objects].sort((a, b) => a.kind.localeCompare(b.kind)));
  });

  test('App.synth writes a file per cluster chart and still validates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-'));
    try {
      const app = new App({ outdir: dir });
      const mesh = new Mesh(app, 'mesh', { clusters: [{ name: 'cluster01' }] });
      new InboundService(mesh.cluster('cluster01'), 'a', { protocol: 'TCP', port: 1 });
      app.synth();
      const files = fs.readdirSync(dir);
      expect(files).toEqual([expect.stringMatching(/cluster01.*\.k8s\.yaml$/)]);
      expect(fs.readFileSync(path.join(dir, files[0]), 'utf8')).toContain('kind: AuthorizationPolicy');
      new InboundService(mesh.cluster('cluster01'), 'b', { protocol: 'TCP', port: 0 });
      expect(() => app.synth()).toThrow(/\[mesh\/cluster01\/b\] port: 0 is not a port/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('children of an intent construct', () => {
  test('are kept outside the object prototype, and constructs finds, lists and refuses duplicates as before', () => {
    const { app, httpbin, sleep } = httpbinAndSleep();
    const children = (httpbin.node as any)._children;
    expect(children === undefined || Object.getPrototypeOf(children) === null).toBe(true);
    const policy = new ServiceAccessPolicy(httpbin, 'constructor', { client: sleep, rules: [{ methods: ['GET'] }] });
    const other = new ServiceAccessPolicy(httpbin, 'toString', { client: sleep, rules: [{ methods: ['POST'] }] });
    expect(httpbin.node.children).toEqual([policy, other]);
    expect(httpbin.node.tryFindChild('constructor')).toBe(policy);
    expect(httpbin.node.tryFindChild('hasOwnProperty')).toBeUndefined();
    expect(() => new ServiceAccessPolicy(httpbin, 'toString', { client: sleep, rules: [] })).toThrow(/toString/);
    expect(httpbin.node.tryRemoveChild('toString')).toBe(true);
    expect(httpbin.node.children).toEqual([policy]);
    expect(kinds(synth(app).cluster02)).toContain('AuthorizationPolicy/default/httpbin');
  });
});
