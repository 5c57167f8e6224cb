/**
 * Issue 10, from plain models: each stated intent holds across clusters in what is planned
 * (or a warning says why not). One test per numbered point of the issue.
 */
import type { MeshModel, ServiceModel } from '../../src/model';
import { planMesh, PlannedObject, routesOf } from '../../src/plan';
import { meshWarnings, formatWarning } from '../../src/rules/warnings';
import { allocateVips, parseVipRange } from '../../src/vip';
import { client, cluster, mesh, renderPlanned, service } from '../support/model';

const plan = (m: MeshModel): PlannedObject[] => {
  const objects = planMesh(m);
  renderPlanned(objects);
  return objects;
};
const key = (o: PlannedObject) => `${o.cluster} ${o.kind} ${o.meta.namespace}/${o.meta.name}`;
const find = (m: MeshModel, k: string): any => plan(m).find((o) => key(o) === k)?.spec;
const topo = (m: MeshModel) => new Map(m.clusters.map((c) => [c.name, c]));

const TCP = [{ name: 'tcp-9092', number: 9092, targetPort: 19092, protocol: 'TCP' as const }];
const OUTLIER = { outlierDetection: { consecutive5xxErrors: 5, interval: '10s', maxEjectionPercent: 50 } };

describe('#1 multi-primary: a service in several clusters is exposed wherever a caller on another network may be sent', () => {
  const clusters = [cluster('a', { network: 'n1' }), cluster('b', { network: 'n2' })];
  const m = mesh(clusters, [service('web', ['a', 'b'], { clients: [client('ui', ['a'])] })], { discovery: 'multi-primary' });

  test('a caller inside a server cluster calls locally and passes through the other network\'s gateway', () => {
    expect(routesOf(m, topo(m), m.services[0]).map((r) => `${r.kind} ${r.from.cluster}->${r.to}`)).toEqual(['local a->a', 'passthrough a->b']);
  });

  test('the other server cluster lists the host on its east-west gateway; the caller uses the server rule of its own cluster', () => {
    expect(find(m, 'b Gateway istio-system/lc1-eastwest')).toMatchObject({ servers: [{ hosts: ['web.default.svc.cluster.local'] }] });
    expect(plan(m).filter((o) => o.cluster === 'a' && o.kind === 'DestinationRule').map(key)).toEqual(['a DestinationRule default/web']);
  });

  test('federated: a caller in a server cluster stays local (its control plane knows only its own Service)', () => {
    const f = { ...m, discovery: 'federated' as const };
    expect(routesOf(f, topo(f), f.services[0]).map((r) => r.kind)).toEqual(['local']);
  });
});

describe('#3 headless service with port ≠ targetPort', () => {
  const m = mesh([cluster('a'), cluster('b')], [service('kafka', ['a'], { ports: TCP, instances: 1, serviceAccount: 'kafka', clients: [client('c', ['b'])] })]);

  test('instance entries listen on the container port on both sides; the main host keeps the service port', () => {
    expect(find(m, 'b ServiceEntry default/kafka-0').ports).toEqual([{ number: 19092, name: 'tcp-9092', protocol: 'TCP' }]);
    expect(find(m, 'a ServiceEntry default/kafka-0').ports).toEqual([{ number: 19092, name: 'tcp-9092', protocol: 'TCP' }]);
    expect(find(m, 'a ServiceEntry default/kafka-0').endpoints[0].ports).toEqual({ 'tcp-9092': 19092 });
    expect(find(m, 'b ServiceEntry default/kafka').ports).toEqual([{ number: 9092, name: 'tcp-9092', protocol: 'TCP' }]);
  });
});

describe('#6 outlier detection holds where the pods are visible', () => {
  const m = mesh([cluster('a'), cluster('b')], [service('web', ['a'], { trafficPolicy: OUTLIER, clients: [client('ui', ['b'])] })]);

  test('the east-west gateway gets the outlier settings for its pods, without pool or TLS', () => {
    expect(find(m, 'a DestinationRule istio-system/web-eastwest')).toEqual({
      host: 'web.default.svc.cluster.local', exportTo: ['.'], workloadSelector: { matchLabels: { istio: 'eastwestgateway' } },
      trafficPolicy: { outlierDetection: { consecutive5XxErrors: 5, interval: '10s', maxEjectionPercent: 50 } },
    });
  });

  test('a caller behind one gateway endpoint gets no outlier detection (it could only eject the whole cluster)', () => {
    expect(find(m, 'b DestinationRule default/web').trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
  });

  test('a caller reaching two server clusters keeps it (it can eject one cluster and use the other)', () => {
    const two = mesh([cluster('a'), cluster('b'), cluster('c')], [service('web', ['a', 'c'], { trafficPolicy: OUTLIER, clients: [client('ui', ['b'])] })]);
    expect(find(two, 'b DestinationRule default/web').trafficPolicy.outlierDetection).toBeDefined();
  });
});

describe('#7 load balancing for remote callers', () => {
  const lbMesh = (loadBalancer: ServiceModel['trafficPolicy']['loadBalancer'], ports = service('x', ['a']).ports) =>
    mesh([cluster('a'), cluster('b')], [service('web', ['a'], { ports, trafficPolicy: { loadBalancer }, clients: [client('ui', ['b'])] })]);

  test('simple balancing is applied by the east-west gateway too', () => {
    expect(find(lbMesh({ simple: 'LEAST_REQUEST' }), 'a DestinationRule istio-system/web-eastwest').trafficPolicy)
      .toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' } });
    expect(meshWarnings(lbMesh({ simple: 'LEAST_REQUEST' }))).toEqual([]);
  });

  test('cookie hashing is not copied to the gateway and is warned about, naming the service, the setting and why', () => {
    const m = lbMesh({ consistentHash: { httpCookie: { name: 'u' } } });
    expect(find(m, 'a DestinationRule istio-system/web-eastwest')).toBeUndefined();
    expect(meshWarnings(m).map(formatWarning)).toEqual([
      '[mesh/a/web] trafficPolicy.loadBalancer: consistent hashing by cookie cannot hold for callers in other clusters (b/default): '
      + 'the east-west gateway forwards their TLS connection and balances per TCP connection',
    ]);
  });

  test('source-IP hashing is applied at the gateway and warned about (the gateway sees its own source address)', () => {
    const m = lbMesh({ consistentHash: { useSourceIp: true } });
    expect(find(m, 'a DestinationRule istio-system/web-eastwest').trafficPolicy).toEqual({ loadBalancer: { consistentHash: { useSourceIp: true } } });
    expect(meshWarnings(m).map((w) => w.message)).toEqual([expect.stringMatching(/^consistent hashing by source IP hashes/)]);
  });

  test('gRPC callers in other clusters are balanced per connection: warned', () => {
    const m = lbMesh({ simple: 'ROUND_ROBIN' }, [{ name: 'grpc-9000', number: 9000, targetPort: 9000, protocol: 'GRPC' }]);
    expect(meshWarnings(m).map((w) => w.message)).toEqual([expect.stringMatching(/^GRPC requests of callers in other clusters \(b\/default\) share one connection/)]);
  });

  test('local callers only: nothing to warn about', () => {
    const m = mesh([cluster('a')], [service('web', ['a'], { trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x' } } }, clients: [client('ui', ['a'])] })]);
    expect(meshWarnings(m)).toEqual([]);
  });
});

test('#8 a workload without a sidecar gets plain text from the gateway that terminates mesh mTLS for it', () => {
  const m = mesh([cluster('a'), cluster('b')], [service('db', ['a'], { sidecar: false, ports: TCP, clients: [client('ui', ['b'])] })]);
  expect(find(m, 'a DestinationRule istio-system/db-eastwest')).toEqual({
    host: 'db.default.svc.cluster.local', exportTo: ['.'], workloadSelector: { matchLabels: { istio: 'eastwestgateway' } },
    trafficPolicy: { tls: { mode: 'DISABLE' } },
  });
});

test('#9 headless instances get one rule per instance host, never a wildcard host', () => {
  const m = mesh([cluster('a'), cluster('b')], [service('kafka', ['a'], { ports: TCP, instances: 2, serviceAccount: 'kafka', clients: [client('c', ['b'])] })]);
  const rules = plan(m).filter((o) => o.kind === 'DestinationRule' && o.cluster === 'b').map((o) => (o.spec as any).host);
  expect(rules).toEqual(['kafka.default.svc.cluster.local', 'kafka-0.kafka.default.svc.cluster.local', 'kafka-1.kafka.default.svc.cluster.local']);
});

describe('#10 only objects some proxy reads', () => {
  /** Which proxy reads each planned object (the table the README's "Which object goes where" follows). */
  const READERS: Record<string, string> = {
    'b DestinationRule default/web': 'client sidecars (outbound)',
    'b VirtualService default/web': 'client sidecars (outbound)',
    'b ServiceEntry default/web': 'client sidecars (outbound)',
    'a DestinationRule default/web': 'the service\'s own sidecars: connection pool on their inbound cluster',
    'a PeerAuthentication default/web': 'the service\'s own sidecars (inbound)',
    'a AuthorizationPolicy default/web': 'the service\'s own sidecars (inbound)',
    'a DestinationRule istio-system/web-eastwest': 'east-west gateway (SNI-forwarding cluster)',
    'a Gateway istio-system/lc1-eastwest': 'east-west gateway (listener)',
  };
  const pool = { connectionPool: { tcp: { maxConnections: 10 } }, ...OUTLIER };

  test('every object planned for remote-only callers has a reader; the server routes and load balancing are not planned', () => {
    const m = mesh([cluster('a'), cluster('b')], [service('web', ['a'], { trafficPolicy: pool, timeout: '2s', clients: [client('ui', ['b'])] })]);
    expect(plan(m).map(key).sort()).toEqual(Object.keys(READERS).sort());
    // Of the server rule, only the pool acts (inbound): the rest is for local callers, and there are none.
    expect(find(m, 'a DestinationRule default/web').trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' }, connectionPool: { tcp: { maxConnections: 10 } } });
  });

  test('server instance entries carry only what the east-west gateway uses (no serviceAccount, no targetPort; an address for TCP only)', () => {
    const tcp = mesh([cluster('a'), cluster('b')], [service('kafka', ['a'], { ports: TCP, instances: 1, serviceAccount: 'kafka', clients: [client('c', ['b'])] })]);
    const entry = find(tcp, 'a ServiceEntry default/kafka-0');
    expect(entry.endpoints[0]).toEqual({ address: 'kafka-0.kafka.default.svc.cluster.local', ports: { 'tcp-9092': 19092 }, labels: { 'security.istio.io/tlsMode': 'istio' } });
    expect(entry.ports[0].targetPort).toBeUndefined();
    expect(entry.addresses).toHaveLength(1);
    const http = mesh(tcp.clusters, [{ ...tcp.services[0], ports: [{ name: 'http-80', number: 80, targetPort: 8080, protocol: 'HTTP' }] }]);
    expect(find(http, 'a ServiceEntry default/kafka-0').addresses).toBeUndefined();
  });
});

describe('#11 VIPs', () => {
  const range = parseVipRange('240.240.0.0/16')!;

  test('never end in .0 or .255', () => {
    const hosts = Array.from({ length: 3000 }, (_, i) => `h${i}.example`);
    const { addresses } = allocateVips(range, hosts, new Map());
    for (const ip of addresses.values()) expect(ip).not.toMatch(/\.(0|255)$/);
    expect(new Set(addresses.values()).size).toBe(3000);
  });

  test('adding a host never moves another host silently: every host whose address changes is reported as displaced', () => {
    const small = parseVipRange('240.240.0.0/26')!; // 62 addresses: collisions are frequent
    const hosts = Array.from({ length: 20 }, (_, i) => `svc${i}.ns.svc.cluster.local`);
    let moved = 0;
    for (let n = 1; n < hosts.length; n++) {
      const before = allocateVips(small, hosts.slice(0, n), new Map()).addresses;
      const after = allocateVips(small, hosts.slice(0, n + 1), new Map());
      const warned = new Set(after.displaced.map((d) => d.host));
      for (const [host, ip] of before) {
        if (after.addresses.get(host) === ip) continue;
        moved++;
        expect(warned).toContain(host);
      }
    }
    // A host that is not displaced has the address its own name hashes to, whatever else exists.
    const all = allocateVips(small, hosts, new Map());
    const alone = allocateVips(small, ['svc3.ns.svc.cluster.local'], new Map()).addresses.get('svc3.ns.svc.cluster.local');
    if (!all.displaced.some((d) => d.host === 'svc3.ns.svc.cluster.local')) expect(all.addresses.get('svc3.ns.svc.cluster.local')).toBe(alone);
    expect(moved).toBeGreaterThan(0); // the scenario does move hosts (collisions), and each move was reported
  });

  test('a pinned address is never taken by an allocated host', () => {
    const tiny = parseVipRange('240.240.0.0/29')!;
    const { addresses } = allocateVips(tiny, ['a', 'b', 'c', 'd'], new Map([['p', '240.240.0.3']]));
    expect([...addresses].filter(([, ip]) => ip === '240.240.0.3')).toEqual([['p', '240.240.0.3']]);
  });

  test('a displaced host is reported (and warned about at synth), naming where it hashes and who has that address', () => {
    const tiny = parseVipRange('240.240.0.0/29')!;
    const { displaced, addresses } = allocateVips(tiny, ['a', 'b', 'c', 'd'], new Map());
    expect(displaced.length).toBeGreaterThan(0);
    for (const d of displaced) {
      expect(addresses.get(d.holder)).toBe(d.home);
      expect(addresses.get(d.host)).toBe(d.address);
    }
    const m = mesh([cluster('a'), cluster('b')], ['a', 'b', 'c', 'd'].map((n) => service(n, ['a'], { ports: TCP, clients: [client('ui', ['b'])] })),
      { vipRange: '240.240.0.0/29' });
    expect(meshWarnings(m).filter((w) => w.field === 'vip').map((w) => w.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/hashes to 240\.240\.0\.\d, which \S+ has; it gets 240\.240\.0\.\d, which can change when hosts are added/)]));
  });
});
