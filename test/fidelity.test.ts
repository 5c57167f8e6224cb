/**
 * Issue 10 at the construct level: what cannot work is a synth error, what cannot hold is a
 * synth warning that reaches the user through the API, `cdk8s synth` (stderr) and the CLI,
 * and `strict` turns warnings into errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClientCertificateAuthority, ExternalAccess, InboundService, LoadBalancer, ServiceClient, synthWarnings, TlsCredential, withWarningSink } from '../src';
import { main } from '../src/cli';
import { find, newMesh, synth, synthError } from './support/synth';

const COOKIE_WARNING = '[mesh/cluster02/web] trafficPolicy.loadBalancer: consistent hashing by cookie cannot hold for callers in other clusters '
  + '(cluster01/default): the east-west gateway forwards their TLS connection and balances per TCP connection';

function cookieMesh(meshProps: Parameters<typeof newMesh>[0] = {}) {
  const { app, mesh } = newMesh(meshProps);
  const web = new InboundService(mesh.cluster('cluster02'), 'web', {
    protocol: 'HTTP', port: 80, trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'session' }) },
  });
  web.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'ui'));
  return { app, mesh };
}

describe('#7 warnings reach the user', () => {
  test('through the API: Mesh.warnings() and synthWarnings(app), one line naming the construct, the setting and why', () => {
    const { app, mesh } = cookieMesh();
    expect(mesh.warnings()).toEqual([COOKIE_WARNING]);
    expect(synthWarnings(app)).toEqual([COOKIE_WARNING]);
  });

  test('through cdk8s synth: printed to stderr once per synth, and the output is still written', () => {
    const { app } = cookieMesh();
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    try {
      synth(app);
      synth(app); // nothing changed: not printed again
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual([`warning: ${COOKIE_WARNING}\n`]);
  });

  test('a warning sink collects them instead (what the CLI does)', () => {
    const { app } = cookieMesh();
    const lines: string[] = [];
    withWarningSink((l) => lines.push(l), () => synth(app));
    expect(lines).toEqual([COOKIE_WARNING]);
  });

  test('strict: true makes them errors, at the construct they are about, and nothing is synthesized', () => {
    const { app } = cookieMesh({ strict: true });
    expect(synthError(app)).toBe(`Validation failed with the following errors:\n  ${COOKIE_WARNING} (a warning; strict: true makes it an error)`);
  });

  test('strict must be a boolean', () => {
    const { app } = newMesh({ strict: 'yes' as any });
    expect(synthError(app)).toMatch(/^  \[mesh\] strict: "yes" is not true or false$/m);
  });
});

describe('#7 warnings in the CLI', () => {
  const bundle = `logicalCloud:
  name: lc1
  clusters:
    - { name: cluster01, eastWestGateway: { address: 192.0.2.10 } }
    - { name: cluster02, eastWestGateway: { address: 192.0.2.20 } }
placement: { web: [cluster02], ui: [cluster01] }
inboundServices:
  - metadata: { name: web }
    spec: { application: web, protocol: HTTP, port: 80, loadBalancing: { mode: CONSISTENT_HASH, httpHeaderName: x-user } }
clients:
  - { inboundService: web, metadata: { name: ui, application: ui } }
`;
  const run = (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = main(['node', 'cdk8s-istio-intents', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, out, err };
  };

  test('printed after the output is written; --strict reports them as problems and writes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-'));
    try {
      const file = path.join(dir, 'bundle.yaml');
      fs.writeFileSync(file, bundle);
      const ok = run('synth', file, '--out', path.join(dir, 'out'), '--quiet');
      expect(ok.status).toBe(0);
      expect(ok.err).toEqual([expect.stringMatching(/^warning: \[lc1\/cluster02\/inbound:web\] trafficPolicy\.loadBalancer: consistent hashing by header cannot hold/)]);
      const strict = run('synth', file, '--out', path.join(dir, 'strict'), '--strict');
      expect(strict.status).toBe(1);
      expect(strict.err[0]).toBe(`${file}: 1 warning (--strict), nothing written:`);
      expect(fs.existsSync(path.join(dir, 'strict'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors for what cannot work', () => {
  test('#2 a headless service in more than one cluster', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'kafka', {
      protocol: 'TCP', port: 9092, headless: true, instances: 3, serviceAccount: 'kafka', additionalClusters: [mesh.cluster('cluster01')],
    });
    expect(synthError(app)).toMatch(/^  \[mesh\/cluster02\/kafka\] additionalClusters: a headless service cannot run in more than one cluster \(it runs in cluster02, cluster01\)/m);
  });

  test('#4 a headless service with a sidecar names its service account (its peers are admitted by it)', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'kafka', { protocol: 'TCP', port: 9092, headless: true, instances: 3 });
    expect(synthError(app)).toMatch(/^  \[mesh\/cluster02\/kafka\] serviceAccount: is required for a headless service with a sidecar/m);
  });

  test('#13 federated: a caller\'s cluster runs a Kubernetes Service with the same host (another intent)', () => {
    const { app, mesh } = newMesh();
    const remote = new InboundService(mesh.cluster('cluster02'), 'web', { protocol: 'HTTP', port: 80 });
    new InboundService(mesh.cluster('cluster01'), 'web-here', { serviceName: 'web', protocol: 'HTTP', port: 80 });
    remote.allowFrom(new ServiceClient(mesh.cluster('cluster01'), 'ui', { namespace: 'apps' }));
    expect(synthError(app)).toMatch(/^  \[mesh\/cluster02\/web\] serviceName: "web" in namespace "default" is called from cluster cluster01, where mesh\/cluster01\/web-here runs a Kubernetes Service with the same host/m);
  });
});

describe('#5 external hosts sharing a credential', () => {
  const simple = (host: string, credential = 'shop-cert') => ExternalAccess.simple({ host, credential: TlsCredential.fromSecret(credential) });

  test('share one server of one ingress Gateway (no IST0138 pair of Gateways)', () => {
    const { app, mesh } = newMesh();
    for (const n of ['web', 'api']) new InboundService(mesh.cluster('cluster02'), n, { protocol: 'HTTP', port: 80, externalAccess: simple(`${n}.example.com`) });
    new InboundService(mesh.cluster('cluster02'), 'admin', { protocol: 'HTTP', port: 80, externalAccess: simple('admin.example.com', 'admin-cert') });
    const out = synth(app).cluster02;
    expect(out.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.name)).toEqual(['lc1-ingress']);
    expect(find(out, 'Gateway', 'lc1-ingress').spec.servers.map((s: any) => [s.tls.credentialName, s.hosts])).toEqual([
      ['admin-cert', ['default/admin.example.com']],
      ['shop-cert', ['default/api.example.com', 'default/web.example.com']],
    ]);
    expect(find(out, 'VirtualService', 'api-ingress').spec.gateways).toEqual(['istio-system/lc1-ingress']);
  });

  test('in different TLS modes on one port: warned (they cannot share a server)', () => {
    const { app, mesh } = newMesh();
    new InboundService(mesh.cluster('cluster02'), 'web', { protocol: 'HTTP', port: 80, externalAccess: simple('web.example.com') });
    new InboundService(mesh.cluster('cluster02'), 'api', {
      protocol: 'HTTP', port: 80,
      externalAccess: ExternalAccess.mutual({ host: 'api.example.com', credential: TlsCredential.fromSecret('shop-cert'), clientCa: ClientCertificateAuthority.inCredentialSecret() }),
    });
    expect(synthWarnings(app)).toEqual([expect.stringMatching(
      /^\[mesh\/cluster02\/api\] externalAccess: shares credential "shop-cert" on port 443 of cluster cluster02's ingress gateway with mesh\/cluster02\/web in another mode/)]);
  });
});

test('a headless service whose ports share a container port is an error (instances are dialled on the container port)', () => {
  const { app, mesh } = newMesh();
  new InboundService(mesh.cluster('cluster02'), 'kafka', {
    headless: true, instances: 2, serviceAccount: 'kafka',
    ports: [{ port: 9092, targetPort: 9000, protocol: 'TCP' }, { port: 9093, targetPort: 9000, protocol: 'TCP' }],
  });
  expect(synthError(app)).toContain('[mesh/cluster02/kafka] ports: 9000 is the container port of both port 9092 and port 9093');
});
