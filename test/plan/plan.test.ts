/**
 * What each cluster gets, from plain models (`planMesh` without cdk8s): one test per route
 * kind proving the objects it leads to, and the placement rules next to them.
 */
import type { MeshModel } from '../../src/model';
import { planMesh, PlannedObject } from '../../src/plan';
import { client, cluster, mesh, renderPlanned, service } from '../support/model';

/** The plan, every object of which passes the Istio schemas and CEL rules. */
const plan = (m: MeshModel): PlannedObject[] => {
  const objects = planMesh(m);
  renderPlanned(objects);
  return objects;
};
/** `<cluster> <Kind> <namespace>/<name>` of every planned object, in plan order. */
const keys = (m: MeshModel) => plan(m).map((o) => `${o.cluster} ${o.kind} ${o.meta.namespace}/${o.meta.name}`);
const find = (m: MeshModel, key: string): PlannedObject => {
  const o = plan(m).find((x) => `${x.cluster} ${x.kind} ${x.meta.namespace}/${x.meta.name}` === key);
  if (!o) throw new Error(`${key} is not planned; planned: ${keys(m).join(', ')}`);
  return o;
};

describe('local route', () => {
  const m = mesh([cluster('a')], [service('web', ['a'], { clients: [client('ui', ['a'], { namespace: 'front' })] })]);

  test('the server cluster gets the traffic policy, mTLS and allow policy; no gateway, no ServiceEntry', () => {
    expect(keys(m)).toEqual(['a DestinationRule default/web', 'a PeerAuthentication default/web', 'a AuthorizationPolicy default/web']);
  });

  test('the server rule is visible to the calling namespace, not to every namespace', () => {
    expect(find(m, 'a DestinationRule default/web').spec).toMatchObject({ exportTo: ['.', 'front'] });
  });

  test('the allow policy names the caller\'s principal', () => {
    expect(find(m, 'a AuthorizationPolicy default/web').spec).toMatchObject({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/front/sa/ui'] } }] }] });
  });
});

describe('passthrough route (federated)', () => {
  const m = mesh([cluster('a', { address: '192.0.2.1' }), cluster('b')], [service('web', ['a'], { clients: [client('ui', ['b'])] })]);

  test('the client cluster gets the policy and a ServiceEntry leading to the server\'s east-west gateway', () => {
    const se = find(m, 'b ServiceEntry default/web').spec as any;
    expect(se.resolution).toBe('STATIC');
    expect(se.endpoints).toEqual([{ address: '192.0.2.1', ports: { 'http-8000': 15443 }, labels: { 'traffic.intents.cdk8s.io/cluster': 'a', 'security.istio.io/tlsMode': 'istio' } }]);
    expect(se.addresses).toHaveLength(1);
    expect((find(m, 'b DestinationRule default/web').spec as any).trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  test('the server cluster exposes exactly the host on an AUTO_PASSTHROUGH server', () => {
    expect(find(m, 'a Gateway istio-system/lc1-eastwest').spec).toMatchObject({
      servers: [{ port: { number: 15443 }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['web.default.svc.cluster.local'] }],
    });
    expect(keys(m).filter((k) => k.startsWith('b Gateway'))).toEqual([]);
  });

  test('headless instances get a ServiceEntry each, on both sides', () => {
    const h = mesh(m.clusters, [service('kafka', ['a'], { instances: 2, serviceAccount: 'kafka', clients: [client('ui', ['b'])] })]);
    expect(keys(h).filter((k) => k.includes('ServiceEntry'))).toEqual([
      'b ServiceEntry default/kafka', 'b ServiceEntry default/kafka-0', 'b ServiceEntry default/kafka-1',
      'a ServiceEntry default/kafka-0', 'a ServiceEntry default/kafka-1',
    ]);
    // The server side's entries are for the east-west gateway only.
    expect(find(h, 'a ServiceEntry default/kafka-0').spec).toMatchObject({ exportTo: ['istio-system'] });
  });
});

describe('gatewayMeshTls route', () => {
  const m = mesh([cluster('a'), cluster('b')], [service('db', ['a'], { sidecar: false, clients: [client('ui', ['b'])] })]);

  test('the client presents the service host as SNI over mesh mTLS and dials the mesh-TLS port', () => {
    expect((find(m, 'b DestinationRule default/db').spec as any).trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL', sni: 'db.default.svc.cluster.local' });
    expect((find(m, 'b ServiceEntry default/db').spec as any).endpoints[0].ports).toEqual({ 'http-8000': 15444 });
  });

  test('the server cluster terminates mesh mTLS for the service and denies undeclared callers there', () => {
    expect(find(m, 'a Gateway istio-system/lc1-eastwest').spec).toMatchObject({
      servers: [{ port: { number: 15444 }, tls: { mode: 'ISTIO_MUTUAL' }, hosts: ['default/db.default.svc.cluster.local'] }],
    });
    expect(find(m, 'a AuthorizationPolicy istio-system/db-eastwest').spec).toMatchObject({
      action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/default/sa/ui'] } }] }],
    });
    expect(keys(m)).toContain('a VirtualService default/db-eastwest');
  });
});

describe('sameNetwork route (multi-primary)', () => {
  const clusters = [cluster('a', { network: 'n1' }), cluster('b', { network: 'n1' })];
  const m = mesh(clusters, [service('web', ['a'], { clients: [client('ui', ['b'])] })], { discovery: 'multi-primary' });

  test('no ServiceEntry and no east-west Gateway: istiod knows the remote pods', () => {
    expect(keys(m)).toEqual(['a PeerAuthentication default/web', 'a AuthorizationPolicy default/web', 'b DestinationRule default/web']);
  });

  test('a service without a sidecar is called in plain text on the same network', () => {
    const plain = mesh(clusters, [service('db', ['a'], { sidecar: false, clients: [client('ui', ['b'])] })], { discovery: 'multi-primary' });
    expect((find(plain, 'b DestinationRule default/db').spec as any).trafficPolicy.tls).toEqual({ mode: 'DISABLE' });
  });
});

describe('ingress route', () => {
  const external = { mode: 'SIMPLE' as const, host: 'web.example.com', credentialName: 'web-cert', port: 443, servicePort: 8000, remoteIpBlocks: ['203.0.113.0/24'] };
  const m = mesh([cluster('a')], [service('web', ['a'], { external })]);

  test('gateway, its own traffic policy, the route, and client IP ranges enforced at the gateway', () => {
    expect(keys(m)).toEqual([
      'a PeerAuthentication default/web', 'a AuthorizationPolicy default/web',
      'a DestinationRule istio-system/web-ingress', 'a VirtualService default/web-ingress', 'a AuthorizationPolicy istio-system/web-ingress',
      'a Gateway istio-system/lc1-ingress',
    ]);
    expect(find(m, 'a DestinationRule istio-system/web-ingress').spec).toMatchObject({ workloadSelector: { matchLabels: { istio: 'ingressgateway' } } });
  });

  test('the ingress identity is admitted for the external host only', () => {
    expect(find(m, 'a AuthorizationPolicy default/web').spec).toMatchObject({
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }], to: [{ operation: { hosts: ['web.example.com', 'web.example.com:*'] } }] }],
    });
  });
});

test('one east-west Gateway per exposed cluster, hosts sorted, whatever the order services were declared in', () => {
  const clusters = [cluster('a'), cluster('b')];
  const callers = [client('ui', ['b'])];
  const forward = mesh(clusters, [service('zeta', ['a'], { clients: callers }), service('alpha', ['a'], { clients: callers })]);
  const gateway = find(forward, 'a Gateway istio-system/lc1-eastwest').spec as any;
  expect(gateway.servers[0].hosts).toEqual(['alpha.default.svc.cluster.local', 'zeta.default.svc.cluster.local']);
  const backward = mesh(clusters, [...forward.services].reverse());
  expect(find(backward, 'a Gateway istio-system/lc1-eastwest').spec).toEqual(gateway);
});

test('access policies restrict their principal to its operations; other clients stay unrestricted', () => {
  const s = service('web', ['a'], {
    clients: [client('ui', ['a']), client('admin', ['a'])],
    accessPolicies: [{ path: 'p', name: 'p', principal: 'cluster.local/ns/default/sa/ui', rules: [{ methods: ['GET'], paths: ['/status'] }] }],
  });
  expect(find(mesh([cluster('a')], [s]), 'a AuthorizationPolicy default/web').spec).toMatchObject({
    rules: [
      { from: [{ source: { principals: ['cluster.local/ns/default/sa/admin'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/default/sa/ui'] } }], to: [{ operation: { methods: ['GET'], paths: ['/status'] } }] },
    ],
  });
});
