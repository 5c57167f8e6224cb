import { formatDiff } from '../../src/review/diff-format';
import {
  allow, ap, diff, eastWestGateway, ingressGateway, ingressRoute, pa, principal, rule, summary,
} from './fixtures';

const SLEEP = principal('default', 'sleep');
const CURL = principal('default', 'curl');
const base = (rules: unknown[]) => [allow('default', 'web', rules), pa('default', 'web', 'STRICT', { app: 'web' })];

describe('callers and rules', () => {
  test('a tree against itself: no changes', () => {
    const tree = base([rule([SLEEP], [{ methods: ['GET'], paths: ['/status'] }])]);
    const d = diff(tree, tree);
    expect(d.changes).toEqual([]);
    expect(d.widened).toBe(false);
  });

  test('a caller added and a caller removed', () => {
    const d = diff(base([rule([SLEEP])]), base([rule([CURL])]));
    expect(summary(d)).toEqual([
      `widened caller-added c1/default/web principal ${CURL}`,
      `narrowed caller-removed c1/default/web principal ${SLEEP}`,
    ]);
    expect(d.widened).toBe(true);
  });

  test.each([
    ['a path /x → /*', [{ paths: ['/x'] }], [{ paths: ['/*'] }]],
    ['a method list grown', [{ methods: ['GET'] }], [{ methods: ['GET', 'POST'] }]],
    ['a rule with no `to`', [{ methods: ['GET'] }], undefined],
    ['notPaths dropped', [{ notPaths: ['/admin/*'] }], [{}]],
  ])('rule widened: %s', (_, then, now) => {
    const d = diff(base([rule([SLEEP], then as any)]), base([rule([SLEEP], now as any)]));
    expect(summary(d)).toEqual([`widened rule-widened c1/default/web principal ${SLEEP}`]);
  });

  test('the reverse of a widening is a narrowing, never a widening', () => {
    const d = diff(base([rule([SLEEP], [{ paths: ['/*'] }])]), base([rule([SLEEP], [{ paths: ['/x'] }])]));
    expect(summary(d)).toEqual([`narrowed rule-narrowed c1/default/web principal ${SLEEP}`]);
    expect(d.widened).toBe(false);
  });

  test('semantics, not text: /api/* covers /api/x, suffix forms, and GET + POST rules cover [GET, POST]', () => {
    const then = base([
      rule([SLEEP], [{ paths: ['/api/*'] }, { paths: ['*.html'] }]),
      rule([SLEEP], [{ methods: ['GET'], paths: ['/a'] }]), rule([SLEEP], [{ methods: ['POST'], paths: ['/a'] }]),
    ]);
    const now = base([rule([SLEEP], [{ paths: ['/api/x', '/api/v1/*', '/index.html'] }, { methods: ['GET', 'POST'], paths: ['/a'] }])]);
    expect(diff(then, now).changes.filter((c) => c.effect === 'widened')).toEqual([]);
  });

  test('a namespace already admitted covers a principal in it', () => {
    const then = base([{ from: [{ source: { namespaces: ['default'] } }] }]);
    const d = diff(then, base([{ from: [{ source: { namespaces: ['default'] } }] }, rule([SLEEP])]));
    expect(d.changes).toEqual([]);
  });

  test('notPrincipals: removing an exclusion admits that caller', () => {
    const d = diff(base([{ from: [{ source: { notPrincipals: [SLEEP, CURL] } }] }]), base([{ from: [{ source: { notPrincipals: [SLEEP] } }] }]));
    expect(summary(d)).toEqual(['widened rule-widened c1/default/web any caller']);
    expect(d.changes[0]).toMatchObject({ before: `any request (not principal ${SLEEP},${CURL})`, after: `any request (not principal ${SLEEP})` });
  });
});

describe('policies and mTLS', () => {
  test('a DENY policy removed', () => {
    const deny = ap('default', 'deny-curl', { selector: { matchLabels: { app: 'web' } }, action: 'DENY',
      rules: [{ from: [{ source: { principals: [CURL] } }] }] });
    const then = [...base([rule([SLEEP, CURL])]), deny];
    const d = diff(then, base([rule([SLEEP, CURL])]));
    expect(summary(d)).toEqual(['widened deny-removed default/deny-curl', `widened caller-added c1/default/web principal ${CURL}`].sort());
  });

  test('dry-run turned on: the policy is no longer enforced, so everyone is admitted', () => {
    const dry = ap('default', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [rule([SLEEP])] }, { 'istio.io/dry-run': 'true' });
    const d = diff(base([rule([SLEEP])]), [dry, pa('default', 'web', 'STRICT', { app: 'web' })]);
    expect(summary(d)).toEqual(['widened caller-added c1/default/web any caller', 'widened dry-run-on c1/default/web']);
  });

  test('mTLS weakened: STRICT removed, and PERMISSIVE added namespace-wide', () => {
    const then = [allow('default', 'web', [rule([SLEEP])]), pa('istio-system', 'mesh', 'STRICT')];
    const d = diff(then, [allow('default', 'web', [rule([SLEEP])]), pa('istio-system', 'mesh', 'STRICT'), pa('default', 'relaxed', 'PERMISSIVE')]);
    expect(summary(d)).toEqual(['widened mtls-weakened c1/default/web', 'widened mtls-weakened namespace default']);
    const strictGone = diff(base([rule([SLEEP])]), [allow('default', 'web', [rule([SLEEP])])]);
    expect(strictGone.changes[0]).toMatchObject({ kind: 'mtls-weakened', before: 'STRICT (default/web)',
      after: 'PERMISSIVE (default (no PeerAuthentication))' });
  });

  test('a CUSTOM policy added: cannot decide (and --fail-on-widen counts it)', () => {
    const custom = ap('default', 'ext', { selector: { matchLabels: { app: 'web' } }, action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    const d = diff(base([rule([SLEEP])]), [...base([rule([SLEEP])]), custom]);
    expect(summary(d)).toEqual(['undecided cannot-decide c1/default/web']);
    expect(d.widened).toBe(true);
  });
});

describe('gateways', () => {
  test('a host newly exposed on the east-west gateway (its workload has no ALLOW policy here: open)', () => {
    const d = diff([eastWestGateway(['a.default.svc.cluster.local'])], [eastWestGateway(['a.default.svc.cluster.local',
      'b.default.svc.cluster.local'])]);
    expect(summary(d)).toEqual([
      'widened east-west-host-exposed b.default.svc.cluster.local', 'widened caller-added c1/default/b any caller', 'info service-added c1/default/b',
    ]);
  });

  test('external access added, then its TLS weakened from MUTUAL to SIMPLE', () => {
    const route = ingressRoute('default', 'web-ingress', 'istio-system/web-ingress', 'web.example.com', 'web.default.svc.cluster.local');
    const mutual = [...base([rule([SLEEP])]), ingressGateway('web-ingress', 'web.example.com', 'MUTUAL'), route];
    expect(summary(diff(base([rule([SLEEP])]), mutual))).toContain('widened external-access-added web.example.com:443');
    const simple = [...base([rule([SLEEP])]), ingressGateway('web-ingress', 'web.example.com', 'SIMPLE'), route];
    expect(summary(diff(mutual, simple))).toEqual(['widened external-tls-weakened web.example.com:443']);
  });
});

describe('output formats', () => {
  const d = diff(base([rule([SLEEP])]), base([rule([SLEEP]), rule([CURL], [{ methods: ['GET'], paths: ['/status'] }])]));

  test('markdown for a PR comment', () => {
    expect(formatDiff(d, 'markdown')).toBe([
      '### Access changes: 1 widened, 0 cannot decide, 0 narrowed, 0 other',
      '',
      '#### c1',
      '',
      '| effect | change | subject | caller | before | after |',
      '| --- | --- | --- | --- | --- | --- |',
      `| **widened** | caller added | \`c1/default/web\` | \`principal ${CURL}\` | — | \`GET /status\` |`,
      '',
    ].join('\n'));
  });

  test('text and json', () => {
    expect(formatDiff(d, 'text')).toBe([
      `c1 c1/default/web: WIDENED caller added principal ${CURL}: - -> GET /status`, '1 widened, 0 cannot decide, 0 narrowed, 0 other', '',
    ].join('\n'));
    expect(JSON.parse(formatDiff(d, 'json'))).toEqual({
      schemaVersion: 1, widened: true, counts: { widened: 1, narrowed: 0, undecided: 0, info: 0 },
      changes: [{ cluster: 'c1', subject: 'c1/default/web', kind: 'caller-added', effect: 'widened', caller: `principal ${CURL}`,
        after: 'GET /status' }],
    });
  });
});

test('a service whose policies all disappear cannot be decided (the workload may still run unprotected): the gate fails', () => {
  const { diffAccess } = require('../../src/review/diff') as typeof import('../../src/review/diff');
  const { buildAccessModel } = require('../../src/review') as typeof import('../../src/review');
  const { synthClusters, withWarningSink } = require('../../src') as typeof import('../../src');
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { APPS } = require('../../apps/registry') as typeof import('../../apps/registry');
  const app = new App();
  APPS['sleep-httpbin'](app);
  const clusters = withWarningSink(() => undefined, () => synthClusters(app)).map((c) => ({ cluster: c.cluster, objects: [...c.files.values()] }));
  const before = buildAccessModel(clusters);
  const after = buildAccessModel(clusters.map((c) => ({ cluster: c.cluster, objects: [] })));
  const diff = diffAccess(before, after);
  expect(diff.changes.filter((c) => c.kind === 'service-removed').map((c) => c.effect)).toEqual(['undecided']);
  expect(diff.widened).toBe(true);
});
