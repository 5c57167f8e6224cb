/** The access model of hand-written manifests, by Istio 1.30 semantics, and its diagram. */
import { buildAccessModel } from '../../src/review/access-model';
import { describeAccess } from '../../src/review/describe';
import { renderDot } from '../../src/review/dot';
import { buildView, FocusError } from '../../src/review/graph-view';
import { renderMermaid } from '../../src/review/mermaid';
import {
  allow, ap, callers, eastWestGateway, expectValid, gateway, ingressGateway, ingressRoute, model, pa, principal, rule, workload,
} from './fixtures';

const SLEEP = principal('default', 'sleep');
const access = (objects: any[], name = 'web') => workload(objects, name).callers.map((e) => `${e.caller.value}: ${describeAccess(e)}`).sort();

describe('ALLOW / DENY / AUDIT / CUSTOM precedence', () => {
  test('no ALLOW policy: the workload is open to any caller', () => {
    const w = workload([pa('default', 'web', 'STRICT', { app: 'web' })], 'web');
    expect(w.open).toBe(true);
    expect(callers(w)).toEqual(['any *']);
  });

  test('an ALLOW policy without rules admits nobody', () => {
    const w = workload([ap('default', 'web', { selector: { matchLabels: { app: 'web' } }, action: 'ALLOW' })], 'web');
    expect(w.open).toBe(false);
    expect(w.callers).toEqual([]);
  });

  test('empty from and to mean any caller and any request', () => {
    expect(access([allow('default', 'web', [{}])])).toEqual(['*: any request']);
  });

  test('a DENY that covers an admitted caller removes it; one that overlaps marks it', () => {
    const objects = [
      allow('default', 'web', [rule([SLEEP, principal('default', 'curl')], [{ methods: ['GET'], paths: ['/api/*'] }])]),
      ap('default', 'deny-curl', { selector: { matchLabels: { app: 'web' } }, action: 'DENY',
        rules: [{ from: [{ source: { principals: [principal('default', 'curl')] } }] }] }),
      ap('default', 'deny-admin', { selector: { matchLabels: { app: 'web' } }, action: 'DENY',
        rules: [{ to: [{ operation: { paths: ['/api/admin'] } }] }] }),
    ];
    const w = workload(objects, 'web');
    expect(callers(w)).toEqual([`principal ${SLEEP}`]);
    expect(w.callers[0].narrowedBy).toEqual(['default/deny-admin']);
    expect(w.notes.join('\n')).toContain('denied by default/deny-curl');
  });

  test('AUDIT policies change nothing; a CUSTOM policy makes the workload "cannot decide"', () => {
    const audit = ap('default', 'audit', { selector: { matchLabels: { app: 'web' } }, action: 'AUDIT', rules: [{}] });
    const custom = ap('default', 'ext', { selector: { matchLabels: { app: 'web' } }, action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    const w = workload([allow('default', 'web', [rule([SLEEP])]), audit, custom], 'web');
    expect(callers(w)).toEqual([`principal ${SLEEP}`]);
    expect(w.undecided).toEqual(['CUSTOM policy default/ext: the external authorizer decides matching requests']);
  });

  test('a dry-run ALLOW policy is not enforced: the workload is open and marked', () => {
    const w = workload([ap('default', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [rule([SLEEP])] },
      { 'istio.io/dry-run': 'true' })], 'web');
    expect(w.dryRun).toBe(true);
    expect(w.open).toBe(true);
    expect(callers(w)).toEqual(['any *']);
  });
});

describe('which policies attach', () => {
  test('namespace-wide policies apply to every workload of the namespace, not to others', () => {
    const objects = [
      allow('default', 'web', [rule([SLEEP])]), allow('other', 'api', [rule([SLEEP])]),
      ap('default', 'deny-all-from-ns', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['default'] } }] }] }),
    ];
    expect(workload(objects, 'web').callers).toEqual([]);
    expect(callers(workload(objects, 'api', 'other'))).toEqual([`principal ${SLEEP}`]);
  });

  test('root-namespace policies without a selector apply mesh-wide', () => {
    const objects = [allow('default', 'web', [rule([SLEEP])]), ap('istio-system', 'deny-sleep', { action: 'DENY',
      rules: [{ from: [{ source: { principals: [SLEEP] } }] }] })];
    expect(workload(objects, 'web').callers).toEqual([]);
    expect(model(objects).notes.join('\n'))
      .toContain('istio-system/deny-sleep: DENY policy in the root namespace without a selector applies to every workload');
  });

  test('a selector applies to workloads that have its labels; targetRef policies never attach to sidecars', () => {
    const objects = [
      allow('default', 'web', [rule([SLEEP])]),
      ap('default', 'v2-only', { selector: { matchLabels: { app: 'web', version: 'v2' } }, action: 'DENY', rules: [{}] }),
      ap('default', 'gw', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }], action: 'DENY', rules: [{}] }),
    ];
    expect(callers(workload(objects, 'web'))).toEqual([`principal ${SLEEP}`]);
    expect(workload(objects, 'web[app=web,version=v2]').callers).toEqual([]);
    expect(model(objects).notes.join('\n')).toContain('default/gw: targetRef policies');
  });
});

describe('sources, operations and conditions', () => {
  test('notPrincipals: any caller except the listed ones', () => {
    const w = workload([allow('default', 'web', [{ from: [{ source: { notPrincipals: [SLEEP] } }] }])], 'web');
    expect(w.callers.map(describeAccess)).toEqual([`any request (not principal ${SLEEP})`]);
  });

  test('namespaces and principals are separate callers; operations are listed per caller', () => {
    const objects = [allow('default', 'web', [
      rule([SLEEP], [{ methods: ['GET'], paths: ['/status'] }, { methods: ['POST'], paths: ['/data'] }]),
      { from: [{ source: { namespaces: ['tools'] } }], to: [{ operation: { notPaths: ['/admin/*'] } }] },
    ])];
    expect(access(objects)).toEqual([`${SLEEP}: GET /status`, `${SLEEP}: POST /data`, 'tools: not /admin/*']);
  });

  test('a condition the model cannot evaluate makes the caller "cannot decide"', () => {
    const w = workload([allow('default', 'web', [{ ...rule([SLEEP]), when: [{ key: 'request.headers[x-env]', values: ['prod'] }] }])], 'web');
    expect(w.undecided).toEqual([`ALLOW default/web: conditions not modelled: request.headers[x-env] in [prod]`]);
    expect(describeAccess(w.callers[0])).toContain('[cannot decide]');
  });

  test('source.namespace in `when` is read like from.source.namespaces', () => {
    const w = workload([allow('default', 'web', [{ when: [{ key: 'source.namespace', values: ['tools'] }] }])], 'web');
    expect(callers(w)).toEqual(['namespace tools']);
    expect(w.undecided).toEqual([]);
  });

  test('on a TCP workload an ALLOW rule with HTTP fields admits nothing (model.go:355-365)', () => {
    const se = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'db', namespace: 'default' },
      spec: { hosts: ['db.default.svc.cluster.local'], location: 'MESH_INTERNAL', resolution: 'DNS', ports: [{ number: 5432,
        name: 'tcp-5432', protocol: 'TCP' }] },
    };
    const w = workload([se, allow('default', 'db', [rule([SLEEP], [{ methods: ['GET'] }]), rule([principal('default', 'app')])])], 'db');
    expect(w.protocol).toBe('tcp');
    expect(callers(w)).toEqual([`principal ${principal('default', 'app')}`]);
  });
});

describe('mTLS, gateways and workloads without a sidecar', () => {
  test('PeerAuthentication: workload over namespace over mesh; UNSET inherits', () => {
    const objects = [
      allow('default', 'web', [{}]), allow('default', 'api', [{}]),
      pa('istio-system', 'mesh', 'STRICT'), pa('default', 'ns', 'PERMISSIVE'), pa('default', 'web', 'UNSET', { app: 'web' }), pa('default',
        'api', 'STRICT', { app: 'api' }),
    ];
    expect(workload(objects, 'web').mtls).toEqual({ mode: 'PERMISSIVE', source: 'default/ns' });
    expect(workload(objects, 'api').mtls).toEqual({ mode: 'STRICT', source: 'default/api' });
    expect(model(objects).mtlsDefaults).toEqual([
      { scope: 'mesh', mode: 'STRICT', source: 'istio-system/mesh' }, { scope: 'namespace default', mode: 'PERMISSIVE', source: 'default/ns' },
    ]);
  });

  test('east-west hosts, ingress entry points with TLS mode and client blocks, and the ingress identity as a caller', () => {
    const gwPrincipal = principal('istio-system', 'istio-ingressgateway-service-account');
    const objects = [
      eastWestGateway(['web.default.svc.cluster.local']),
      ingressGateway('web-ingress', 'web.example.com', 'MUTUAL'),
      ingressRoute('default', 'web-ingress', 'istio-system/web-ingress', 'web.example.com', 'web.default.svc.cluster.local'),
      allow('default', 'web', [{ from: [{ source: { principals: [gwPrincipal] } }], to: [{ operation: { hosts: ['web.example.com',
        'web.example.com:*'] } }] }]),
      ap('istio-system', 'web-ingress', {
        selector: { matchLabels: { istio: 'ingressgateway' } }, action: 'DENY',
        rules: [{ from: [{ source: { notRemoteIpBlocks: ['203.0.113.0/24'] } }], when: [{ key: 'connection.sni', values: ['web.example.com'] }] }],
      }),
    ];
    const m = model(objects);
    expect(m.eastWest).toEqual([{ gateway: 'istio-system/mesh-eastwest', port: 15443, tlsMode: 'AUTO_PASSTHROUGH',
      host: 'web.default.svc.cluster.local' }]);
    expect(m.entryPoints).toEqual([{
      gateway: 'istio-system/web-ingress', host: 'web.example.com', port: 443, protocol: 'HTTPS', tlsMode: 'MUTUAL',
      routesTo: ['c1/default/web'], onlyRemoteIpBlocks: ['203.0.113.0/24'],
    }]);
    expect(m.workloads.map((w) => w.id)).toEqual(['c1/default/web']);
    expect(m.workloads[0].callers[0].ingressHost).toBe('web.example.com');
  });

  test('without a sidecar: any caller in the cluster, and the principals the east-west gateway admits', () => {
    const objects = [
      gateway('istio-system', 'mesh-eastwest', { istio: 'eastwestgateway' }, [
        { hosts: ['legacy/db.legacy.svc.cluster.local'], port: { name: 'tls-mesh-db', number: 15444, protocol: 'TLS' },
          tls: { mode: 'ISTIO_MUTUAL' } },
      ]),
      ap('istio-system', 'db-eastwest', {
        selector: { matchLabels: { istio: 'eastwestgateway' } }, action: 'DENY',
        rules: [{ from: [{ source: { notPrincipals: [SLEEP] } }], when: [{ key: 'connection.sni', values: ['db.legacy.svc.cluster.local'] }] }],
      }),
      ingressRoute('legacy', 'db-eastwest', 'istio-system/mesh-eastwest', 'db.legacy.svc.cluster.local', 'db.legacy.svc.cluster.local'),
    ];
    const w = workload(objects, 'db', 'legacy');
    expect(w.sidecar).toBe(false);
    expect(callers(w)).toEqual(['any *', `principal ${SLEEP}`]);
    expect(model(objects).eastWest[0].onlyPrincipals).toEqual([SLEEP]);
  });
});

/** The Mermaid text for one cluster with mesh-wide STRICT mTLS and these objects. */
function graph(objects: any[], options = {}) {
  const all = [pa('istio-system', 'mesh', 'STRICT'), ...objects];
  expectValid(all);
  return renderMermaid(buildView(buildAccessModel([{ cluster: 'c1', objects: all }]), options));
}

describe('the diagram', () => {
  test('services of one namespace with the same callers collapse into one node, unless asked not to', () => {
    const objects = [allow('default', 'a', [rule([SLEEP])]), allow('default', 'b', [rule([SLEEP])]), allow('default', 'c',
      [rule([principal('x', 'y')])])];
    const collapsed = graph(objects);
    expect(collapsed).toContain('s1["a, b"]');
    expect(collapsed.match(/-->/g)).toHaveLength(2);
    const apart = graph(objects, { collapse: false });
    expect(apart).toContain('s1["a"]');
    expect(apart.match(/-->/g)).toHaveLength(3);
  });

  test('--focus keeps one service (or caller) and its neighbours', () => {
    const objects = [allow('default', 'a', [rule([SLEEP])]), allow('other', 'b', [rule([principal('x', 'y')])])];
    const focused = graph(objects, { focus: 'other/b' });
    expect(focused).toContain('"b"');
    expect(focused).toContain('y (ns x)');
    expect(focused).not.toContain('sleep');
    expect(graph(objects, { focus: 'sleep' })).not.toContain('"b"');
    expect(() => graph(objects, { focus: 'nope' })).toThrow(FocusError);
  });

  test('dry-run and open services are marked; entry points show host and TLS mode; quotes are escaped', () => {
    const objects = [
      ap('default', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [{ to: [{ operation: { paths: ['/say"hi"'] } }] }] },
        { 'istio.io/dry-run': 'true' }),
      allow('default', 'api', [{ to: [{ operation: { paths: ['/say"hi"'] } }] }]),
      ingressGateway('web-ingress', 'web.example.com', 'SIMPLE'),
      ingressRoute('default', 'web-ingress', 'istio-system/web-ingress', 'web.example.com', 'web.default.svc.cluster.local'),
    ];
    const text = graph(objects);
    expect(text).toContain('s2["web<br/>dry-run policy (not enforced)<br/>open: no ALLOW policy"]');
    expect(text).toContain('class s2 dryrun');
    expect(text).toContain('e3(["web.example.com:443<br/>HTTPS SIMPLE"])');
    expect(text).toContain('e3 -->|"any request (open)"| s2');
    expect(text).toContain('/say#quot;hi#quot;');
    expect(renderDot(buildView(buildAccessModel([{ cluster: 'c1', objects }])))).toContain('label="/say\\"hi\\""');
  });
});
