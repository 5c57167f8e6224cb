/**
 * Issue 13, "done when": in the example app, a client in each cluster has, in its own
 * cluster's output, what Istio needs to prefer its locality, fail over in the stated order when
 * a cluster's endpoints are ejected, and split by the stated weights and versions. Each test
 * reads the rendered objects of the caller's cluster and works out what its sidecar does.
 */
import { App } from 'cdk8s';
import { failoverBookinfo } from '../apps/failover-bookinfo';
import { analyzerFindings, ClusterObjects, find, synth } from './support/synth';
import { distributionShares, endpointsOf, mayEject, priorities, serving, versionShares } from './support/istio-lb';

let out: ClusterObjects;
beforeAll(() => {
  const app = new App();
  failoverBookinfo(app);
  out = synth(app);
});

const LOCALITY: Record<string, string> = { cluster01: 'eu-west1/eu-west1-a', cluster02: 'eu-west1/eu-west1-b', cluster03: 'us-east1/us-east1-a' };
const se = (cluster: string, name: string) => find(out[cluster], 'ServiceEntry', name, 'bookinfo');
const dr = (cluster: string, name: string) => find(out[cluster], 'DestinationRule', name, 'bookinfo');
const vs = (cluster: string, name: string) => find(out[cluster], 'VirtualService', name, 'bookinfo');

/** The clusters a caller sends to after ejecting each in turn: its failover order. */
function failoverOrder(cluster: string, name: string): string[][] {
  const endpoints = endpointsOf(se(cluster, name));
  const prios = priorities(dr(cluster, name), endpoints, { locality: LOCALITY[cluster] });
  const ejected = new Set<string>();
  const order: string[][] = [];
  for (let now = serving(prios); now.length > 0; now = serving(prios, ejected)) {
    order.push(now);
    now.forEach((c) => ejected.add(c));
  }
  return order;
}

describe('details: locality failover through the global host', () => {
  test.each([
    ['cluster01', [['cluster01'], ['cluster02'], ['cluster03']]],
    ['cluster02', [['cluster02'], ['cluster01'], ['cluster03']]],
  ])('a caller in %s prefers its own zone, then its region, then the other region', (cluster, order) => {
    expect(failoverOrder(cluster, 'details-global')).toEqual(order);
  });

  test('outlier detection can eject every cluster endpoint but one (and panic mode is off: Istio sets it to 0 with outlier detection)', () => {
    for (const cluster of ['cluster01', 'cluster02']) {
      const rule = dr(cluster, 'details-global');
      expect(mayEject(rule, 2, 3)).toBe(true);
      expect(rule.spec.trafficPolicy.outlierDetection).toMatchObject({ consecutive5xxErrors: 5, maxEjectionPercent: 100 });
    }
  });

  test('the endpoints are each cluster\'s east-west gateway, in that cluster\'s locality', () => {
    expect(se('cluster01', 'details-global').spec.endpoints.map((e: any) => `${e.address} ${e.locality}`))
      .toEqual(['192.0.2.10 eu-west1/eu-west1-a', '192.0.2.20 eu-west1/eu-west1-b', '192.0.2.30 us-east1/us-east1-a']);
  });

  test('a caller in cluster03 distributes 80/20 to cluster03 and cluster01 (cluster02 gets none of its calls)', () => {
    const shares = distributionShares(dr('cluster03', 'details-global'), endpointsOf(se('cluster03', 'details-global')), { locality: LOCALITY.cluster03 });
    expect(Object.fromEntries(shares)).toEqual({ cluster01: 20, cluster02: 0, cluster03: 80 });
  });

  test('details.bookinfo.svc.cluster.local keeps reaching the local Service: no entry, no locality settings', () => {
    expect(se('cluster01', 'details')).toBeUndefined();
    expect(dr('cluster01', 'details').spec.trafficPolicy.loadBalancer).toBeUndefined();
  });
});

describe('reviews: v1/v2 in cluster01, v3 in cluster02, split 20/30/50 for every caller', () => {
  const expected = { 'v1@cluster01': 20, 'v2@cluster01': 30, 'v3@cluster02': 50 };

  test.each(['cluster01', 'cluster02', 'cluster03'])('a caller in %s splits through reviews.bookinfo.global', (cluster) => {
    const shares = versionShares(vs(cluster, 'reviews-global'), dr(cluster, 'reviews-global'), endpointsOf(se(cluster, 'reviews-global')));
    expect(Object.fromEntries(shares)).toEqual(expected);
  });

  test('a caller outside the server clusters splits through reviews.bookinfo.svc.cluster.local too', () => {
    expect(Object.fromEntries(versionShares(vs('cluster03', 'reviews'), dr('cluster03', 'reviews'), endpointsOf(se('cluster03', 'reviews')))))
      .toEqual(expected);
  });

  test.each([['cluster01', ['v1', 'v2']], ['cluster02', ['v3']]])('%s\'s east-west gateway routes the SNI of its versions to their pods', (cluster, versions) => {
    const gateway = find(out[cluster], 'Gateway', 'books-eastwest', 'istio-system');
    expect(gateway.spec.servers[0].hosts).toEqual(expect.arrayContaining(['reviews.bookinfo.global']));
    for (const name of ['reviews-global-eastwest', 'reviews-eastwest']) {
      const rule = find(out[cluster], 'DestinationRule', name, 'istio-system');
      expect(rule.spec.workloadSelector).toEqual({ matchLabels: { istio: 'eastwestgateway' } });
      expect(rule.spec.subsets).toEqual(versions.map((v) => ({ name: v, labels: { version: v } })));
      expect(rule.spec.trafficPolicy.tls).toBeUndefined(); // a DISABLE here would empty the SNI cluster
    }
    expect(find(out[cluster], 'ServiceEntry', 'reviews-global-eastwest', 'bookinfo').spec).toMatchObject({
      hosts: ['reviews.bookinfo.global'], workloadSelector: { labels: { app: 'reviews' } }, exportTo: ['istio-system'],
      ports: [{ number: 9080, targetPort: 9080, name: 'http-9080', protocol: 'HTTP' }],
    });
  });

  test('callers\' rules whose subsets select entry endpoints tell istioctl analyze not to look for pods (IST0173)', () => {
    expect(dr('cluster01', 'reviews-global').metadata.annotations).toEqual({ 'galley.istio.io/analyze-suppress': 'IST0173' });
    expect(find(out.cluster01, 'DestinationRule', 'reviews-eastwest', 'istio-system').metadata.annotations).toBeUndefined();
  });
});

test('every cluster passes the cross-object analyzer', () => {
  const hosts: Record<string, string[]> = {
    cluster01: ['details.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local'],
    cluster02: ['details.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local'],
    cluster03: ['details.bookinfo.svc.cluster.local'],
  };
  for (const cluster of Object.keys(hosts)) expect(analyzerFindings(out[cluster], hosts[cluster])).toEqual([]);
});
