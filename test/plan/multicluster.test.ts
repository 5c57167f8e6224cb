/**
 * Issue 13 from plain models: failover, distribution, versions and the global host as
 * planned, per discovery mode, and the rules that refuse what cannot work.
 */
import type { MeshModel, ServiceModel } from '../../src/model';
import { planMesh, PlannedObject, routesOf } from '../../src/plan';
import { checkServices } from '../../src/rules/cross-intent';
import { formatWarning, meshWarnings } from '../../src/rules/warnings';
import { endpointsOf, priorities, serving } from '../support/istio-lb';
import { client, cluster, mesh, renderPlanned, service } from '../support/model';

const key = (o: PlannedObject) => `${o.cluster} ${o.kind} ${o.meta.namespace}/${o.meta.name}`;
function objects(m: MeshModel): Record<string, any> {
  const planned = planMesh(m);
  const rendered = renderPlanned(planned);
  return Object.fromEntries(planned.map((o, i) => [key(o), rendered[i]]));
}
const topo = (m: MeshModel) => new Map(m.clusters.map((c) => [c.name, c]));
const OD = { outlierDetection: { consecutive5xxErrors: 5 } };
const regions = [
  cluster('a', { locality: { region: 'eu', zone: 'eu-1' } }),
  cluster('b', { locality: { region: 'eu', zone: 'eu-2' } }),
  cluster('c', { locality: { region: 'us', zone: 'us-1' } }),
  cluster('d', { locality: { region: 'us', zone: 'us-2' } }),
];
const web = (overrides: Partial<ServiceModel>) =>
  service('web', ['a', 'b', 'c'], { trafficPolicy: OD, clients: [client('ui', ['d'])], ...overrides });
const problems = (m: MeshModel) => checkServices(m).get(m.services[0].path) ?? [];

describe('federated callers outside the server clusters', () => {
  test('Failover.inOrder: the entry\'s endpoints carry nested order labels, the rule lists them', () => {
    const o = objects(mesh(regions, [web({ failover: { kind: 'order', clusters: ['c', 'a', 'b'] } })]));
    const rule = o['d DestinationRule default/web'];
    expect(rule.spec.trafficPolicy.loadBalancer.localityLbSetting).toEqual({
      enabled: true, failoverPriority: ['traffic.intents.cdk8s.io/failover-1=y', 'traffic.intents.cdk8s.io/failover-2=y'],
    });
    const prios = priorities(rule, endpointsOf(o['d ServiceEntry default/web']), { locality: 'us/us-2' });
    expect([serving(prios), serving(prios, new Set(['c'])), serving(prios, new Set(['c', 'a']))]).toEqual([['c'], ['a'], ['b']]);
  });

  test('a DNS entry with an order keeps all endpoints in one locality group (Istio builds DNS clusters from the first group)', () => {
    const dnsRegions = regions.map((c) => (c.name === 'b' ? { ...c, eastWest: { ...c.eastWest, address: 'ew.b.example.com' } } : c));
    const o = objects(mesh(dnsRegions, [web({ failover: { kind: 'order', clusters: ['c', 'a', 'b'] } })]));
    expect(o['d ServiceEntry default/web'].spec.resolution).toBe('DNS');
    expect(o['d ServiceEntry default/web'].spec.endpoints.map((e: any) => e.locality)).toEqual([undefined, undefined, undefined]);
    const byLocality = objects(mesh(dnsRegions, [web({ failover: { kind: 'locality' } })]));
    expect(byLocality['d ServiceEntry default/web'].spec.endpoints.map((e: any) => e.locality)).toEqual(['eu/eu-1', 'eu/eu-2', 'us/us-1']);
  });

  test('outlier detection sees one endpoint per cluster: the default maxEjectionPercent becomes 100, a given one is kept', () => {
    expect(objects(mesh(regions, [web({})]))['d DestinationRule default/web'].spec.trafficPolicy.outlierDetection)
      .toEqual({ consecutive5xxErrors: 5, maxEjectionPercent: 100 });
    const given = { outlierDetection: { consecutive5xxErrors: 5, maxEjectionPercent: 70 } };
    expect(objects(mesh(regions, [web({ trafficPolicy: given })]))['d DestinationRule default/web'].spec.trafficPolicy.outlierDetection)
      .toEqual({ consecutive5xxErrors: 5, maxEjectionPercent: 70 });
  });

  test('distribution: each named cluster\'s locality gets its weight, for callers in the named clusters only', () => {
    const m = mesh(regions, [web({ clients: [client('ui', ['d']), client('ops', ['d'], { namespace: 'ops' })],
      distribution: [{ from: ['d'], to: [{ cluster: 'a', weight: 90 }, { cluster: 'c', weight: 10 }] }] })]);
    expect(objects(m)['d DestinationRule default/web'].spec.trafficPolicy.loadBalancer.localityLbSetting)
      .toEqual({ enabled: true, distribute: [{ from: '*', to: { 'eu/eu-1': 90, 'us/us-1': 10 } }] });
    const other = mesh(regions, [web({ distribution: [{ from: ['a'], to: [{ cluster: 'a', weight: 100 }] }] })]);
    expect(objects(other)['d DestinationRule default/web'].spec.trafficPolicy.loadBalancer).toBeUndefined();
  });
});

describe('the global host (federated)', () => {
  const m = mesh(regions, [web({ clients: [client('ui', ['a'])], globalHost: 'web.default.global', failover: { kind: 'locality' } })]);

  test('a caller in a server cluster gets a route to every server cluster\'s gateway, its own included', () => {
    expect(routesOf(m, topo(m), m.services[0]).map((r) => `${r.kind}${r.global ? ' global' : ''} ${r.from.cluster}->${r.to}`))
      .toEqual(['local a->a', 'passthrough global a->a', 'passthrough global a->b', 'passthrough global a->c']);
  });

  test('the caller\'s entry, rule and failover; the local Service keeps its own rule without locality settings', () => {
    const o = objects(m);
    expect(o['a ServiceEntry default/web-global'].spec.hosts).toEqual(['web.default.global']);
    const prios = priorities(o['a DestinationRule default/web-global'], endpointsOf(o['a ServiceEntry default/web-global']), { locality: 'eu/eu-1' });
    expect(serving(prios)).toEqual(['a']);
    expect(serving(prios, new Set(['a']))).toEqual(['b']);
    expect(o['a DestinationRule default/web'].spec.trafficPolicy.loadBalancer).toBeUndefined();
  });

  test('every server cluster exposes the global host to its gateway, with pods as endpoints', () => {
    const o = objects(m);
    for (const c of ['a', 'b', 'c']) {
      expect(o[`${c} Gateway istio-system/lc1-eastwest`].spec.servers[0].hosts).toEqual(['web.default.global']);
      expect(o[`${c} ServiceEntry default/web-global-eastwest`].spec).toMatchObject({ workloadSelector: { labels: { app: 'web' } }, resolution: 'STATIC' });
      expect(o[`${c} DestinationRule istio-system/web-global-eastwest`].spec.trafficPolicy.outlierDetection).toBeDefined();
    }
  });

  test('a TCP service\'s global entries carry the same VIP on both sides (IST0134)', () => {
    const tcp = mesh(regions, [web({ ports: [{ name: 'tcp-9000', number: 9000, targetPort: 9000, protocol: 'TCP' }], globalHost: 'web.default.global',
      clients: [client('ui', ['a'])] })]);
    const o = objects(tcp);
    expect(o['b ServiceEntry default/web-global-eastwest'].spec.addresses).toEqual(o['a ServiceEntry default/web-global'].spec.addresses);
    expect(o['a VirtualService default/web-global']).toBeUndefined();
  });
});

describe('multi-primary', () => {
  const mp = (overrides: Partial<ServiceModel>) => mesh(regions, [web({ clients: [client('ui', ['a'])], ...overrides })], { discovery: 'multi-primary' });

  test('callers in a server cluster get locality failover on the Service host (istiod merges every cluster\'s pods)', () => {
    expect(objects(mp({ failover: { kind: 'locality' } }))['a DestinationRule default/web'].spec.trafficPolicy).toMatchObject({
      loadBalancer: { localityLbSetting: { enabled: true } }, outlierDetection: { maxEjectionPercent: 100 },
    });
  });

  test('Failover.inOrder with two clusters compares the pods\' real cluster label', () => {
    const m = mesh(regions, [service('web', ['a', 'b'], { trafficPolicy: OD, clients: [client('ui', ['a'])], failover: { kind: 'order', clusters: ['b', 'a'] } })],
      { discovery: 'multi-primary' });
    expect(objects(m)['a DestinationRule default/web'].spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority)
      .toEqual(['topology.istio.io/cluster=b']);
  });

  test('versions: subsets select the pods\' own labels; routes split by weight on every port', () => {
    const versions = [{ name: 'v1', labels: { version: 'v1' }, clusters: ['a'], weight: 90 }, { name: 'v2', labels: { version: 'v2' }, clusters: ['b'], weight: 10 }];
    const o = objects(mp({ versions }));
    expect(o['a DestinationRule default/web'].spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
    expect(o['a DestinationRule default/web'].metadata.annotations).toBeUndefined();
    expect(o['a VirtualService default/web'].spec.http[0].route.map((r: any) => `${r.destination.subset} ${r.weight}`)).toEqual(['v1 90', 'v2 10']);
  });

  test('Failover.byLabels is rendered as given', () => {
    const labels = ['topology.istio.io/network', 'topology.istio.io/cluster'];
    expect(objects(mp({ failover: { kind: 'labels', labels } }))['a DestinationRule default/web'].spec.trafficPolicy.loadBalancer.localityLbSetting)
      .toEqual({ enabled: true, failoverPriority: labels });
  });
});

describe('rules: what cannot work is an error naming the field, the value and the fix', () => {
  test('locality failover or distribution without localities', () => {
    const bare = [cluster('a'), cluster('b'), cluster('c'), cluster('d')];
    expect(problems(mesh(bare, [web({ failover: { kind: 'locality' } })]))).toEqual([expect.stringMatching(
      /^failover: Failover.byLocality\(\) needs a locality on every cluster the service runs in; a, b, c has none/)]);
    expect(problems(mesh(bare, [web({ distribution: [{ to: [{ cluster: 'a', weight: 100 }] }] })]))).toEqual([expect.stringMatching(
      /^distribution: needs a locality on every cluster the service runs in/)]);
  });

  test('a distribution key that covers another cluster of the service', () => {
    const shared = [cluster('a', { locality: { region: 'eu' } }), cluster('b', { locality: { region: 'eu', zone: 'eu-2' } }), ...regions.slice(2)];
    expect(problems(mesh(shared, [web({ distribution: [{ to: [{ cluster: 'a', weight: 50 }, { cluster: 'b', weight: 50 }] }] })]))).toEqual([
      'distribution[0].to[0].cluster: "a" has locality "eu", which also covers b ("eu/eu-2"): Istio weighs localities, not clusters '
      + '(give each cluster its own zone or subzone)',
    ]);
  });

  test('byLabels in federated mode; inOrder of three clusters in multi-primary; a global host in multi-primary', () => {
    expect(problems(mesh(regions, [web({ failover: { kind: 'labels', labels: ['x'] } })]))[0]).toMatch(/^failover: Failover.byLabels\(\) compares/);
    expect(problems(mesh(regions, [web({ failover: { kind: 'order', clusters: ['a', 'b', 'c'] } })], { discovery: 'multi-primary' }))[0])
      .toMatch(/^failover.clusters: Failover.inOrder\(\) orders at most two clusters in multi-primary mode \(a, b, c given\)/);
    expect(problems(mesh(regions, [web({ globalHost: 'web.default.global' })], { discovery: 'multi-primary' }))[0])
      .toMatch(/^globalHost: true is for federated meshes/);
  });

  test('a maxEjectionPercent too low to eject all clusters but one', () => {
    const low = { outlierDetection: { consecutive5xxErrors: 5, maxEjectionPercent: 50 } };
    expect(problems(mesh(regions, [web({ trafficPolicy: low, failover: { kind: 'locality' } })]))).toEqual([
      'trafficPolicy.outlierDetection.maxEjectionPercent: 50 lets a caller eject only 1 of the 3 cluster endpoints it sees (one east-west '
      + 'gateway per cluster), so it cannot fail over from 2 failed clusters; use at least 67, or leave it unset (callers that fail over then get 100)',
    ]);
  });

  test('federated callers of the local Service miss a weighted version: an error without a global host', () => {
    const versions = [{ name: 'v1', labels: { version: 'v1' }, clusters: ['a'], weight: 50 }, { name: 'v2', labels: { version: 'v2' }, clusters: ['b'], weight: 50 }];
    expect(problems(mesh(regions, [web({ versions, clients: [client('ui', ['a'])] })]))).toEqual([
      'versions: v2 does not run in a, where a/default calls web.default.svc.cluster.local, the local Service (federated: only its pods); '
      + 'set globalHost: true and call web.default.global, or run it in a too',
    ]);
    expect(problems(mesh(regions, [web({ versions, clients: [client('ui', ['a'])], globalHost: 'web.default.global' })]))).toEqual([]);
  });

  test('federated failover for callers inside server clusters without a global host: warned', () => {
    expect(meshWarnings(mesh(regions, [web({ failover: { kind: 'locality' }, clients: [client('ui', ['a'])] })])).map(formatWarning)).toEqual([
      '[mesh/a/web] failover: does not hold for callers inside server clusters (a/default): federated, they call web.default.svc.cluster.local, '
      + 'the local Service, which reaches only local pods (set globalHost: true and have them call web.default.global)',
    ]);
  });
});
