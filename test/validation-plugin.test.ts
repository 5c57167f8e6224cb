import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
// Types by path (this tsconfig's node resolution does not read `exports`); the runtime import
// below goes through cdk8s-cli's public `cdk8s-cli/plugins` entry, as plugins are meant to.
import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins/validation';
import { IstioIntentsValidation, IstioIntentsValidationProps, MeshApp, writeClusters } from '../src';
import { intentBundles, synthBundle } from '../apps/intents';
import { APPS } from '../apps/registry';

 
const { ValidationContext: CliValidationContext } = require('cdk8s-cli/plugins') as { ValidationContext: typeof ValidationContext };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every `.yaml` file under a directory, as cdk8s-cli collects them. */
function manifestsUnder(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => path.join(root, f));
}

/** Runs the plugin the way cdk8s-cli does: a real ValidationContext, then the report. */
async function validate(props: IstioIntentsValidationProps = {}, root = dir) {
  const plugin: Validation = new IstioIntentsValidation(props);
  const context = new CliValidationContext(manifestsUnder(root), 'cdk8s-istio-intents', '0.1.0', {}, false);
  await plugin.validate(context);
  const json = context.report.toJson();
  return { success: context.report.success, violations: json.violations, summary: json.summary };
}

/** Writes one plain cdk8s chart with these objects (cdk8s's own App.synth). */
function writeChart(objects: Array<Record<string, any>>): void {
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'mine');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o as any));
  app.synth();
}

const virtualService = (host: string) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' },
  spec: { hosts: ['web.shop.svc.cluster.local'], http: [{ route: [{ destination: { host } }] }] },
});

describe('the cdk8s validation plugin', () => {
  test('passes the output of every example app and shipped bundle (one directory per cluster)', async () => {
    for (const [name, define] of Object.entries(APPS)) {
      const app = new MeshApp({ outdir: path.join(dir, name) });
      define(app);
      app.synth();
    }
    for (const [name, bundle] of Object.entries(intentBundles())) writeClusters(path.join(dir, name), synthBundle(bundle));
    const { success, violations, summary } = await validate();
    expect(violations).toEqual([]);
    expect(success).toBe(true);
    expect(Number(summary.metadata?.manifests)).toBeGreaterThan(50);
  });

  test('reports an object that breaks the Istio schema, with its file, resource name and field', async () => {
    writeChart([{
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'mine', namespace: 'shop' },
      spec: { host: 'mine.shop.svc.cluster.local', trafficPolicy: { loadbalancer: { simple: 'RANDOM' } } },
    }]);
    const { success, violations } = await validate();
    expect(success).toBe(false);
    expect(violations).toEqual([expect.objectContaining({
      ruleName: 'cdk8s-istio-intents/istio-schema',
      recommendation: 'DestinationRule/shop/mine /spec/trafficPolicy: has unknown field "loadbalancer"',
      violatingConstructs: [
        expect.objectContaining({ resourceName: 'mine', locations: ['/spec/trafficPolicy'], manifestPath: path.join(dir, 'mine.k8s.yaml') }),
      ],
    })]);
  });

  test('says how to fix an Istio object without a namespace', async () => {
    writeChart([{ ...virtualService('web.shop.svc.cluster.local'), metadata: { name: 'web' } }]);
    const { violations } = await validate({ analyze: false });
    expect(violations.map((v) => [v.recommendation, v.fix])).toEqual([[
      'VirtualService//web /metadata/namespace: undefined is not a namespace name (DNS-1123 label)',
      'Give the object an explicit namespace (metadata.namespace, or the namespace prop of its Chart): Istio policies apply per namespace.',
    ]]);
  });

  test('runs the cross-object analysis per directory: a route to a host the cluster does not have', async () => {
    writeChart([virtualService('gone.shop.svc.cluster.local')]);
    const { success, violations } = await validate();
    expect(success).toBe(false);
    expect(violations.map((v) => [v.ruleName, v.recommendation])).toEqual([[
      'cdk8s-istio-intents/IST0101',
      'IST0101 VirtualService/shop/web: routes to host "gone.shop.svc.cluster.local", which is neither a service nor a ServiceEntry in this cluster',
    ]]);
  });

  test('knows the Services among the manifests, and the hosts listed in serviceHosts', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } };
    writeChart([virtualService('web.shop.svc.cluster.local'), service]);
    expect((await validate()).success).toBe(true);
    writeChart([virtualService('api.other.svc.cluster.local')]);
    expect((await validate({ serviceHosts: ['api.other.svc.cluster.local'] })).success).toBe(true);
    expect((await validate({ serviceHosts: ['*.svc.cluster.local'] })).success).toBe(true);
    expect((await validate({ serviceHosts: ['*.example.org'] })).success).toBe(false);
    expect((await validate({ analyze: false })).success).toBe(true);
  });

  test('reports files that are not valid YAML streams, and ignores kustomization files', async () => {
    fs.writeFileSync(path.join(dir, 'merged.yaml'), 'kind: A\nmetadata: {name: a}\nkind: B\n');
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [merged.yaml]\n';
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), kustomization);
    const { violations } = await validate();
    const reported = violations.map((v) => [v.ruleName, v.violatingConstructs[0].manifestPath]);
    expect(reported).toEqual([['cdk8s-istio-intents/yaml', path.join(dir, 'merged.yaml')]]);
    expect(violations[0].recommendation).toMatch(/^document 1 is not valid YAML: Map keys must be unique/);
  });

  test.each([
    [{ serviceHost: ['a'] }, 'cdk8s-istio-intents validation plugin: properties.serviceHost is not a known property (known: serviceHosts, analyze)'],
    [{ serviceHosts: 'a.example.org' },
      'cdk8s-istio-intents validation plugin: properties.serviceHosts: "a.example.org" is not a list of host names'],
    [{ analyze: 'no' }, 'cdk8s-istio-intents validation plugin: properties.analyze: "no" is not true or false'],
  ])('rejects bad properties from cdk8s.yaml: %j', (props, message) => {
    expect(() => new IstioIntentsValidation(props as any)).toThrow(message);
  });

  test('the package entry cdk8s.yaml points at loads the plugin class', () => {
     
    const entry = require(path.join(__dirname, '..', 'validation-plugin.js'));
    expect(new entry.IstioIntentsValidation()).toBeInstanceOf(entry.IstioIntentsValidation);
    expect(typeof entry.IstioIntentsValidation.prototype.validate).toBe('function');
  });
});
