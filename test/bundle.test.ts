import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ClusterManifests, Failover, InboundService, Mesh, MeshApp, MeshCluster, ServiceClient } from '../src';
import type { DiscoveryMode, InboundServiceProps } from '../src';
import { main } from '../src/cli';
import { buildBundle } from '../src/intents/build';
import { BundleError, bundleFiles, loadBundleTexts } from '../src/intents/load';
import { APPS } from '../apps/registry';
import { intentBundles, synthBundle } from '../apps/intents';
import { synthClusters } from '../src/mesh-app';
import { validateManifests } from '../src/validation/manifest-validator';
import { withWarningSink } from '../src/warning-sink';
import schema = require('../src/intents/intent-bundle.schema.json');
import { readTree } from './support/synth';
import { CLOUD } from './support/bundle-fixtures';

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}


/** Runs the CLI; returns status and output lines. */
function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const status = main(['node', 'cdk8s-istio-intents', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

/** The problems of an inline bundle (YAML documents by file name). */
function problems(files: Record<string, string>): string[] {
  try {
    const texts = Object.entries(files).map(([file, text]) => ({ file, text }));
    buildBundle(loadBundleTexts(texts)).synth();
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as BundleError).problems as string[];
  }
  throw new Error('expected the bundle to be rejected');
}

const service = (spec: string) => `${CLOUD}
inboundServices:
  - metadata: { name: httpbin }
    spec: { application: httpbin, protocol: HTTP, port: "8000", ${spec} }
`;

describe('intent bundles', () => {
  test.each([
    ['seed-sleep-httpbin', 'sleep-httpbin'],
    ['seed-tcp-echo', 'tcp-echo'],
    ['failover-bookinfo', 'failover-bookinfo'],
  ])('the seed bundle %s and the TypeScript app %s synthesize to byte-identical directories', (bundle, appName) => {
    const fromBundle = tmp('bundle');
    const fromApp = tmp('app');
    try {
      const r = cli('synth', intentBundles()[bundle], '--out', fromBundle, '--quiet');
      expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: [] });
      // Only warnings (what cannot hold across clusters, e.g. cookie hashing through the east-west gateway).
      for (const line of r.err) expect(line).toMatch(/^warning: \[\S+\] \S+: /);
      const app = new MeshApp({ outdir: fromApp });
      APPS[appName](app);
      app.synth();
      const a = readTree(fromBundle);
      expect(Object.keys(a).length).toBeGreaterThan(0);
      expect(a).toEqual(readTree(fromApp));
    } finally {
      fs.rmSync(fromBundle, { recursive: true, force: true });
      fs.rmSync(fromApp, { recursive: true, force: true });
    }
  });

  test.each(Object.keys(intentBundles()))('shipped bundle %s synthesizes valid objects (snapshot)', (name) => {
    const clusters = synthBundle(intentBundles()[name]);
    const objects = Object.fromEntries(clusters.map((c) => [c.cluster, [...c.files.values()]]));
    expect(validateManifests(Object.values(objects).flat())).toEqual([]);
    expect(objects).toMatchSnapshot();
  });

  test('the EMCO 22 bundle maps inbound, clients and access-point intents onto the constructs', () => {
    const clusters = Object.fromEntries(synthBundle(intentBundles()['emco-22']).map((c) => [c.cluster, c.files]));
    const ap = clusters.core01.get('authorizationpolicy.default.http-server.yaml');
    expect(ap.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'http-server' } }, // appLabel "app=http-server"
      rules: [
        // the access point applies to the clients intent's identity (its service name)
        { from: [{ source: { principals: ['cluster.local/ns/default/sa/http-client'] } }], to: [{ operation: { methods: ['GET'], paths: ['/status/*'] } }] },
        // external access (externalSupport, tlsType MUTUAL), for the external host only
        { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }], to: [{ operation: { hosts: ['http-service.example.com', 'http-service.example.com:*'] } }] },
      ],
    });
    // the client's cidrs narrow external access where client IPs are known: at the ingress gateway
    expect(clusters.core01.get('authorizationpolicy.istio-system.http-server-ingress.yaml').spec.rules).toEqual([
      { from: [{ source: { notRemoteIpBlocks: ['203.0.113.0/24'] } }], when: [{ key: 'connection.sni', values: ['http-service.example.com'] }] },
    ]);
    expect(clusters.core01.get('gateway.istio-system.emco-ingress.yaml').spec.servers[0].tls).toEqual({ mode: 'MUTUAL', credentialName: 'http-service-credential' });
    expect(clusters.edge01.get('serviceentry.default.http-server.yaml').spec.hosts).toEqual(['http-service.default.svc.cluster.local']);
  });

  test('the shipped JSON Schema accepts every shipped bundle document (for editors)', () => {
    const validate = new Ajv({ allowUnionTypes: true, strict: true }).compile(schema);
    for (const p of Object.values(intentBundles())) {
      for (const file of bundleFiles(p)) {
        for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8')) as any[]) {
          expect(validate(doc.toJS())).toBe(true);
        }
      }
    }
  });

  test('values as the seed writes them work', () => {
    const texts = [{ file: 'b.yaml', text: `${CLOUD}
inboundServices:
  - metadata: { name: httpbin }
    spec: { application: httpbin, protocol: tcp, port: "31400", headless: "True", instances: "2", istio-proxy: "YES", intervalSweep: 5m, maxEjectionPercent: "50",
            serviceAccount: httpbin, namespaces: [monitoring] }
` }];
    const clusters = buildBundle(loadBundleTexts(texts)).synth();
    const dr = clusters.find((c) => c.cluster === 'cluster02')!.files.get('destinationrule.default.httpbin.yaml');
    expect(dr.spec.trafficPolicy.outlierDetection).toEqual({ interval: '5m', maxEjectionPercent: 50 });
  });

  test('a client may share its name with an inbound service in the same cluster', () => {
    const texts = [{ file: 'b.yaml', text: `${CLOUD.replace('sleep: [cluster01]', 'web: [cluster02]')}
inboundServices:
  - metadata: { name: web }
    spec: { application: web, protocol: HTTP, port: 80 }
  - metadata: { name: httpbin }
    spec: { application: httpbin, protocol: HTTP, port: 8000 }
clients:
  - { inboundService: httpbin, metadata: { name: web, application: web } }
` }];
    const files = buildBundle(loadBundleTexts(texts)).synth().find((c) => c.cluster === 'cluster02')!.files;
    expect(files.get('authorizationpolicy.default.httpbin.yaml').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/default/sa/web'] } }] }]);
  });

  test('logicalCloud.strict (default false): true makes synth warnings problems at the bundle location', () => {
    const bundle = (strict: string) => `${CLOUD.replace('  name: lc1\n', `  name: lc1\n${strict}`)}
inboundServices:
  - metadata: { name: httpbin }
    spec: { application: httpbin, protocol: HTTP, port: "8000", loadBalancing: { httpCookie: { name: user, ttl: 60s } } }
clients:
  - { inboundService: httpbin, metadata: { name: sleep, application: sleep } }
`;
    const hashing = 'consistent hashing by cookie cannot hold for callers in other clusters (cluster01/default): '
      + 'the east-west gateway forwards their TLS connection and balances per TCP connection';
    for (const strict of ['', '  strict: false\n']) {
      const warnings: string[] = [];
      const clusters = withWarningSink((w) => warnings.push(w), () => buildBundle(loadBundleTexts([{ file: 'b.yaml', text: bundle(strict) }])).synth());
      expect(clusters.map((c) => c.cluster)).toEqual(['cluster01', 'cluster02']);
      expect(warnings).toEqual([`[lc1/cluster02/inbound:httpbin] trafficPolicy.loadBalancer: ${hashing}`]);
    }
    expect(problems({ 'b.yaml': bundle('  strict: true\n') })).toEqual([
      `b.yaml#1 $.inboundServices[0].spec.loadBalancing: ${hashing} (a warning; strict: true makes it an error)`,
    ]);
    expect(problems({ 'b.yaml': bundle('  strict: "yes"\n') })).toEqual(['b.yaml#1 $.logicalCloud.strict: "yes" must be boolean']);
  });

  test('a directory is merged in file-name order', () => {
    const dir = tmp('dir');
    const out = tmp('out');
    try {
      fs.writeFileSync(path.join(dir, '20-service.yaml'), 'inboundServices:\n  - metadata: { name: httpbin }\n    spec: { application: httpbin, protocol: HTTP, port: 80 }\n');
      fs.writeFileSync(path.join(dir, '10-cloud.yaml'), CLOUD);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
      const r = cli('synth', dir, '--out', out);
      expect(r).toEqual({ status: 0, out: [`cluster01: 0 objects -> ${path.join(out, 'cluster01')}`, `cluster02: 2 objects -> ${path.join(out, 'cluster02')}`], err: [] });
      expect(Object.keys(readTree(out)).sort()).toEqual([
        '.cdk8s-istio-intents-clusters.record', 'cluster01/.cdk8s-istio-intents.record', 'cluster01/Kustomization',
        'cluster02/.cdk8s-istio-intents.record', 'cluster02/Kustomization', 'cluster02/authorizationpolicy.default.httpbin.yaml',
        'cluster02/peerauthentication.default.httpbin.yaml', 'connectivity.json', 'connectivity.md',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('bad bundles', () => {
  test('every problem at once, with file, document, JSON path, value and what is expected; exit 1; nothing written', () => {
    const dir = tmp('bad');
    const out = tmp('out');
    try {
      fs.writeFileSync(path.join(dir, 'a.yaml'), `${CLOUD}---\ninboundServices:\n  - metadata: { name: httpbin }\n    spec: { application: httpbin, protocol: HTTP, port: "8000", loadbalancer: {} }\n`);
      fs.writeFileSync(path.join(dir, 'b.yaml'), 'clients:\n  - inboundService: httpbin\n    metadata: { name: sleep }\n    spec: { clientServiceName: sleep, headles: "false" }\n');
      const r = cli('synth', dir, '--out', out);
      expect(r.status).toBe(1);
      expect(r.out).toEqual([]);
      const rel = (f: string) => path.join(dir, f);
      expect(r.err).toEqual([
        `${dir}: 2 problems, nothing written:`,
        `  ${rel('a.yaml')}#2 $.inboundServices[0].spec.loadbalancer: is not a known field (did you mean "loadBalancing"?); expected one of: ${Object.keys(schema.definitions.inboundService.properties.spec.properties).join(', ')}`,
        `  ${rel('b.yaml')}#1 $.clients[0].spec.headles: is not a known field (did you mean "headless"?); expected one of: clientServiceName, namespace, serviceAccount, headless, mTLS`,
      ]);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['port out of range (construct rule, bundle location)', { 'b.yaml': service('targetPort: "70000"') }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.targetPort: 70000 is not a port \(1-65535\)$/],
    ['port not a number', { 'b.yaml': service('targetPort: "eighty"') }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.targetPort: "eighty" is not a port/],
    ['unknown protocol', { 'b.yaml': service('headless: false').replace('protocol: HTTP', 'protocol: SCTP') }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.protocol: "SCTP" is not a supported protocol/],
    ['bare-number duration', { 'b.yaml': service('baseEjectionTime: 15') }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.baseEjectionTime: 15 is ambiguous without a unit \(write "15s", "15m"/],
    ['malformed duration', { 'b.yaml': service('intervalSweep: 5 minutes') }, /\.spec\.intervalSweep: "5 minutes" is not a duration/],
    ['max ejection percent', { 'b.yaml': service('maxEjectionPercent: 101') }, /\.spec\.maxEjectionPercent: 101 is not a percentage/],
    ['negative pool size', { 'b.yaml': service('maxConnections: -1') }, /\.spec\.maxConnections: -1 is not a count/],
    ['flag not yes/no', { 'b.yaml': service('istio-proxy: maybe') }, /\.spec\.istio-proxy: "maybe" is not a yes\/no value/],
    ['headless without instances', { 'b.yaml': service('headless: "true"') }, /\.spec\.instances: undefined is required for a headless service/],
    ['two load-balancer kinds at once', { 'b.yaml': service('loadBalancing: { mode: RANDOM, httpHeaderName: x-user }') }, /\.spec\.loadBalancing\.mode: "RANDOM" cannot be combined with httpHeaderName \(two load-balancer kinds at once/],
    ['cookie without a name', { 'b.yaml': service('loadBalancing: { httpCookie: { ttl: 10s } }') }, /\.spec\.loadBalancing\.httpCookie\.name: undefined is not a cookie name/],
    ['wrong enum value', { 'b.yaml': service('loadBalancing: { mode: FASTEST }') }, /\.spec\.loadBalancing\.mode: "FASTEST" is not one of "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "CONSISTENT_HASH"/],
    ['service mesh other than istio', { 'b.yaml': service('serviceMesh: linkerd') }, /\.spec\.serviceMesh: "linkerd" is not supported \(only "istio"\)/],
    ['unknown TLS mode', { 'b.yaml': service('mutualTLS: STRICT') }, /\.spec\.mutualTLS: "STRICT" is not a TLS mode \(ISTIO_MUTUAL, SIMPLE or MUTUAL\)/],
    ['SIMPLE without a credential', { 'b.yaml': service('mutualTLS: SIMPLE, externalHost: httpbin.example.com') }, /\.spec\.credentialName: is required with mutualTLS SIMPLE/],
    ['MUTUAL without an external host', { 'b.yaml': service('mutualTLS: MUTUAL, credentialName: c') }, /\.spec\.externalHost: is required with mutualTLS MUTUAL/],
    ['PEM certificate in a bundle', { 'b.yaml': service('mutualTLS: SIMPLE, externalHost: a.example.com, Servicecertificate: "-----BEGIN CERTIFICATE-----"') }, /\.spec\.Servicecertificate: PEM is not accepted in a bundle/],
    ['private key naming another Secret', { 'b.yaml': service('mutualTLS: SIMPLE, externalHost: a.example.com, Servicecertificate: cert, ServicePrivateKey: key') }, /\.spec\.ServicePrivateKey: "key" must name the same Secret as the certificate \("cert"\)/],
    ['external settings on a mesh-only service', { 'b.yaml': service('externalHost: a.example.com') }, /\.spec\.externalHost: is only used with mutualTLS SIMPLE or MUTUAL/],
    ['namespace invalid', { 'b.yaml': service('namespace: Default') }, /\.spec\.namespace: "Default" is not a namespace name/],
    ['methods on TCP', { 'b.yaml': `${service('headless: false').replace('protocol: HTTP', 'protocol: TCP')}
securityIntents:
  - inboundService: httpbin
    metadata: { name: p }
    spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/sleep": [ { GET: /status } ] } }
` }, /^b\.yaml#1 \$\.securityIntents\[0\]\.spec\.serviceAccountAccess\["cluster\.local\/ns\/default\/sa\/sleep"\]\[0\]: names methods or paths, which never match on 8000\/TCP/],
    ['unknown HTTP method', { 'b.yaml': `${service('headless: false')}
securityIntents:
  - inboundService: httpbin
    metadata: { name: p }
    spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/sleep": [ { FETCH: /status } ] } }
` }, /\$\.securityIntents\[0\]\.spec\.serviceAccountAccess\["cluster\.local\/ns\/default\/sa\/sleep"\]\[0\]\.methods: "FETCH" is not an HTTP method/],
    ['malformed principal', { 'b.yaml': `${service('headless: false')}
securityIntents:
  - inboundService: httpbin
    metadata: { name: p }
    spec: { serviceAccountAccess: { "sleep": [ { GET: /status } ] } }
` }, /\$\.securityIntents\[0\]\.spec\.serviceAccountAccess\["sleep"\]: "sleep" is not a principal/],
    ['application without placement', { 'b.yaml': service('headless: false').replace('application: httpbin', 'application: web') }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.application: "web" has no placement/],
    ['placement on an undeclared cluster', { 'b.yaml': service('headless: false').replace('httpbin: [cluster02]', 'httpbin: [cluster09]') }, /^b\.yaml#1 \$\.placement\.httpbin\[0\]: "cluster09" is not a cluster of the logical cloud \(cluster01, cluster02\)/],
    ['client of an unknown inbound service', { 'b.yaml': `${CLOUD}\nclients:\n  - inboundService: nope\n    metadata: { name: sleep }\n` }, /^b\.yaml#1 \$\.clients\[0\]\.inboundService: "nope" is not an inbound service of the bundle/],
    ['client with a non-mesh TLS mode', { 'b.yaml': `${service('headless: false')}\nclients:\n  - inboundService: httpbin\n    metadata: { name: sleep }\n    spec: { mTLS: SIMPLE }\n` }, /\$\.clients\[0\]\.spec\.mTLS: "SIMPLE" is not supported for a client/],
    ['client declared twice differently', { 'b.yaml': `${service('headless: false')}\nclients:\n  - { inboundService: httpbin, metadata: { name: sleep } }\n  - { inboundService: httpbin, metadata: { name: sleep }, spec: { namespace: other } }\n` }, /\$\.clients\[1\]: client "sleep" is declared differently in b\.yaml#1 \$\.clients\[0\]/],
    ['remote client of a cluster without a gateway address', { 'b.yaml': service('headless: false').replace('eastWestGateway: { address: 192.0.2.20 }', 'network: n2') + '\nclients:\n  - { inboundService: httpbin, metadata: { name: sleep } }\n' }, /\$\.inboundServices\[0\]\.spec\.application: cluster02 has clients in cluster01, but cluster cluster02 has no eastWestGateway\.address/],
    ['two inbound services with one name', { 'b.yaml': `${service('headless: false')}  - metadata: { name: httpbin }\n    spec: { application: httpbin, protocol: TCP, port: 1 }\n` }, /\$\.inboundServices\[1\]\.metadata\.name: "httpbin" is already the name of b\.yaml#1 \$\.inboundServices\[0\]/],
    ['logical cloud declared twice', { 'a.yaml': CLOUD.replace(/placement.*\n/, ''), 'b.yaml': CLOUD.replace(/placement.*\n/, '') }, /^b\.yaml#1 \$\.logicalCloud: is declared again \(first in a\.yaml#1 \$\.logicalCloud\)/],
    ['no logical cloud', { 'b.yaml': 'placement: { a: [x] }\n' }, /\$\.logicalCloud is required/],
    ['mesh error in the logical cloud', { 'b.yaml': CLOUD.replace('name: lc1', 'name: lc1\n  trustDomain: "Bad Domain"') }, /^b\.yaml#1 \$\.logicalCloud\.trustDomain: "Bad Domain" is not a trust domain/],
    ['YAML syntax error', { 'b.yaml': 'logicalCloud: { name: [\n' }, /^b\.yaml#1: /],
    ['wrong type', { 'b.yaml': `${CLOUD}\ninboundServices: {}\n` }, /^b\.yaml#1 \$\.inboundServices: \{\} must be array$/],
    ['missing required field', { 'b.yaml': `${CLOUD}\ninboundServices:\n  - metadata: { name: x }\n    spec: { application: httpbin, port: 1 }\n` }, /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.protocol: is required$/],
    ['EMCO appLabel not key=value', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, appLabel: httpbin, serviceName: s, port: 80, protocol: HTTP }\n` }, /\$\.emco\.inboundIntents\[0\]\.spec\.appLabel: "httpbin" is not a label \("key=value"/],
    ['EMCO external certificates as PEM', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP, externalSupport: true, externalName: s.example.com, external: { externalCerts: { serviceCertificate: x } } }\n` }, /\.spec\.external\.externalCerts: certificates are not accepted in a bundle/],
    ['EMCO plain-text external access', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP, externalSupport: true, externalName: s.example.com, management: { tlsType: NONE } }\n` }, /\.spec\.management\.tlsType: "NONE" is not supported for external access/],
    ['EMCO cidrs without external support', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP }\n  clientsIntents:\n    - inboundIntent: s\n      metadata: { name: c }\n      spec: { app: sleep, serviceName: sleep, cidrs: [10.0.0.0/8] }\n` }, /\$\.emco\.clientsIntents\[0\]\.spec\.cidrs: \["10\.0\.0\.0\/8"\] only applies to external access/],
    ['EMCO access point for an unknown clients intent', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP }\n  accessPoints:\n    - { inboundIntent: s, clientsIntent: c, metadata: { name: a }, spec: { action: ALLOW, url: [/x] } }\n` }, /\$\.emco\.accessPoints\[0\]\.clientsIntent: "c" is not a clients intent of the bundle/],
    ['security intents with one name on one service', { 'b.yaml': `${service('headless: false')}
securityIntents:
  - { inboundService: httpbin, metadata: { name: p }, spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/a": [ { GET: /a } ] } } }
  - { inboundService: httpbin, metadata: { name: p }, spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/b": [ { GET: /b } ] } } }
` }, /^b\.yaml#1 \$\.securityIntents\[1\]\.metadata\.name: "p" is already the name of b\.yaml#1 \$\.securityIntents\[0\] for the same inbound service/],
    ['security intent whose principal is not its client', { 'b.yaml': `${service('headless: false')}
clients:
  - { inboundService: httpbin, metadata: { name: sleep } }
securityIntents:
  - { inboundService: httpbin, client: sleep, metadata: { name: p }, spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/other": [ { GET: /a } ] } } }
` }, /\$\.securityIntents\[0\]\.spec\.serviceAccountAccess: names \["cluster\.local\/ns\/default\/sa\/other"\], but client "sleep" is "cluster\.local\/ns\/default\/sa\/sleep"/],
    ['load balancing that chooses nothing', { 'b.yaml': service('loadBalancing: { useSourceIp: false }') }, /\.spec\.loadBalancing: \{"useSourceIp":false\} chooses nothing/],
    ['empty header name', { 'b.yaml': service('loadBalancing: { httpHeaderName: "" }') }, /\.spec\.loadBalancing\.httpHeaderName: "" is not a header or parameter name/],
    ['certificate Secret on a mesh-only service', { 'b.yaml': service('Servicecertificate: cert') }, /\.spec\.Servicecertificate: is only used with mutualTLS SIMPLE or MUTUAL/],
    ['userdata spelled two ways', { 'b.yaml': service('headless: false').replace('metadata: { name: httpbin }', 'metadata: { name: httpbin, userdata1: a, userData1: b }') }, /\.metadata\.userData1: is given together with userdata1/],
    ['empty intent name', { 'b.yaml': service('headless: false').replace('metadata: { name: httpbin }', 'metadata: { name: "" }') }, /\$\.inboundServices\[0\]\.metadata\.name: "" must NOT have fewer than 1 characters/],
    ['YAML alias bomb', { 'b.yaml': 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n' }, /^b\.yaml#1: YAML aliases expand too far \(more than 100 expansions/],
    ['EMCO cidr that is not an address', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP, externalSupport: true, externalName: s.example.com }\n  clientsIntents:\n    - inboundIntent: s\n      metadata: { name: c }\n      spec: { app: sleep, serviceName: sleep, cidrs: [nope] }\n` }, /\$\.emco\.clientsIntents\[0\]\.spec\.cidrs\[0\]: "nope" is not an IP address or CIDR block/],
    ['EMCO external name without external support', { 'b.yaml': `${CLOUD}\nemco:\n  inboundIntents:\n    - metadata: { name: s }\n      spec: { app: httpbin, serviceName: s, port: 80, protocol: HTTP, externalName: s.example.com }\n` }, /\.spec\.externalName: is only used with externalSupport: true/],
    ['EMCO access point action other than ALLOW', { 'b.yaml': `${CLOUD}\nemco:\n  accessPoints:\n    - { inboundIntent: s, clientsIntent: c, metadata: { name: a }, spec: { action: DENY } }\n` }, /\$\.emco\.accessPoints\[0\]\.spec\.action: "DENY" is not one of "ALLOW"/],
  ];

  test.each(cases)('%s', (_title, files, expected) => {
    const found = problems(files);
    expect(found.some((p) => expected.test(p))).toBe(true);
    for (const p of found) expect(p).toMatch(/^[ab]\.yaml(#\d+)?[ :]/);
  });

  test('an unusable output directory is reported, and no manifest is written', () => {
    const out = tmp('out');
    try {
      fs.writeFileSync(path.join(out, 'cluster02'), 'a file where a directory must go');
      const r = cli('synth', intentBundles()['seed-sleep-httpbin'], '--out', out);
      expect(r.status).toBe(1);
      expect(r.err).toEqual([`${out}: cannot write the output: nothing was written:`, `  ${path.join(out, 'cluster02')}: is a file where the directory of cluster cluster02 goes (EEXIST); move it away`]);
      expect(Object.keys(readTree(out))).toEqual(['cluster02']);
      expect(cli('synth', intentBundles()['seed-sleep-httpbin'], '--out', '').status).toBe(2);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('a bundle path that does not exist', () => {
    const r = cli('synth', '/nonexistent/bundle.yaml', '--out', '/nonexistent/out');
    expect(r).toEqual({ status: 1, out: [], err: ['/nonexistent/bundle.yaml: 1 problem, nothing written:', '  /nonexistent/bundle.yaml: cannot be read (ENOENT)'] });
  });

  test('usage errors exit 2', () => {
    expect(cli('synth', 'x.yaml').status).toBe(2);
    expect(cli('frobnicate').status).toBe(2);
  });
});

describe('failover, distribution, versions and locality in bundles (issue 13)', () => {
  const LOCALITIES = [{ region: 'r1', zone: 'z1', subzone: 's1' }, { region: 'r1', zone: 'z2' }, { region: 'r2' }];
  const cloud = (discovery = 'federated') => `
logicalCloud:
  name: lc1
  discovery: ${discovery}
  clusters:
    - { name: cluster01, locality: { region: r1, zone: z1, subzone: s1 }, eastWestGateway: { address: 192.0.2.10 } }
    - { name: cluster02, locality: { region: r1, zone: z2 }, eastWestGateway: { address: 192.0.2.20 } }
    - { name: cluster03, locality: { region: r2 }, eastWestGateway: { address: 192.0.2.30 } }
placement: { httpbin: [cluster01, cluster02], sleep: [cluster03] }
`;
  /** httpbin in cluster01 and cluster02 with outlier detection (failover needs it), sleep in cluster03 calling it. */
  const bundle = (spec: string, discovery?: string) => `${cloud(discovery)}
inboundServices:
  - metadata: { name: httpbin }
    spec: { application: httpbin, protocol: HTTP, port: 8000, consecutive5xxErrors: 5, intervalSweep: 10s, baseEjectionTime: 30s, ${spec} }
clients:
  - { inboundService: httpbin, metadata: { name: sleep, application: sleep } }
`;
  const synthText = (text: string) => buildBundle(loadBundleTexts([{ file: 'b.yaml', text }])).synth();

  /** The same intents declared in TypeScript; `extra` gets the clusters [cluster01, cluster02, cluster03]. */
  function typeScriptTwin(extra: (c: MeshCluster[]) => Partial<InboundServiceProps>, discovery: DiscoveryMode = 'federated') {
    const app = new App();
    const mesh = new Mesh(app, 'mesh', {
      name: 'lc1', discovery,
      clusters: LOCALITIES.map((locality, i) => ({ name: `cluster0${i + 1}`, locality, eastWestGateway: { address: `192.0.2.${i + 1}0` } })),
    });
    const c = mesh.clusters;
    const httpbin = new InboundService(c[0], 'httpbin', {
      application: 'httpbin', protocol: 'HTTP', port: 8000, additionalClusters: [c[1]],
      trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' } },
      ...extra(c),
    });
    new ServiceClient(c[2], 'sleep', {}).connectTo(httpbin);
    return synthClusters(app);
  }

  const drOf = (clusters: ClusterManifests[], cluster: string, name = 'httpbin') =>
    clusters.find((c) => c.cluster === cluster)!.files.get(`destinationrule.default.${name}.yaml`);

  test('cluster locality: region/zone/subzone on the endpoints callers see', () => {
    const clusters = synthText(bundle('failover: { mode: locality }'));
    const se = clusters.find((c) => c.cluster === 'cluster03')!.files.get('serviceentry.default.httpbin.yaml');
    expect(se.spec.endpoints.map((e: { locality: string }) => e.locality)).toEqual(['r1/z1/s1', 'r1/z2']);
    expect(drOf(clusters, 'cluster03').spec.trafficPolicy.loadBalancer).toEqual({ localityLbSetting: { enabled: true } });
    expect(clusters).toEqual(typeScriptTwin(() => ({ failover: Failover.byLocality() })));
  });

  test('failover mode order: Failover.inOrder with the named clusters', () => {
    const clusters = synthText(bundle('failover: { mode: order, clusters: [cluster02, cluster01] }'));
    expect(drOf(clusters, 'cluster03').spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority)
      .toEqual(['traffic.intents.cdk8s.io/failover-1=y']);
    expect(clusters).toEqual(typeScriptTwin((c) => ({ failover: Failover.inOrder([c[1], c[0]]) })));
  });

  test('failover mode labels (multi-primary): Failover.byLabels with the labels as given', () => {
    const labels = ['topology.istio.io/network', 'topology.istio.io/cluster=cluster01'];
    const clusters = synthText(bundle(`failover: { mode: labels, labels: [${labels.join(', ')}] }`, 'multi-primary'));
    expect(drOf(clusters, 'cluster03').spec.trafficPolicy.loadBalancer.localityLbSetting).toEqual({ enabled: true, failoverPriority: labels });
    expect(clusters).toEqual(typeScriptTwin(() => ({ failover: Failover.byLabels(labels) }), 'multi-primary'));
  });

  test('distribution: from (default every caller), to clusters with weights (numbers or strings)', () => {
    const clusters = synthText(bundle('distribution: [ { to: [ { cluster: cluster01, weight: "70" }, { cluster: cluster02, weight: 30 } ] } ]'));
    expect(drOf(clusters, 'cluster03').spec.trafficPolicy.loadBalancer.localityLbSetting)
      .toEqual({ enabled: true, distribute: [{ from: '*', to: { 'r1/z1/s1': 70, 'r1/z2': 30 } }] });
    expect(clusters).toEqual(typeScriptTwin((c) => ({ distribution: [{ to: [{ cluster: c[0], weight: 70 }, { cluster: c[1], weight: 30 }] }] })));
    const from = synthText(bundle('distribution: [ { from: [cluster03], to: [ { cluster: cluster02, weight: 100 } ] } ]'));
    expect(from).toEqual(typeScriptTwin((c) => ({ distribution: [{ from: [c[2]], to: [{ cluster: c[1], weight: 100 }] }] })));
  });

  test('versions: name, labels, weight and clusters (default: every cluster the service runs in)', () => {
    const versions = 'versions: [ { name: v1, labels: { version: v1 }, weight: 90 }, { name: v2, labels: { version: v2 }, weight: "10", clusters: [cluster02] } ]';
    const clusters = synthText(bundle(versions));
    expect(drOf(clusters, 'cluster03').spec.subsets.map((s: { name: string }) => s.name)).toEqual(['v1', 'v2']);
    expect(clusters).toEqual(typeScriptTwin((c) => ({
      versions: [{ name: 'v1', labels: { version: 'v1' }, weight: 90 }, { name: 'v2', labels: { version: 'v2' }, weight: 10, clusters: [c[1]] }],
    })));
  });

  test('globalHost: a yes/no value; true serves <servicename>.<namespace>.global', () => {
    const clusters = synthText(bundle('globalHost: "yes", failover: { mode: locality }'));
    expect(drOf(clusters, 'cluster03', 'httpbin-global').spec.host).toBe('httpbin.default.global');
    expect(clusters).toEqual(typeScriptTwin(() => ({ globalHost: true, failover: Failover.byLocality() })));
    expect(synthText(bundle('globalHost: "no"'))).toEqual(typeScriptTwin(() => ({})));
  });

  const inSpec = '$.inboundServices[0].spec';
  const badCases: Array<[string, string, string, string]> = [
    ['distribution weights not summing to 100', bundle('distribution: [ { to: [ { cluster: cluster01, weight: 70 }, { cluster: cluster02, weight: 20 } ] } ]'),
      `${inSpec}.distribution[0].to`, '[70,20] has weights summing to 90; they must sum to 100'],
    ['distribution weight out of range', bundle('distribution: [ { to: [ { cluster: cluster01, weight: 100 }, { cluster: cluster02, weight: 0 } ] } ]'),
      `${inSpec}.distribution[0].to[1].weight`, '0 is not a weight (a whole number from 1 to 100, in percent)'],
    ['distribution weight not a number', bundle('distribution: [ { to: [ { cluster: cluster01, weight: "all" } ] } ]'),
      `${inSpec}.distribution[0].to[0].weight`, '"all" is not a weight'],
    ['distribution to a cluster the service does not run in', bundle('distribution: [ { to: [ { cluster: cluster01, weight: 50 }, { cluster: cluster03, weight: 50 } ] } ]'),
      `${inSpec}.distribution[0].to[1].cluster`, '"cluster03" is not a cluster the service runs in (cluster01, cluster02; add it to $.placement.httpbin)'],
    ['distribution from an unknown cluster', bundle('distribution: [ { from: [cluster09], to: [ { cluster: cluster01, weight: 100 } ] } ]'),
      `${inSpec}.distribution[0].from[0]`, '"cluster09" is not a cluster of the logical cloud (cluster01, cluster02, cluster03)'],
    ['two distributions for one calling cluster', bundle('distribution: [ { from: [cluster03], to: [ { cluster: cluster01, weight: 100 } ] }, '
      + '{ from: [cluster03], to: [ { cluster: cluster02, weight: 100 } ] } ]'),
      `${inSpec}.distribution[1].from`, '"cluster03" is also covered by distribution[0] (one distribution per calling cluster)'],
    ['an empty distribution list', bundle('distribution: []'), `${inSpec}.distribution`, '[] must NOT have fewer than 1 items'],
    ['distribution without localities', bundle('distribution: [ { to: [ { cluster: cluster01, weight: 100 } ] } ]').replace('locality: { region: r1, zone: z2 }, ', ''),
      `${inSpec}.distribution`, 'needs a locality on every cluster the service runs in (Istio distributes by locality); cluster02 has none'],
    ['unknown cluster in an order', bundle('failover: { mode: order, clusters: [cluster01, cluster09] }'),
      `${inSpec}.failover.clusters[1]`, '"cluster09" is not a cluster of the logical cloud (cluster01, cluster02, cluster03)'],
    ['an order naming a cluster the service does not run in', bundle('failover: { mode: order, clusters: [cluster01, cluster02, cluster03] }'),
      `${inSpec}.failover.clusters[2]`, '"cluster03" is not a cluster the service runs in (cluster01, cluster02; add it to $.placement.httpbin)'],
    ['an order missing a cluster', bundle('failover: { mode: order, clusters: [cluster02] }'),
      `${inSpec}.failover.clusters`, '["cluster02"] must list each cluster the service runs in once (cluster01, cluster02); missing cluster01'],
    ['an order listing a cluster twice', bundle('failover: { mode: order, clusters: [cluster02, cluster02] }'),
      `${inSpec}.failover.clusters[1]`, '"cluster02" is listed twice'],
    ['mode order without clusters', bundle('failover: { mode: order }'),
      `${inSpec}.failover.clusters`, 'is required with mode "order" (every cluster the application is placed in, in the order callers use them'],
    ['clusters with mode locality', bundle('failover: { mode: locality, clusters: [cluster01, cluster02] }'),
      `${inSpec}.failover.clusters`, 'is only used with mode "order" (this failover\'s mode is "locality")'],
    ['mode labels without labels', bundle('failover: { mode: labels }', 'multi-primary'), `${inSpec}.failover.labels`, 'is required with mode "labels"'],
    ['an unknown failover mode', bundle('failover: { mode: zone }'), `${inSpec}.failover.mode`, '"zone" is not one of "locality", "order", "labels"'],
    ['a failover label that is not a label', bundle('failover: { mode: labels, labels: ["bad key"] }', 'multi-primary'),
      `${inSpec}.failover.labels[0]`, '"bad key" is not a label key, or key=value'],
    ['failover by labels in federated mode', bundle('failover: { mode: labels, labels: [topology.istio.io/network] }'),
      `${inSpec}.failover`, 'Failover.byLabels() compares endpoint labels, but in federated mode'],
    ['failover by locality without localities', bundle('failover: { mode: locality }').replace('locality: { region: r1, zone: z2 }, ', ''),
      `${inSpec}.failover`, 'Failover.byLocality() needs a locality on every cluster the service runs in; cluster02 has none'],
    ['failover without outlier detection', bundle('failover: { mode: locality }').replace('consecutive5xxErrors: 5, intervalSweep: 10s, baseEjectionTime: 30s, ', ''),
      `${inSpec}.failover`, 'needs trafficPolicy.outlierDetection'],
    ['failover for a service in one cluster', bundle('failover: { mode: locality }').replace('httpbin: [cluster01, cluster02]', 'httpbin: [cluster01]'),
      `${inSpec}.failover`, 'needs a service in more than one cluster; it runs in cluster01 only'],
    ['a maxEjectionPercent too low to fail over', bundle('failover: { mode: locality }, maxEjectionPercent: 10'),
      `${inSpec}.maxEjectionPercent`, '10 lets a caller eject only 0 of the 2 cluster endpoints it sees'],
    ['version weights not summing to 100', bundle('versions: [ { name: v1, labels: { version: v1 }, weight: 60 }, { name: v2, labels: { version: v2 }, weight: 60 } ]'),
      `${inSpec}.versions`, '[60,60] has weights summing to 120; they must sum to 100'],
    ['a version name that is not a DNS label', bundle('versions: [ { name: V_1, labels: { version: v1 }, weight: 100 } ]'),
      `${inSpec}.versions[0].name`, '"V_1" is not a version name'],
    ['a version repeating another\'s labels', bundle('versions: [ { name: v1, labels: { version: v1 }, weight: 50 }, { name: v2, labels: { version: v1 }, weight: 50 } ]'),
      `${inSpec}.versions[1]`, '"v2" repeats the labels of versions[0]'],
    ['version labels contradicting workloadLabels', bundle('workloadLabels: { app: httpbin, version: v1 }, versions: [ { name: v2, labels: { version: v2 }, weight: 100 } ]'),
      `${inSpec}.versions[0].labels.version`, '"v2" contradicts the service\'s workloadLabels (version: "v1")'],
    ['a version in a cluster the service does not run in', bundle('versions: [ { name: v1, labels: { version: v1 }, weight: 100, clusters: [cluster03] } ]'),
      `${inSpec}.versions[0].clusters[0]`, '"cluster03" is not a cluster the service runs in'],
    ['a misspelt version field', bundle('versions: [ { name: v1, labels: { version: v1 }, weight: 100, cluster: [cluster01] } ]'),
      `${inSpec}.versions[0].cluster`, 'is not a known field (did you mean "clusters"?)'],
    ['globalHost not a yes/no value', bundle('globalHost: maybe'), `${inSpec}.globalHost`, '"maybe" is not a yes/no value'],
    ['globalHost in multi-primary mode', bundle('globalHost: true', 'multi-primary'), `${inSpec}.globalHost`, 'true is for federated meshes'],
    ['failover on a service without a sidecar', bundle('istio-proxy: "no", failover: { mode: locality }').replace('consecutive5xxErrors: 5, intervalSweep: 10s, baseEjectionTime: 30s, ', ''),
      `${inSpec}.failover`, 'needs the Istio sidecar'],
    ['locality without region', cloud().replace('{ region: r2 }', '{ zone: z3 }'), '$.logicalCloud.clusters[2].locality.region', 'is required'],
    ['a locality with "/" in the region', cloud().replace('{ region: r2 }', '{ region: r2/x }'),
      '$.logicalCloud.clusters[2].locality.region', '"r2/x" is not a region name'],
    ['a subzone without a zone', cloud().replace('{ region: r2 }', '{ region: r2, subzone: s9 }'),
      '$.logicalCloud.clusters[2].locality.subzone', 'needs a zone'],
    ['a misspelt locality field', cloud().replace('{ region: r2 }', '{ region: r2, zones: z }'),
      '$.logicalCloud.clusters[2].locality.zones', 'is not a known field (did you mean "zone"?)'],
  ];

  test.each(badCases)('%s: one problem, at its JSON path', (_title, text, jsonPath, message) => {
    const escaped = `b.yaml#1 ${jsonPath}: ${message}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(problems({ 'b.yaml': text })).toEqual([expect.stringMatching(new RegExp(`^${escaped}`))]);
  });

  test('a cluster left out of the logical cloud (its own problem) is not reported again where a service names it', () => {
    const text = bundle('distribution: [ { from: [""], to: [ { cluster: cluster01, weight: 100 } ] } ]')
      .replace('    - { name: cluster03', '    - { name: "" }\n    - { name: cluster03');
    expect(problems({ 'b.yaml': text })).toEqual(['b.yaml#1 $.logicalCloud.clusters[2].name: "" is not a cluster name (a DNS-1123 label)']);
  });
});

test('a bundle directory used as its own --out synthesizes again and again (the tool\'s own files there are not read as intents)', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-out-'));
  try {
    fs.cpSync(path.join(__dirname, '..', 'apps', 'intents', 'emco-22'), dir, { recursive: true });
    for (const run of [1, 2]) expect({ run, status: cli('synth', dir, '--out', dir, '--quiet').status }).toEqual({ run, status: 0 });
    expect(fs.readdirSync(dir)).toContain('connectivity.json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
