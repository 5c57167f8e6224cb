/**
 * The route decision, from plain models: one test per route kind and per rule that picks it.
 */
import { callSites, RouteTable, routesOf } from '../../src/plan';
import { client, cluster, mesh, service } from '../support/model';

const topo = (...names: string[]) => new Map(names.map((n) => [n, cluster(n)]));

describe('routesOf', () => {
  test('a caller in a cluster where the service runs calls it locally', () => {
    const s = service('web', ['a'], { clients: [client('ui', ['a'])] });
    expect(routesOf(mesh([cluster('a')], [s]), topo('a'), s)).toEqual([{ kind: 'local', from: { cluster: 'a', namespace: 'default' }, to: 'a' }]);
  });

  test('federated: a caller in another cluster passes through each server cluster\'s east-west gateway', () => {
    const s = service('web', ['a', 'b'], { clients: [client('ui', ['c'])] });
    const routes = routesOf(mesh([cluster('a'), cluster('b'), cluster('c')], [s]), topo('a', 'b', 'c'), s);
    expect(routes.map((r) => `${r.kind} ${r.from.cluster}->${r.to}`)).toEqual(['passthrough c->a', 'passthrough c->b']);
  });

  test('a service without a sidecar is reached through the gateway\'s mesh-TLS server', () => {
    const s = service('db', ['a'], { sidecar: false, clients: [client('ui', ['b'])] });
    expect(routesOf(mesh([cluster('a'), cluster('b')], [s]), topo('a', 'b'), s).map((r) => r.kind)).toEqual(['gatewayMeshTls']);
  });

  test('multi-primary: same network is direct, another network goes through the gateway', () => {
    const clusters = [cluster('a', { network: 'n1' }), cluster('b', { network: 'n1' }), cluster('c', { network: 'n2' })];
    const s = service('web', ['a', 'c'], { clients: [client('ui', ['b'])] });
    const m = mesh(clusters, [s], { discovery: 'multi-primary' });
    const routes = routesOf(m, new Map(clusters.map((c) => [c.name, c])), s);
    expect(routes.map((r) => `${r.kind} ${r.to}`)).toEqual(['sameNetwork a', 'passthrough c']);
  });

  test('external access adds an ingress route in every server cluster, from the ingress gateway namespace', () => {
    const external = { mode: 'SIMPLE' as const, host: 'web.example.com', credentialName: 'web', port: 443, servicePort: 8000, remoteIpBlocks: [] };
    const s = service('web', ['a', 'b'], { external });
    expect(routesOf(mesh([cluster('a'), cluster('b')], [s]), topo('a', 'b'), s)).toEqual([
      { kind: 'ingress', from: { cluster: 'a', namespace: 'istio-system' }, to: 'a' },
      { kind: 'ingress', from: { cluster: 'b', namespace: 'istio-system' }, to: 'b' },
    ]);
  });

  test('no client, no route', () => {
    const s = service('web', ['a']);
    expect(new RouteTable(mesh([cluster('a')], [s]), topo('a')).of(s)).toEqual([]);
  });
});

describe('callSites', () => {
  test('one site per cluster and namespace, sorted by code unit whatever the locale', () => {
    const s = service('web', ['a'], {
      clients: [client('x', ['b-2', 'b'], { namespace: 'z' }), client('y', ['b'], { namespace: 'z' }), client('w', ['b1'], { namespace: 'a-b' })],
    });
    expect(callSites(s).map((c) => `${c.cluster}/${c.namespace}`)).toEqual(['b/z', 'b-2/z', 'b1/a-b']);
  });
});
