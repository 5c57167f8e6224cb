import { spawnSync } from 'node:child_process';
import fs = require('node:fs');
import * as path from 'node:path';
import { App } from 'cdk8s';
import {
  ClientCertificateAuthority, ExternalAccess, InboundService, Mesh, ServiceAccessPolicy, ServiceClient, synthClusters, TlsCredential,
} from '../src';
import { main } from '../src/cli';
import { MAX_BUNDLE_BYTES } from '../src/intents/read';
import { show } from '../src/problems';
import { synthError } from './support/synth';
import { tmpDir } from './support/output-fixtures';
import { CLOUD } from './support/bundle-fixtures';

/** Obviously fake key material, built at run time (never a real key in the repository). */
const FAKE_KEY_BODY = `FAKEKEY${'A'.repeat(60)}`;
const FAKE_KEY = `-----BEGIN ${'PRIVATE'} KEY-----\n${FAKE_KEY_BODY}\n-----END ${'PRIVATE'} KEY-----`;
const FAKE_CERT = '-----BEGIN CERTIFICATE-----\nFAKECERT\n-----END CERTIFICATE-----';

let dir: string;
let out: string;
beforeEach(() => {
  dir = tmpDir('bundle');
  out = path.join(tmpDir('out'), 'out');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

/** Runs the CLI on real files; returns status and output lines. */
function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const o: string[] = [];
  const e: string[] = [];
  const status = main(['node', 'cdk8s-istio-intents', ...args], { out: (l) => o.push(l), err: (l) => e.push(l) });
  return { status, out: o, err: e };
}

/** Writes files into the bundle directory and synthesizes it; it must fail with nothing written. */
function rejected(files: Record<string, string | Buffer>, target = dir): string[] {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const r = cli('synth', target, '--out', out);
  expect(r.status).toBe(1);
  expect(fs.existsSync(out)).toBe(false);
  for (const line of r.err) expect(line).not.toMatch(/^\s+at |TypeError|RangeError/);
  return r.err.slice(1).map((l) => l.trim());
}

const service = (name: string, spec = '') => `  - metadata: { name: "${name}" }\n    spec: { application: httpbin, protocol: HTTP, port: 80${spec} }\n`;

describe('files that are not bundles: one problem line each, never a hang', () => {
  test('the real binary on a directory of special files (FIFO, /dev/zero link, directory, loop, dangling link, encodings)', () => {
    fs.writeFileSync(path.join(dir, '00-cloud.yaml'), CLOUD);
    spawnSync('mkfifo', [path.join(dir, 'a-fifo.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'b-zero.yaml'));
    fs.mkdirSync(path.join(dir, 'c-dir.yaml'));
    fs.symlinkSync('d-loop.yaml', path.join(dir, 'd-loop.yaml'));
    fs.symlinkSync('user@host.1234:1700000000', path.join(dir, '.#e-edited.yaml'));
    fs.writeFileSync(path.join(dir, 'f-utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]));
    fs.writeFileSync(path.join(dir, 'g-latin1.yaml'), Buffer.from('logicalCloud:\n  name: caf\xe9\n', 'latin1'));
    const bin = path.join(__dirname, '..', 'bin', 'cdk8s-istio-intents.js');
    const r = spawnSync(process.execPath, [bin, 'synth', dir, '--out', out], { encoding: 'utf8', timeout: 30000 });
    expect(r.error).toBeUndefined(); // no timeout: nothing hangs
    expect(r.status).toBe(1);
    const at = (f: string) => path.join(dir, f);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `${dir}: 7 problems, nothing written:`,
      `  ${at('.#e-edited.yaml')}: cannot be read (ENOENT: a symbolic link to "user@host.1234:1700000000", which does not exist (an editor's lock file?))`,
      `  ${at('a-fifo.yaml')}: is a named pipe (FIFO), not a regular file (bundles are read only from regular files)`,
      `  ${at('b-zero.yaml')}: is a device, not a regular file (bundles are read only from regular files)`,
      `  ${at('c-dir.yaml')}: is a directory, not a bundle file`,
      `  ${at('d-loop.yaml')}: cannot be read (ELOOP: a symbolic link loop)`,
      `  ${at('f-utf16.yaml')}: is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`,
      `  ${at('g-latin1.yaml')}: is not valid UTF-8 (first invalid byte at line 2, byte 25); save it as UTF-8`,
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a FIFO or /dev/zero given as the bundle', () => {
    spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    expect(rejected({}, path.join(dir, 'pipe.yaml'))).toEqual([`${path.join(dir, 'pipe.yaml')}: is a named pipe (FIFO), not a regular file (bundles are read only from regular files)`]);
    expect(rejected({}, '/dev/zero')).toEqual(['/dev/zero: is a device, not a regular file (bundles are read only from regular files)']);
  });

  test('a bundle over 16 MiB is refused before it is read', () => {
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_BUNDLE_BYTES + 1); // sparse: nothing is really written
    expect(rejected({}, big)).toEqual([`${big}: is ${MAX_BUNDLE_BYTES + 1} bytes, over the limit of 16777216 bytes (16 MiB) per bundle`]);
  });

  test('an unreadable file is one problem and the other files are still checked', () => {
    fs.writeFileSync(path.join(dir, 'secret.yaml'), CLOUD);
    const real = fs.openSync;
    const spy = jest.spyOn(fs, 'openSync').mockImplementation(((p: any, ...rest: any[]) => {
      if (String(p).endsWith('secret.yaml')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return (real as any)(p, ...rest);
    }) as any);
    try {
      expect(rejected({ 'z.yaml': `inboundServices:\n${service('httpbin', ', targetPort: 0')}` })).toEqual([
        `${path.join(dir, 'secret.yaml')}: cannot be read (EACCES: permission denied)`,
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  test('UTF-16 without a byte-order mark, UTF-16BE, and a UTF-8 byte-order mark (accepted)', () => {
    expect(rejected({ 'a.yaml': Buffer.from('a: 1\n', 'utf16le'), 'b.yaml': Buffer.from([0xfe, 0xff, 0, 0x61]) })).toEqual([
      `${path.join(dir, 'a.yaml')}: has a NUL byte at byte 1 (UTF-16 without a byte-order mark, or not text); save it as UTF-8`,
      `${path.join(dir, 'b.yaml')}: is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`,
    ]);
    fs.rmSync(path.join(dir, 'a.yaml'));
    fs.rmSync(path.join(dir, 'b.yaml'));
    fs.writeFileSync(path.join(dir, 'c.yaml'), `\ufeff${CLOUD}`);
    expect(cli('synth', dir, '--out', out, '--quiet')).toEqual({ status: 0, out: [], err: [] });
  });

  test('a TypeScript app, an empty directory, --version', () => {
    fs.writeFileSync(path.join(dir, 'main.ts'), 'new App()');
    expect(rejected({}, path.join(dir, 'main.ts'))).toEqual([
      `${path.join(dir, 'main.ts')}: is a program, not an intent bundle; a TypeScript app is run with "cdk8s synth" (its cdk8s.yaml names it)`,
    ]);
    fs.rmSync(path.join(dir, 'main.ts'));
    expect(rejected({})).toEqual([`${dir}: no .yaml, .yml or .json files found`]);
    expect(cli('--version')).toEqual({ status: 0, out: [require('../package.json').version], err: [] });
  });
});

describe('YAML that attacks the parser', () => {
  test.each([
    ['alias bomb', 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      /^b\.yaml#1: YAML aliases expand too far \(more than 100 expansions/],
    ['deep flow nesting', `${'['.repeat(200000)}${']'.repeat(200000)}\n`, /^b\.yaml: nests deeper than 100 levels at line 1 /],
    ['deep block nesting', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), /^b\.yaml: nests deeper than 100 levels at line 202 /],
    ['compact nesting on one line', `${'- '.repeat(3000)}x\n`, /^b\.yaml: nests deeper than 100 levels at line 1 /],
    ['duplicate keys', `${CLOUD}placement: {}\n`, /^b\.yaml#1: Map keys must be unique/],
    ['__proto__ key', `${CLOUD}inboundServices:\n${service('httpbin', ', workloadLabels: { __proto__: { polluted: "1" } }')}`,
      /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.workloadLabels\.__proto__: "__proto__" cannot be used as a key/],
    ['constructor label key', `${CLOUD}inboundServices:\n${service('httpbin', ', workloadLabels: { constructor: x }')}`,
      /^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.workloadLabels\.constructor: "constructor" cannot be used as a key/],
  ])('%s', (_title, text, expected) => {
    const problems = rejected({ 'b.yaml': text }).map((p) => p.replace(`${dir}/`, ''));
    expect(problems.some((p) => expected.test(p))).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe('names that collide as internal ids, empty names, look-alike names', () => {
  test.each([
    ['clusters a/b and a--b', CLOUD.replace('name: cluster01', 'name: "a/b"').replace('name: cluster02', 'name: a--b'),
      '$.logicalCloud.clusters[1].name: "a--b" collides with <b>#1 $.logicalCloud.clusters[0].name (both become the internal id "a--b", as "/" is written "--"); rename one'],
    ['an empty cluster name', CLOUD.replace('name: cluster01', 'name: ""'), '$.logicalCloud.clusters[0].name: "" is not a cluster name (a DNS-1123 label)'],
    ['services a/b and a--b', `${CLOUD}inboundServices:\n${service('a/b')}${service('a--b')}`,
      '$.inboundServices[1].metadata.name: "a--b" collides with <b>#1 $.inboundServices[0].metadata.name (both become the internal id "inbound:a--b", as "/" is written "--"); rename one'],
    ['clients a/b and a--b', `${CLOUD}inboundServices:\n${service('httpbin')}clients:\n  - { inboundService: httpbin, metadata: { name: "a/b", application: sleep } }\n`
      + '  - { inboundService: httpbin, metadata: { name: "a--b", application: sleep } }\n',
    '$.clients[1].metadata.name: "a--b" collides with <b>#1 $.clients[0].metadata.name (both become the internal id "client:a--b", as "/" is written "--"); rename one'],
    ['policies a and a:0', `${CLOUD}inboundServices:\n${service('httpbin')}clients:\n  - { inboundService: httpbin, metadata: { name: c, application: sleep } }\n`
      + 'securityIntents:\n  - { inboundService: httpbin, metadata: { name: a }, spec: { serviceAccountAccess: { "cluster.local/ns/default/sa/a": [ { GET: /a } ] } } }\n'
      + 'emco:\n  accessPoints:\n    - { inboundIntent: httpbin, clientsIntent: c, metadata: { name: "a:0" }, spec: { action: ALLOW, url: [/x] } }\n',
    '$.emco.accessPoints[0].metadata.name: "a:0" collides with <b>#1 $.securityIntents[0].metadata.name (both become the internal id "policy:a:0", as "/" is written "--"); rename one'],
    ['a zero-width space', `${CLOUD}inboundServices:\n${service('http\u200bbin')}`,
      '$.inboundServices[0].metadata.name: "http\\u200bbin" is not a DNS-1123 label of at most 50 characters (it names the Istio objects)'],
    ['a Cyrillic look-alike', `${CLOUD}inboundServices:\n${service('httpbin')}clients:\n  - { inboundService: "httpbin\u0430", metadata: { name: sleep } }\n`,
      '$.clients[0].inboundService: "httpbin\\u0430" is not an inbound service of the bundle (httpbin)'],
  ])('%s', (_title, text, expected) => {
    expect(rejected({ 'b.yaml': text })).toContain(`${path.join(dir, 'b.yaml')}#1 ${expected.replace('<b>', path.join(dir, 'b.yaml'))}`);
  });
});

describe('every problem at once, at the field that causes it', () => {
  test('schema problems and the problems found while building and at synth, in one run; nothing said twice', () => {
    const problems = rejected({
      'a.yaml': CLOUD,
      'b.yaml': `inboundServices:\n${service('httpbin', ', loadbalancer: {}')}${service('other', ', targetPort: 70000').replace('application: httpbin', 'application: nowhere')}`
        + `${service('third', ', targetPort: 70000')}clients:\n  - { inboundService: httpbin, metadata: { name: sleep } }\n`,
    }).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toEqual([
      expect.stringMatching(/^b\.yaml#1 \$\.inboundServices\[0\]\.spec\.loadbalancer: is not a known field \(did you mean "loadBalancing"\?\)/),
      'b.yaml#1 $.inboundServices[1].spec.application: "nowhere" has no placement (add it to $.placement: "nowhere": [<cluster>, ...]; placed: httpbin, sleep)',
      'b.yaml#1 $.inboundServices[2].spec.targetPort: 70000 is not a port (1-65535)',
    ]);
  });

  test('a limit violation is reported at the field that makes the object large', () => {
    const problems = rejected({ 'b.yaml': `${CLOUD}inboundServices:\n${service('httpbin').replace('name: "httpbin"', `name: httpbin, description: "${'d'.repeat(300000)}"`)}` });
    expect(problems[0]).toBe(`${path.join(dir, 'b.yaml')}#1 $.inboundServices[0].metadata.description: PeerAuthentication/default/httpbin in cluster cluster02 /metadata/annotations: `
      + 'total 300036 bytes exceeds Kubernetes\' 256 KiB limit');
  });
});

describe('secrets are refused and never echoed', () => {
  test.each([
    ['metadata.description', (k: string) => `${CLOUD}inboundServices:\n${service('httpbin').replace('name: "httpbin"', `name: httpbin, description: ${JSON.stringify(k)}`)}`,
      '$.inboundServices[0].metadata.description: holds a PEM private key (redacted)'],
    ['userdata1', (k: string) => `${CLOUD}inboundServices:\n${service('httpbin').replace('name: "httpbin"', `name: httpbin, userdata1: ${JSON.stringify(k)}`)}`,
      '$.inboundServices[0].metadata.userdata1: holds a PEM private key (redacted)'],
    ['a map key', (k: string) => `${CLOUD}inboundServices:\n${service('httpbin')}securityIntents:\n  - { inboundService: httpbin, metadata: { name: p }, spec: { serviceAccountAccess: { ${JSON.stringify(k)}: [ { GET: /a } ] } } }\n`,
      '$.securityIntents[0].spec.serviceAccountAccess["[PEM private key redacted]"]: has a PEM private key as a key (redacted)'],
    ['a field checked by the schema', (k: string) => `${CLOUD}inboundServices:\n${service('httpbin', `, protocol: ${JSON.stringify(k)}`).replace('protocol: HTTP, ', '')}`,
      '$.inboundServices[0].spec.protocol: holds a PEM private key (redacted)'],
  ])('PEM private key in %s', (_title, bundle, expected) => {
    const r = cli('synth', (fs.writeFileSync(path.join(dir, 'b.yaml'), bundle(FAKE_KEY)), dir), '--out', out);
    expect(r.status).toBe(1);
    expect(r.err.some((l) => l.startsWith(`  ${path.join(dir, 'b.yaml')}#1 ${expected}`))).toBe(true);
    expect(r.err.join('\n')).not.toMatch(/FAKEKEY|AAAAAAAA/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('the TypeScript API from plain JavaScript', () => {
  const newMesh = (props: object = {}) => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh', { name: 'lc1', clusters: [{ name: 'cluster01', eastWestGateway: { address: '192.0.2.10' } }], ...props });
    return { app, mesh, c1: mesh.cluster('cluster01') };
  };

  test.each([
    ['a Symbol', Symbol('web'), '[mesh/cluster01] id: a Symbol (web) is not a construct id for InboundService (a non-empty string, unique in its scope)'],
    ['a number', 5, '[mesh/cluster01] id: 5 is not a construct id for InboundService (a non-empty string, unique in its scope)'],
    ['an empty string', '', '[mesh/cluster01] id: "" is not a construct id for InboundService (a non-empty string, unique in its scope)'],
  ])('%s as a construct id', (_title, id, message) => {
    const { c1 } = newMesh();
    expect(() => new InboundService(c1, id as any, { port: 80, protocol: 'HTTP' })).toThrow(message);
  });

  test('ids that constructs would merge, and non-string ids of the other constructs', () => {
    const { c1 } = newMesh();
    const web = new InboundService(c1, 'a/b', { name: 'web', port: 80, protocol: 'HTTP' });
    expect(() => new InboundService(c1, 'a--b', { name: 'api', port: 80, protocol: 'HTTP' })).toThrow('[mesh/cluster01] id: "a--b" is already used in this scope by mesh/cluster01/a--b; ids must be unique');
    expect(() => new ServiceClient(c1, 7 as any, {})).toThrow(/id: 7 is not a construct id for ServiceClient/);
    expect(() => new ServiceAccessPolicy(web, Symbol('p') as any, { principal: 'cluster.local/ns/a/sa/b', rules: [] })).toThrow(/id: a Symbol \(p\) is not a construct id for ServiceAccessPolicy/);
    expect(() => new Mesh(new App(), undefined as any, { clusters: [] })).toThrow(/id: undefined is not a construct id for Mesh/);
  });

  test('ExternalAccess.simple(undefined) and .mutual(undefined) are errors, not "no external access"', () => {
    const { app, c1 } = newMesh();
    new InboundService(c1, 'web', { port: 80, protocol: 'HTTP', externalAccess: ExternalAccess.simple(undefined as any) });
    new InboundService(c1, 'api', { port: 80, protocol: 'HTTP', externalAccess: ExternalAccess.mutual(undefined as any) });
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster01/web] externalAccess: undefined has no options: ExternalAccess.simple({ host, credential }) needs them');
    expect(message).toContain('[mesh/cluster01/api] externalAccess: undefined has no options: ExternalAccess.mutual({ host, credential, clientCa }) needs them');
  });

  test('a private key in a string prop is refused (redacted); TlsCredential.fromPem is the one place keys go', () => {
    const { app, c1 } = newMesh();
    new InboundService(c1, 'web', { port: 80, protocol: 'HTTP', description: `notes ${FAKE_KEY}`, userData: { userdata1: FAKE_KEY } });
    new InboundService(c1, 'ok', {
      port: 443, protocol: 'HTTP',
      externalAccess: ExternalAccess.simple({ host: 'ok.example.com', credential: TlsCredential.fromPem('ok-cert', { certificate: FAKE_CERT, privateKey: FAKE_KEY }) }),
    });
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster01/web] description: holds a PEM private key (redacted), which would be written into PeerAuthentication default/web (cluster cluster01)');
    expect(message).toContain('[mesh/cluster01/web] userData.userdata1: holds a PEM private key (redacted)');
    expect(message).not.toMatch(/\[mesh\/cluster01\/ok\]|FAKEKEY/);
  });

  test('a private key pasted into a certificate or a CA bundle is refused; values shown in messages are redacted', () => {
    const { app, c1 } = newMesh();
    new InboundService(c1, 'web', {
      port: 443, protocol: 'HTTP',
      externalAccess: ExternalAccess.mutual({
        host: 'web.example.com', credential: TlsCredential.fromPem('web-cert', { certificate: `${FAKE_CERT}\n${FAKE_KEY}`, privateKey: FAKE_KEY }),
        clientCa: ClientCertificateAuthority.fromPem(`${FAKE_CERT}\n${FAKE_KEY}`),
      }),
    });
    new InboundService(c1, 'api', { port: 80, protocol: 'HTTP', namespace: FAKE_KEY });
    const message = synthError(app);
    expect(message).toContain('externalAccess.credential.certificate: holds a PEM private key (redacted)');
    expect(message).toContain('externalAccess.clientCa: holds a PEM private key (redacted)');
    expect(message).toContain('[mesh/cluster01/api] namespace: a string with a PEM private key (');
    expect(message).not.toMatch(/FAKEKEY/);
    expect(show({ nested: [FAKE_KEY], [FAKE_KEY]: 1 })).toBe('{"nested":["[redacted]"],"[redacted]":1}');
  });

  test('an object over 1 MiB is a synth error naming the object and the intent that makes it large', () => {
    const { app, c1 } = newMesh({ checkManifests: false });
    const web = new InboundService(c1, 'web', { port: 80, protocol: 'HTTP' });
    for (let i = 0; i < 40; i++) {
      new ServiceAccessPolicy(web, `p${i}`, { principal: `cluster.local/ns/default/sa/client-${i}`, rules: [{ methods: ['GET'], paths: Array.from({ length: 300 }, (_, k) => `/${'x'.repeat(80)}/${k}`) }] });
    }
    expect(synthError(app)).toMatch(/^Validation failed with the following errors:\n {2}\[mesh\/cluster01\/web\] object AuthorizationPolicy default\/web \(cluster cluster01\) is \d+ bytes, over the 1048576-byte limit per object \(Kubernetes stores at most about 1\.5 MiB\); its largest part is spec\.rules \(40 entries\), \d+ bytes$/);
    expect(() => synthClusters(newMesh({ checkManifests: false }).app)).not.toThrow();
  });
});

test('an OpenPGP private key block counts as key material too: refused and redacted', () => {
  const { containsPrivateKey, redactSecrets } = require('../src/problems') as typeof import('../src/problems');
  const pgp = ['-----BEGIN PGP PRIVATE', ' KEY BLOCK-----\n', FAKE_KEY_BODY, '\n-----END PGP PRIVATE', ' KEY BLOCK-----'].join('');
  expect(containsPrivateKey(`note: ${pgp}`)).toBe(true);
  expect(redactSecrets(`before ${pgp} after`)).toBe('before [PEM private key redacted] after');
});
