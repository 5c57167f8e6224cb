import { validateManifest } from '../src/validation/manifest-validator';

const dr = (spec: any, name = 'httpbin') => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace: 'default' },
  spec,
});

const messages = (obj: any) => validateManifest(obj).map((v) => `${v.path}: ${v.message}`);

describe('manifest validator', () => {
  test('accepts a correct DestinationRule', () => {
    expect(messages(dr({ host: 'httpbin.default.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, outlierDetection: { consecutive5xxErrors: 7, interval: '5m' } } }))).toEqual([]);
  });

  test('results are reused only for content JSON tells apart: an undefined field, an array hole, a Date are checked again', () => {
    const spec = { host: 'cached.default.svc.cluster.local', exportTo: ['.'] };
    expect(messages(dr(spec, 'first'))).toEqual([]);
    expect(messages(dr(spec, 'second'))).toEqual([]); // same content, other metadata: the cached result
    expect(messages(dr({ ...spec, extra: undefined }))).toEqual(['/spec: has unknown field "extra"']);
    expect(messages(dr({ ...spec, exportTo: [, '.'] }))).toEqual(['/spec/exportTo/0: must be string']); // eslint-disable-line no-sparse-arrays
    expect(messages(dr({ ...spec, host: new Date(0) }))).toEqual(['/spec/host: must be string']);
  });

  test('results are not shared between a plain object and a class instance, Map or boxed string JSON writes the same', () => {
    class WithHost {
      public get host() {
        return 'getter.default.svc.cluster.local';
      }
    }
    expect(messages(dr(new WithHost()))).toEqual([]); // the schema reads the getter
    expect(messages(dr({}))).toEqual(['/spec: must have required property \'host\'']); // JSON `{}`, as the instance's
    expect(messages(dr(new Map([['host', 'm.default.svc.cluster.local']])))).toEqual(['/spec: must have required property \'host\'']);
    const host = 'boxed.default.svc.cluster.local';
    expect(messages(dr({ host }))).toEqual([]);
    expect(messages(dr({ host: new String(host) }))).toEqual(['/spec/host: must be string']);
  });

  test('rejects a misspelled field (the seed\'s "loadbalancer")', () => {
    expect(messages(dr({ host: 'h.default.svc.cluster.local', trafficPolicy: { loadbalancer: { simple: 'RANDOM' } } })))
      .toEqual(['/spec/trafficPolicy: has unknown field "loadbalancer"']);
  });

  test('rejects an unknown top-level field and a missing required field', () => {
    expect(messages({ ...dr({}), extra: 1 })).toEqual(expect.arrayContaining(['/spec: must have required property \'host\'', ': has unknown field "extra"']));
  });

  test('rejects a wrong enum value', () => {
    expect(messages(dr({ host: 'h.default.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL_TLS' } } })))
      .toEqual(['/spec/trafficPolicy/tls/mode: must be one of "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"']);
  });

  test('rejects two load-balancer kinds at once (oneOf)', () => {
    expect(messages(dr({ host: 'h.default.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'RANDOM', consistentHash: { useSourceIp: true } } } })))
      .toEqual(['/spec/trafficPolicy/loadBalancer: sets more than one of mutually exclusive fields (Istio allows at most one)']);
  });

  test('evaluates CEL: a duration of 0s', () => {
    expect(messages(dr({ host: 'h.default.svc.cluster.local', trafficPolicy: { outlierDetection: { interval: '0s' } } })))
      .toEqual(['/spec/trafficPolicy/outlierDetection/interval: must be a valid duration greater than 1ms']);
  });

  test('evaluates CEL: a malformed duration fails instead of passing', () => {
    const m = messages(dr({ host: 'h.default.svc.cluster.local', trafficPolicy: { outlierDetection: { interval: 'bogus' } } }));
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^\/spec\/trafficPolicy\/outlierDetection\/interval: must be a valid duration greater than 1ms \(.*duration/);
  });

  test('evaluates CEL: ServiceEntry with resolution NONE and endpoints', () => {
    const se = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x', namespace: 'default' },
      spec: { hosts: ['x.example.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'NONE', endpoints: [{ address: '192.0.2.1' }] },
    };
    expect(messages(se)).toEqual(['/spec: NONE mode cannot set endpoints']);
    expect(messages({ ...se, spec: { ...se.spec, resolution: 'STATIC' } })).toEqual([]);
  });

  test('evaluates CEL on integers: ServiceEntry ports must be unique and in range', () => {
    const se = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x', namespace: 'default' },
      spec: { hosts: ['x.example.com'], addresses: ['240.240.0.1'], resolution: 'STATIC', endpoints: [{ address: '192.0.2.1', ports: { 'tcp-a': 70000 } }],
        ports: [{ number: 80, name: 'tcp-a', protocol: 'TCP' }, { number: 80, name: 'tcp-b', protocol: 'TCP' }] },
    };
    const m = messages(se);
    expect(m).toContain('/spec/ports: port number cannot be duplicated');
    expect(m.some((x) => x.startsWith('/spec/endpoints/0/ports'))).toBe(true);
  });

  test('evaluates CEL: AuthorizationPolicy serviceAccounts with principals', () => {
    const ap = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'default' },
      spec: { rules: [{ from: [{ source: { serviceAccounts: ['a'], principals: ['cluster.local/ns/a/sa/a'] } }] }] },
    };
    expect(messages(ap)).toEqual(['/spec/rules/0/from/0/source: Cannot set serviceAccounts with namespaces or principals']);
  });

  test('rejects names that are not DNS-1123', () => {
    expect(messages(dr({ host: 'h.default.svc.cluster.local' }, 'Bad_Name'))).toEqual(['/metadata/name: "Bad_Name" is not a DNS-1123 subdomain']);
    const gw = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'a.b', namespace: 'istio-system' }, spec: { selector: { istio: 'x' }, servers: [{ port: { number: 1, name: 'p', protocol: 'TLS' }, hosts: ['a.b.c'] }] } };
    expect(messages(gw)).toEqual(['/metadata/name: "a.b" is not a DNS-1123 label (Gateway names)']);
    expect(messages({ ...dr({ host: 'h.x' }), metadata: { name: 'ok', namespace: 'Not-A-Namespace' } })).toEqual(['/metadata/namespace: "Not-A-Namespace" is not a namespace name (DNS-1123 label)']);
  });

  test('applies Kubernetes metadata limits: label values and annotation size', () => {
    const obj = { ...dr({ host: 'h.x' }), metadata: { name: 'a', namespace: 'default', labels: { app: 'x'.repeat(64) }, annotations: { note: 'y'.repeat(262145) } } };
    expect(messages(obj)).toEqual([
      `/metadata/labels/app: "${'x'.repeat(64)}" is not a label value (at most 63 characters)`,
      '/metadata/annotations: total 262149 bytes exceeds Kubernetes\' 256 KiB limit',
    ]);
  });

  test('rejects an apiVersion that is not in the vendored CRDs', () => {
    expect(messages({ ...dr({ host: 'h.x' }), apiVersion: 'networking.istio.io/v2' })).toEqual([': networking.istio.io/v2 DestinationRule is not in the vendored Istio CRDs']);
  });

  test('accepts the older served versions too', () => {
    expect(messages({ ...dr({ host: 'h.default.svc.cluster.local' }), apiVersion: 'networking.istio.io/v1beta1' })).toEqual([]);
  });
});
