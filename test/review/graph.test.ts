import { buildAccessModel } from '../../src/review/access-model';
import { renderDot } from '../../src/review/dot';
import { buildView, FocusError } from '../../src/review/graph-view';
import { renderMermaid } from '../../src/review/mermaid';
import { allow, ap, expectValid, ingressGateway, ingressRoute, pa, principal, rule } from './fixtures';

const SLEEP = principal('default', 'sleep');

/** The Mermaid text for one cluster with mesh-wide STRICT mTLS and these objects. */
function graph(objects: any[], options = {}) {
  const all = [pa('istio-system', 'mesh', 'STRICT'), ...objects];
  expectValid(all);
  return renderMermaid(buildView(buildAccessModel([{ cluster: 'c1', objects: all }]), options));
}

test('services of one namespace with the same callers collapse into one node, unless asked not to', () => {
  const objects = [allow('default', 'a', [rule([SLEEP])]), allow('default', 'b', [rule([SLEEP])]), allow('default', 'c', [rule([principal('x', 'y')])])];
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
    ap('default', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [{ to: [{ operation: { paths: ['/say"hi"'] } }] }] }, { 'istio.io/dry-run': 'true' }),
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
