import { analyzeCluster } from '../src/validation/analyzer';
import { validateManifests } from '../src/validation/manifest-validator';

const meta = (name: string, namespace = 'default') => ({ name, namespace });
const dr = (name: string, host: string, extra: any = {}, namespace = 'default') => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta(name, namespace), spec: { host, ...extra } });
const se = (name: string, host: string, extra: any = {}, namespace = 'default') => ({
  apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: meta(name, namespace),
  spec: { hosts: [host], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 80, name: 'tcp-80', protocol: 'TCP' }], endpoints: [{ address: '192.0.2.1' }], ...extra },
});
const vs = (name: string, host: string, extra: any = {}) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(name),
  spec: { hosts: [host], http: [{ route: [{ destination: { host } }] }], ...extra },
});
const gw = (name: string, hosts: string[]) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta(name, 'istio-system'),
  spec: { selector: { istio: 'eastwestgateway' }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts, tls: { mode: 'AUTO_PASSTHROUGH' } }] },
});
const ap = (selector: Record<string, string>, source: any) => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('ap'),
  spec: { selector: { matchLabels: selector }, action: 'ALLOW', rules: [{ from: [{ source }] }] },
});
const pa = (selector?: Record<string, string>) => ({
  apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('pa'),
  spec: { ...(selector ? { selector: { matchLabels: selector } } : {}), mtls: { mode: 'STRICT' } },
});

/** Analyzer findings as `CODE object: message`; the fixtures themselves must be schema-valid. */
function analyze(objects: any[], services: string[] = []): string[] {
  expect(validateManifests(objects)).toEqual([]);
  return analyzeCluster({ objects, serviceHosts: new Set(services) }).map((f) => `${f.code} ${f.object}: ${f.message}`);
}

describe('cross-object analyzer', () => {
  test('accepts a consistent set', () => {
    expect(analyze([dr('a', 'a.default.svc.cluster.local'), vs('a', 'a.default.svc.cluster.local'), ap({ app: 'a' }, { principals: ['cluster.local/ns/x/sa/y'] }), pa({ app: 'a' })], ['a.default.svc.cluster.local'])).toEqual([]);
  });

  test('IST0101: a VirtualService routing to a host the cluster does not know', () => {
    expect(analyze([vs('a', 'ghost.default.svc.cluster.local')])).toEqual([
      'IST0101 VirtualService/default/a: routes to host "ghost.default.svc.cluster.local", which is neither a service nor a ServiceEntry in this cluster',
    ]);
  });

  test('IST0101: a VirtualService bound to a gateway the cluster does not have', () => {
    expect(analyze([vs('a', 'a.default.svc.cluster.local', { gateways: ['istio-system/missing'] })], ['a.default.svc.cluster.local'])).toEqual([
      'IST0101 VirtualService/default/a: is bound to gateway "istio-system/missing", which this cluster does not have',
    ]);
  });

  test('IST0128 / IST0129: SIMPLE or MUTUAL origination without a CA', () => {
    expect(analyze([dr('s', 's.x', { trafficPolicy: { tls: { mode: 'SIMPLE' } } }), dr('m', 'm.x', { trafficPolicy: { tls: { mode: 'MUTUAL', clientCertificate: '/c', privateKey: '/k' } } })])).toEqual([
      'IST0129 DestinationRule/default/m: originates MUTUAL TLS without caCertificates or credentialName, so the server is not verified',
      'IST0128 DestinationRule/default/s: originates SIMPLE TLS without caCertificates or credentialName, so the server is not verified',
    ]);
    expect(analyze([dr('s', 's.x', { trafficPolicy: { tls: { mode: 'SIMPLE', credentialName: 'c' } } })])).toEqual([]);
  });

  test('IST0134: a TCP ServiceEntry without addresses', () => {
    expect(analyze([se('a', 'a.example.com')])).toEqual(['IST0134 ServiceEntry/default/a: has TCP ports but no addresses']);
    expect(analyze([se('a', 'a.example.com', { addresses: ['240.240.0.1'] })])).toEqual([]);
  });

  test('two DestinationRules for one host visible to one namespace; none when exportTo separates them', () => {
    expect(analyze([dr('a', 'h.x'), dr('b', 'h.x', {}, 'other')])).toEqual([
      'INTENTS DestinationRule/other/b: is a second DestinationRule for host "h.x" visible to the same namespaces as DestinationRule/default/a',
    ]);
    expect(analyze([dr('a', 'h.x', { exportTo: ['.'] }), dr('b', 'h.x', { exportTo: ['.'] }, 'other')])).toEqual([]);
  });

  test('two ServiceEntries for one host visible to one namespace', () => {
    const addr = { addresses: ['240.240.0.1'] };
    expect(analyze([se('a', 'h.x', { ...addr, exportTo: ['.', 'b'] }), se('b', 'h.x', { ...addr, exportTo: ['.'] }, 'b')])).toEqual([
      'INTENTS ServiceEntry/default/a: is a second ServiceEntry for host "h.x" visible to the same namespaces as ServiceEntry/b/b',
    ]);
  });

  test('principals need STRICT mTLS on the selected workload', () => {
    expect(analyze([ap({ app: 'a' }, { principals: ['cluster.local/ns/x/sa/y'] })])).toEqual([
      'INTENTS AuthorizationPolicy/default/ap: matches principals or namespaces, but no STRICT PeerAuthentication covers its workload (identities would be unverified)',
    ]);
    expect(analyze([ap({ app: 'a' }, { namespaces: ['x'] }), pa({ app: 'b' })])).toHaveLength(1);
    expect(analyze([ap({ app: 'a' }, { namespaces: ['x'] }), pa()])).toEqual([]);
    expect(analyze([ap({ app: 'a' }, { ipBlocks: ['10.0.0.0/8'] })])).toEqual([]);
  });

  test('a STRICT PeerAuthentication covers a workload when its whole selector matches, in the namespace', () => {
    const principals = { principals: ['cluster.local/ns/x/sa/y'] };
    const inNamespace = (o: any, namespace: string) => ({ ...o, metadata: { ...o.metadata, namespace } });
    const permissive = { ...pa({ app: 'a' }), spec: { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'PERMISSIVE' } } };
    const cases: Array<[string, any[], number]> = [
      ['every selector label matches', [ap({ app: 'a', tier: 'web' }, principals), pa({ tier: 'web', app: 'a' })], 0],
      ['one selector label differs', [ap({ app: 'a', tier: 'web' }, principals), pa({ app: 'a', tier: 'db' })], 1],
      ['matched by a later label of the workload', [ap({ app: 'a', tier: 'web' }, principals), pa({ tier: 'web' })], 0],
      ['an empty matchLabels selects every workload', [ap({ app: 'a' }, principals), { ...pa(), spec: { selector: { matchLabels: {} }, mtls: { mode: 'STRICT' } } }], 0],
      ['a namespace-wide policy of another namespace', [ap({ app: 'a' }, principals), inNamespace(pa(), 'other')], 1],
      ['a matching policy of another namespace', [ap({ app: 'a' }, principals), inNamespace(pa({ app: 'a' }), 'other')], 1],
      ['a matching PERMISSIVE policy', [ap({ app: 'a' }, principals), permissive], 1],
      ['one of many policies matches', [ap({ app: 'a' }, principals), ...['b', 'c', 'a', 'd'].map((app) => ({ ...pa({ app }), metadata: meta(`pa-${app}`) }))], 0],
    ];
    for (const [title, objects, findings] of cases) expect({ title, findings: analyze(objects).length }).toEqual({ title, findings });
  });

  test('Gateway hosts must be known, and never wildcards', () => {
    expect(analyze([gw('g', ['*.local', 'nobody.default.svc.cluster.local'])])).toEqual([
      'INTENTS Gateway/istio-system/g: exposes wildcard host "*.local"; only hosts that clients use may be exposed',
      'IST0101 Gateway/istio-system/g: exposes host "nobody.default.svc.cluster.local", which has no service, ServiceEntry or VirtualService in this cluster',
    ]);
    expect(analyze([gw('g', ['a.default.svc.cluster.local'])], ['a.default.svc.cluster.local'])).toEqual([]);
  });

  test('IST0145: two Gateways with the same host and port on one gateway workload', () => {
    expect(analyze([gw('g1', ['a.x']), gw('g2', ['a.x'])], ['a.x'])).toEqual([
      'IST0145 Gateway/istio-system/g2: exposes host "a.x" on port 15443 of the same gateway workload as Gateway/istio-system/g1',
    ]);
    expect(analyze([gw('g1', ['a.x']), gw('g2', ['b.x'])], ['a.x', 'b.x'])).toEqual([]);
  });

  test('one VIP, one host (the same host in two namespaces may share it)', () => {
    const a = se('a', 'a.x', { addresses: ['240.240.0.1'], exportTo: ['.'] });
    expect(analyze([a, se('b', 'b.x', { addresses: ['240.240.0.1'], exportTo: ['.'] })])).toEqual([
      'INTENTS ServiceEntry/default/b: uses address 240.240.0.1, already used for host "a.x" by ServiceEntry/default/a',
    ]);
    expect(analyze([a, se('a', 'a.x', { addresses: ['240.240.0.1'], exportTo: ['.'] }, 'other')])).toEqual([]);
  });
});
