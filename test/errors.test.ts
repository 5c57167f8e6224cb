import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Duration } from 'cdk8s';
import {
  ClientCertificateAuthority, ExternalAccess, InboundService, InboundServiceProps, LoadBalancer, Mesh, MeshApp, MeshProps,
  ServiceAccessPolicy, ServiceClient, TlsCredential,
} from '../src';
import { find, newMesh, synth, synthError, TWO_CLUSTERS } from './support/synth';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n';

/** A mesh whose cluster02 runs `httpbin` with the given props (plus a valid HTTP port). */
function service(props: Record<string, unknown>, meshProps: Partial<MeshProps> = {}): App {
  const { app, mesh } = newMesh(meshProps);
  new InboundService(mesh.cluster('cluster02'), 'httpbin', { protocol: 'HTTP', port: 8000, ...props } as InboundServiceProps);
  return app;
}

function mesh(props: Record<string, unknown>): App {
  const app = new App();
  new Mesh(app, 'mesh', { clusters: TWO_CLUSTERS, ...props } as MeshProps);
  return app;
}

/** httpbin in cluster02 plus a client in cluster01; `act` adds the mistake. */
function withClient(act: (s: InboundService, c: ServiceClient, m: Mesh) => void, props: Partial<InboundServiceProps> = {}, meshProps: Partial<MeshProps> = {}): App {
  const { app, mesh: m } = newMesh(meshProps);
  const s = new InboundService(m.cluster('cluster02'), 'httpbin', { protocol: 'HTTP', port: 8000, ...props });
  const c = new ServiceClient(m.cluster('cluster01'), 'sleep');
  act(s, c, m);
  return app;
}

const tcp = { protocol: 'TCP', port: 9000 } as const;
const any = (v: unknown) => v as any;

// [description, build, expected message line]
const cases: Array<[string, () => App, RegExp]> = [
  // ── mesh topology ──
  ['mesh name not a DNS label', () => mesh({ name: 'Logical_Cloud' }), /^  \[mesh\] name: "Logical_Cloud" is not a DNS-1123 label/m],
  ['malformed trust domain', () => mesh({ trustDomain: 'Cluster Local' }), /^  \[mesh\] trustDomain: "Cluster Local" is not a trust domain/m],
  ['unknown discovery mode', () => mesh({ discovery: 'primary-remote' }), /^  \[mesh\] discovery: "primary-remote" is not a discovery mode \("federated" or "multi-primary"\)/m],
  ['malformed VIP range', () => mesh({ vipRange: '240.240.0.0/33' }), /^  \[mesh\] vipRange: "240.240.0.0\/33" is not a CIDR block inside 240.0.0.0\/4/m],
  ['no clusters', () => mesh({ clusters: [] }), /^  \[mesh\] clusters: \[\] must list at least one cluster/m],
  ['cluster declared twice', () => mesh({ clusters: [{ name: 'a' }, { name: 'a' }] }), /^  \[mesh\] clusters\[1\]\.name: "a" is declared twice/m],
  ['cluster name not a DNS label', () => mesh({ clusters: [{ name: 'Cluster 1' }] }), /^  \[mesh\] clusters\[0\]\.name: "Cluster 1" is not a DNS-1123 label/m],
  ['east-west address neither IP nor FQDN', () => mesh({ clusters: [{ name: 'a', eastWestGateway: { address: 'gateway' } }] }), /^  \[mesh\] clusters\[0\]\.eastWestGateway\.address: "gateway" is neither an IP address nor a fully qualified DNS name/m],
  ['east-west port out of range', () => mesh({ clusters: [{ name: 'a', eastWestGateway: { port: 70000 } }] }), /^  \[mesh\] clusters\[0\]\.eastWestGateway\.port: 70000 is not a port \(1-65535\)/m],
  ['mesh-TLS port equal to passthrough port', () => mesh({ clusters: [{ name: 'a', eastWestGateway: { meshTlsPort: 15443 } }] }), /meshTlsPort: 15443 collides with the passthrough port 15443/],
  ['gateway selector with a wildcard value', () => mesh({ clusters: [{ name: 'a', eastWestGateway: { selector: { istio: '*' } } }] }), /eastWestGateway\.selector\.istio: "\*" is not a label value/],
  ['gateway selector empty', () => mesh({ clusters: [{ name: 'a', ingressGateway: { selector: {} } }] }), /ingressGateway\.selector: \{\} is not a non-empty map of labels/],
  ['ingress namespace invalid', () => mesh({ clusters: [{ name: 'a', ingressGateway: { namespace: 'Ingress' } }] }), /ingressGateway\.namespace: "Ingress" is not a namespace name/],
  ['root namespace invalid', () => mesh({ clusters: [{ name: 'a', rootNamespace: 'istio_system' }] }), /clusters\[0\]\.rootNamespace: "istio_system" is not a namespace name/],
  ['network invalid', () => mesh({ clusters: [{ name: 'a', network: 'net work' }] }), /clusters\[0\]\.network: "net work" is not a network name/],

  // ── ports and protocols ──
  ['port out of range', () => service({ port: 70000 }), /^  \[mesh\/cluster02\/httpbin\] port: 70000 is not a port \(1-65535\)$/m],
  ['port zero', () => service({ port: 0 }), /^  \[mesh\/cluster02\/httpbin\] port: 0 is not a port \(1-65535\)$/m],
  ['port not a number', () => service({ port: '8000' }), /^  \[mesh\/cluster02\/httpbin\] port: "8000" is not a port \(1-65535\)$/m],
  ['target port negative', () => service({ targetPort: -1 }), /^  \[mesh\/cluster02\/httpbin\] targetPort: -1 is not a port/m],
  ['port missing', () => service({ port: undefined }), /^  \[mesh\/cluster02\/httpbin\] port: is required \(the port clients call through the mesh\), or give ports$/m],
  ['unknown protocol', () => service({ protocol: 'SCTP' }), /^  \[mesh\/cluster02\/httpbin\] protocol: "SCTP" is not a supported protocol \(HTTP, HTTP2, GRPC, TCP, TLS; any case\)$/m],
  ['protocol missing', () => service({ protocol: undefined }), /^  \[mesh\/cluster02\/httpbin\] protocol: is required for port 8000/m],
  ['port and ports together', () => service({ ports: [{ port: 1, protocol: 'TCP' }] }), /ports: is given together with port\/targetPort/],
  ['empty port list', () => service({ port: undefined, ports: [] }), /ports: \[\] is not a non-empty list of ports/],
  ['colliding port numbers', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP' }, { port: 80, protocol: 'TCP' }] }), /ports\[1\]\.port: 80 collides with port 80 \("http-80"\)/],
  ['colliding port names', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP', name: 'http' }, { port: 81, protocol: 'HTTP', name: 'http' }] }), /ports\[1\]\.port: 81 collides with port 80 \("http"\)/],
  ['port name without its protocol', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP', name: 'web' }] }), /ports\[0\]\.name: "web" does not start with its protocol "http" \(.*IST0118\)/],
  ['port name not a DNS label', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP', name: 'http_80' }] }), /ports\[0\]\.name: "http_80" is not a port name/],

  // ── names ──
  ['intent name not DNS-1123', () => service({ name: 'HttpBin' }), /^  \[mesh\/cluster02\/httpbin\] name: "HttpBin" is not a DNS-1123 label/m],
  ['intent name too long', () => service({ name: 'a'.repeat(51) }), /name: "a{51}" is not a DNS-1123 label of at most 50 characters/],
  ['namespace not DNS-1123', () => service({ namespace: 'Default' }), /namespace: "Default" is not a namespace name \(DNS-1123 label\)/],
  ['service name not DNS-1123', () => service({ serviceName: 'http.bin' }), /serviceName: "http.bin" is not a Kubernetes Service name/],
  ['service mesh other than istio', () => service({ serviceMesh: 'linkerd' }), /serviceMesh: "linkerd" is not supported \(only "istio"\)/],
  ['application not a label value', () => service({ application: 'my app' }), /application: "my app" is not a label value/],
  ['user data key not an annotation name', () => service({ userData: { 'user data': 'x' } }), /userData: "user data" is not an annotation name/],
  ['workload labels empty', () => service({ workloadLabels: {} }), /workloadLabels: \{\} is not a non-empty map of labels/],
  ['workload label value invalid', () => service({ workloadLabels: { app: 'has space' } }), /workloadLabels\.app: "has space" is not a label value/],

  // ── headless ──
  ['headless without an instance count', () => service({ headless: true }), /instances: undefined is required for a headless service: the number of instances \(1-1000\)/],
  ['instances without headless', () => service({ instances: 3 }), /instances: 3 is only meaningful for a headless service/],

  // ── durations, timeouts, retries ──
  ['malformed duration', () => service({ timeout: '10 seconds' }), /timeout: "10 seconds" is not a duration \(write a number with a unit/],
  ['duration under 1ms', () => service({ timeout: '500us' }), /timeout: "500us" is shorter than Istio allows \(at least 1ms\)/],
  ['zero duration', () => service({ trafficPolicy: { outlierDetection: { interval: '0s' } } }), /trafficPolicy\.outlierDetection\.interval: "0s" is shorter than Istio allows/],
  ['sub-millisecond precision', () => service({ trafficPolicy: { connectionPool: { connectTimeout: '1.5ms' } } }), /connectTimeout: "1.5ms" is finer than Istio allows \(whole milliseconds\)/],
  ['bare number duration', () => service({ trafficPolicy: { outlierDetection: { baseEjectionTime: any(15) } } }), /baseEjectionTime: 15 is ambiguous without a unit \(write "15s", "15m"/],
  ['timeout on a TCP service', () => service({ ...tcp, timeout: '1s' }), /timeout: needs an HTTP, HTTP2 or GRPC port; 9000\/TCP cannot carry timeouts or retries/],
  ['retries on a TCP service', () => service({ ...tcp, retries: { attempts: 2 } }), /retries: needs an HTTP, HTTP2 or GRPC port/],
  ['negative retry attempts', () => service({ retries: { attempts: -1 } }), /retries\.attempts: -1 is not a count of attempts/],
  ['unknown retry condition', () => service({ retries: { attempts: 1, retryOn: ['5xx', 'sometimes'] } }), /retries\.retryOn: "sometimes" is not a retry condition/],
  ['retry settings with zero attempts', () => service({ retries: { attempts: 0, perTryTimeout: '1s' } }), /retries: sets perTryTimeout or retryOn with attempts 0/],

  // ── traffic policy ──
  ['max ejection percent over 100', () => service({ trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } } }), /trafficPolicy\.outlierDetection\.maxEjectionPercent: 150 is not a percentage \(a whole number from 0 to 100\)/],
  ['negative pool size', () => service({ trafficPolicy: { connectionPool: { maxConnections: -10 } } }), /trafficPolicy\.connectionPool\.maxConnections: -10 is not a count/],
  ['fractional pool size', () => service({ trafficPolicy: { connectionPool: { http2MaxRequests: 1.5 } } }), /http2MaxRequests: 1.5 is not a count/],
  ['negative consecutive errors', () => service({ trafficPolicy: { outlierDetection: { consecutive5xxErrors: -1 } } }), /consecutive5xxErrors: -1 is not a count/],
  ['consistent-hash cookie without a name', () => service({ trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie(any({ ttl: '1h' })) } }), /trafficPolicy\.loadBalancer\.httpCookie\.name: undefined is not a cookie name \(required/],
  ['cookie path not starting with /', () => service({ trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'c', path: 'api' }) } }), /httpCookie\.path: "api" is not a path/],
  ['header hash with an empty header name', () => service({ trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByHeader('') } }), /loadBalancer\.httpHeaderName: "" is not a header or parameter name/],
  ['cookie hash on a TCP service', () => service({ ...tcp, trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'c' }) } }), /trafficPolicy\.loadBalancer: hashes on a cookie, header or query parameter, which a TCP\/TLS service does not have/],
  ['two load-balancer kinds at once (untyped input)', () => service({ trafficPolicy: { loadBalancer: any({ simple: 'RANDOM', consistentHash: {} }) } }), /trafficPolicy\.loadBalancer: \{"simple":"RANDOM","consistentHash":\{\}\} is not a LoadBalancer/],
  ['HTTP pool limits on a TCP service', () => service({ ...tcp, trafficPolicy: { connectionPool: { http2MaxRequests: 10 } } }), /trafficPolicy\.connectionPool: sets HTTP limits/],
  ['empty connection pool', () => service({ trafficPolicy: { connectionPool: {} } }), /trafficPolicy\.connectionPool: is empty/],
  ['empty outlier detection', () => service({ trafficPolicy: { outlierDetection: {} } }), /trafficPolicy\.outlierDetection: is empty/],
  ['misspelled traffic-policy field (the seed\'s loadbalancer)', () => service({ trafficPolicy: any({ loadbalancer: LoadBalancer.random() }) }), /trafficPolicy\.loadbalancer: .* is not a known setting \(did you mean "loadBalancer"\?\); allowed: loadBalancer, connectionPool, outlierDetection/],
  ['misspelled pool field', () => service({ trafficPolicy: { connectionPool: any({ maxConnection: 10 }) } }), /trafficPolicy\.connectionPool\.maxConnection: 10 is not a known setting/],

  // ── namespaces, sidecar ──
  ['allowed namespace invalid', () => service({ allowedNamespaces: ['ok', 'Not OK'] }), /allowedNamespaces\[1\]: "Not OK" is not a namespace name/],
  ['load balancing without a sidecar', () => service({ sidecar: false, trafficPolicy: { loadBalancer: LoadBalancer.random() } }), /trafficPolicy\.loadBalancer: needs the Istio sidecar; this service has sidecar: false/],
  ['circuit breaking without a sidecar', () => service({ sidecar: false, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1 } } }), /trafficPolicy\.outlierDetection: needs the Istio sidecar/],
  ['allowed namespaces without a sidecar', () => service({ sidecar: false, allowedNamespaces: ['a'] }), /allowedNamespaces: needs the Istio sidecar/],
  ['external access without a sidecar', () => service({ sidecar: false, externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromSecret('a') }) }), /externalAccess: needs the Istio sidecar/],
  ['sidecar not a boolean', () => service({ sidecar: any('no') }), /sidecar: "no" is not true or false/],

  // ── VIPs ──
  ['VIP not an address', () => service({ vip: '240.240.0' }), /vip: "240.240.0" is not an IPv4 address/],
  ['VIP outside the range', () => service({ vip: '10.0.0.1' }), /vip: "10.0.0.1" is outside the mesh's VIP range 241.0.0.0\/8/],
  ['VIP range exhausted', () => {
    const { app, mesh: m } = newMesh({ vipRange: '240.240.0.0/30' });
    for (const n of ['a', 'b', 'c']) new InboundService(m.cluster('cluster02'), n, tcp);
    return app;
  }, /^  \[mesh\] vipRange: "240.240.0.0\/30" is exhausted: needs 3 addresses; the range has 2 \(use a larger range\)/m],
  ['VIP pinned twice', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { ...tcp, vip: '241.0.0.9' });
    new InboundService(m.cluster('cluster01'), 'b', { ...tcp, vip: '241.0.0.9' });
    return app;
  }, /^  \[mesh\/cluster01\/b\] vip: "241.0.0.9" is also pinned by mesh\/cluster02\/a/m],

  // ── external access ──
  ['external host not an FQDN', () => service({ externalAccess: ExternalAccess.simple({ host: 'httpbin', credential: TlsCredential.fromSecret('c') }) }), /externalAccess\.host: "httpbin" is not a fully qualified host name/],
  ['external port out of range', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', port: 0, credential: TlsCredential.fromSecret('c') }) }), /externalAccess\.port: 0 is not a port/],
  ['SIMPLE without a credential', () => service({ externalAccess: ExternalAccess.simple(any({ host: 'a.example.com' })) }), /externalAccess\.credential: undefined is required for SIMPLE \(TlsCredential\.fromSecret/],
  ['MUTUAL without a CA', () => service({ externalAccess: ExternalAccess.mutual(any({ host: 'a.example.com', credential: TlsCredential.fromSecret('c') })) }), /externalAccess\.clientCa: undefined is required for MUTUAL/],
  ['credential secret name invalid', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromSecret('My Cert') }) }), /externalAccess\.credential\.secretName: "My Cert" is not a Secret name/],
  ['private key without its certificate', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromPem('c', { certificate: '', privateKey: KEY }) }) }), /externalAccess\.credential\.certificate: is missing: a private key was given without its certificate/],
  ['certificate without its private key', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromPem('c', { certificate: CERT, privateKey: '' }) }) }), /externalAccess\.credential\.privateKey: is missing or not PEM: a certificate needs its private key/],
  ['client CA not PEM', () => service({ externalAccess: ExternalAccess.mutual({ host: 'a.example.com', credential: TlsCredential.fromSecret('c'), clientCa: ClientCertificateAuthority.fromPem('ca') }) }), /externalAccess\.clientCa: "ca" is not a PEM CA certificate/],
  ['remote IP block malformed', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromSecret('c'), remoteIpBlocks: ['10.0.0.0/40'] }) }), /externalAccess\.remoteIpBlocks\[0\]: "10.0.0.0\/40" is not an IP address or CIDR block/],
  ['external access to one of several ports without choosing', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP' }, { port: 81, protocol: 'HTTP' }], externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromSecret('c') }) }), /externalAccess\.servicePort: is required: the service has several ports \(80, 81\)/],
  ['external access to a port the service lacks', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', servicePort: 9, credential: TlsCredential.fromSecret('c') }) }), /externalAccess\.servicePort: 9 is not a port of the service \(8000\)/],

  // ── placement ──
  ['additional cluster listed twice', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { ...tcp, additionalClusters: [m.cluster('cluster02')] });
    return app;
  }, /additionalClusters\[0\]: "cluster02" is listed twice/],
  ['additional cluster from another mesh', () => {
    const { app, mesh: m } = newMesh();
    const other = new Mesh(app, 'other', { clusters: [{ name: 'x' }] });
    new InboundService(m.cluster('cluster02'), 'a', { ...tcp, additionalClusters: [other.cluster('x')] });
    return app;
  }, /additionalClusters\[0\]: "other\/x" is not a cluster of this mesh/],
  ['two services with the same FQDN in one cluster', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { ...tcp, serviceName: 'db' });
    new InboundService(m.cluster('cluster02'), 'b', { ...tcp, serviceName: 'db' });
    return app;
  }, /^  \[mesh\/cluster02\/b\] serviceName: "db" in namespace "default" is also declared by mesh\/cluster02\/a in cluster cluster02/m],
  ['derived object names that collide (instance 0 of "a" and service "a-0")', () => {
    const { app, mesh: m } = newMesh();
    const a = new InboundService(m.cluster('cluster02'), 'a', { ...tcp, headless: true, instances: 2, serviceAccount: 'a' });
    const a0 = new InboundService(m.cluster('cluster02'), 'a-0', { ...tcp, port: 9001 });
    const c = new ServiceClient(m.cluster('cluster01'), 'c');
    c.connectTo(a);
    c.connectTo(a0);
    return app;
  }, /^  \[mesh\] cluster cluster01: ServiceEntry default\/a-0 would be rendered for both mesh\/cluster02\/a and mesh\/cluster02\/a-0 \(derived names collide: rename one of the intents\)/m],
  ['two services with the same external host and port', () => {
    const { app, mesh: m } = newMesh();
    for (const n of ['a', 'b']) new InboundService(m.cluster('cluster02'), n, { protocol: 'HTTP', port: 80, externalAccess: ExternalAccess.simple({ host: 'shop.example.com', credential: TlsCredential.fromSecret(`${n}-cert`) }) });
    return app;
  }, /^  \[mesh\/cluster02\/b\] externalAccess.host: "shop.example.com" on port 443 is also exposed by mesh\/cluster02\/a in a cluster both run in/m],
  ['service without a sidecar across networks in multi-primary mode', () => withClient((s, c) => s.allowFrom(c), { protocol: 'TCP', sidecar: false }, { discovery: 'multi-primary' }), /sidecar: a service without a sidecar cannot be reached across networks in multi-primary mode/],
  ['two services with the same intent name', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster01'), 'db', tcp);
    new InboundService(m.cluster('cluster02'), 'db', { ...tcp, namespace: 'other' });
    return app;
  }, /^  \[mesh\/cluster02\/db\] name: "db" is already the name of mesh\/cluster01\/db/m],

  // ── clients ──
  ['client namespace invalid', () => withClient((s, _c, m) => s.allowFrom(new ServiceClient(m.cluster('cluster01'), 'x', { namespace: 'A B' }))), /^  \[mesh\/cluster01\/x\] namespace: "A B" is not a namespace name/m],
  ['client service account invalid', () => withClient((s, _c, m) => s.allowFrom(new ServiceClient(m.cluster('cluster01'), 'x', { serviceAccount: 'SA!' }))), /^  \[mesh\/cluster01\/x\] serviceAccount: "SA!" is not a service account name/m],
  ['client of a service in another mesh', () => withClient((s, _c, m) => {
    const other = new Mesh(m.node.scope as App, 'other', { name: 'other', clusters: [{ name: 'x' }] });
    new ServiceClient(other.cluster('x'), 'stranger').connectTo(s);
  }), /^  \[other\/x\/stranger\] connectTo: "mesh\/cluster02\/httpbin" is a service of another mesh \("mesh"\)/m],
  ['remote client of a cluster without an east-west gateway address', () => withClient((s, c) => s.allowFrom(c), {}, { clusters: [{ name: 'cluster01' }, { name: 'cluster02' }] }),
    /^  \[mesh\/cluster02\/httpbin\] clusters: cluster02 has clients in cluster01, but cluster cluster02 has no eastWestGateway\.address/m],
  ['headless service across networks in multi-primary mode', () => withClient((s, c) => s.allowFrom(c), { headless: true, instances: 2, serviceAccount: 'httpbin' }, { discovery: 'multi-primary' }), /headless: instances of a headless service cannot be reached across networks in multi-primary mode/],
  ['headless service without a sidecar with remote clients', () => withClient((s, c) => s.allowFrom(c), { protocol: 'TCP', sidecar: false, headless: true, instances: 2 }), /headless: instances of a headless service without a sidecar cannot be addressed from other clusters/],
  ['multi-port service without a sidecar with remote clients', () => withClient((s, c) => s.allowFrom(c), { port: undefined, protocol: undefined, sidecar: false, ports: [{ port: 1, protocol: 'TCP' }, { port: 2, protocol: 'TCP' }] }), /ports: a service without a sidecar is reached from other clusters through its gateway's mesh-mTLS port, which carries one service port; this one has 2/],

  // ── JavaScript callers: wrong types and misspelled props never crash or vanish ──
  ['mesh props null', () => { const app = new App(); new Mesh(app, 'mesh', any(null)); return app; }, /^  \[mesh\] props: null is not an object/m],
  ['clusters not a list', () => mesh({ clusters: 'c1' }), /^  \[mesh\] clusters: "c1" must list at least one cluster/m],
  ['misspelled mesh prop', () => mesh({ trustdomain: 'x' }), /^  \[mesh\] trustdomain: "x" is not a known setting \(did you mean "trustDomain"\?\)/m],
  ['misspelled cluster prop (gateway address would vanish)', () => mesh({ clusters: [{ name: 'a', eastwestGateway: { address: '192.0.2.1' } }] }), /clusters\[0\]\.eastwestGateway: .* is not a known setting \(did you mean "eastWestGateway"\?\)/],
  ['east-west address not an IPv6 address either', () => mesh({ clusters: [{ name: 'a', eastWestGateway: { address: ':' } }] }), /eastWestGateway\.address: ":" is neither an IP address nor a fully qualified DNS name/],
  ['ingress service account invalid', () => mesh({ clusters: [{ name: 'a', ingressGateway: { serviceAccount: 'a..b' } }] }), /ingressGateway\.serviceAccount: "a\.\.b" is not a service account name/],
  ['VIP range outside 240.0.0.0/4', () => mesh({ vipRange: '10.0.0.0/8' }), /vipRange: "10\.0\.0\.0\/8" is not a CIDR block inside 240\.0\.0\.0\/4/],
  ['checkManifests not a boolean', () => mesh({ checkManifests: 'no' }), /checkManifests: "no" is not true or false/],
  ['misspelled service prop', () => service({ maxConnection: 10 }), /^  \[mesh\/cluster02\/httpbin\] maxConnection: 10 is not a known setting; allowed: name, serviceName/m],
  ['misspelled port prop', () => service({ port: undefined, ports: [{ port: 80, protocol: 'HTTP', target_port: 8080 }] }), /ports\[0\]\.target_port: 8080 is not a known setting \(did you mean "targetPort"\?\)/],
  ['traffic policy null', () => service({ trafficPolicy: null }), /trafficPolicy: null is not an object/],
  ['retries null', () => service({ retries: null }), /retries: null is not an object/],
  ['misspelled cookie option', () => service({ trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie(any({ name: 'c', domain: 'x' })) } }), /httpCookie\.domain: "x" is not a known setting/],
  ['duration that is not whole milliseconds', () => service({ timeout: Duration.millis(0.5) }), /timeout: .* is not a whole number of milliseconds/],
  ['additional clusters not a list', () => service({ additionalClusters: 'cluster01' }), /additionalClusters: "cluster01" is not a list of clusters/],
  ['headless not a boolean', () => service({ headless: 'false' }), /headless: "false" is not true or false/],
  ['service mesh not a string', () => service({ serviceMesh: ['istio'] }), /serviceMesh: \["istio"\] is not supported \(only "istio"\)/],
  ['user data not an object', () => service({ userData: 'abc' }), /userData: "abc" is not an object/],
  // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
  ['sparse namespace list', () => service({ allowedNamespaces: [, 'a'] }), /allowedNamespaces\[0\]: undefined is not a namespace name/],
  ['headless instance host label too long', () => service({ ...tcp, serviceName: 'a'.repeat(62), headless: true, instances: 12 }), /serviceName: "a{62}" is too long for a headless service: instance host label "a{62}-11" exceeds 63 characters/],
  ['misspelled external access option', () => service({ externalAccess: ExternalAccess.simple(any({ hosts: 'a.example.com', credential: TlsCredential.fromSecret('c') })) }), /externalAccess\.hosts: "a\.example\.com" is not a known setting \(did you mean "host"\?\)/],
  ['remote IP block that is not IPv6 either', () => service({ externalAccess: ExternalAccess.simple({ host: 'a.example.com', credential: TlsCredential.fromSecret('c'), remoteIpBlocks: ['abc:'] }) }), /remoteIpBlocks\[0\]: "abc:" is not an IP address or CIDR block/],
  ['allowFrom something that is not a client', () => withClient((s) => s.allowFrom(any('sleep'))), /^  \[mesh\/cluster02\/httpbin\] allowFrom: "sleep" is not a ServiceClient/m],
  ['connectTo something that is not a service', () => withClient((_s, c) => c.connectTo(any(null))), /^  \[mesh\/cluster01\/sleep\] connectTo: null is not an InboundService/m],
  ['misspelled client prop', () => withClient((s, _c, m) => s.allowFrom(new ServiceClient(m.cluster('cluster01'), 'x', any({ serviceaccount: 'x' })))), /\[mesh\/cluster01\/x\] serviceaccount: "x" is not a known setting \(did you mean "serviceAccount"\?\)/],
  ['misspelled access policy prop', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', any({ client: c, rules: [{ paths: ['/'] }], action: 'DENY' }))), /\[mesh\/cluster02\/httpbin\/p\] action: "DENY" is not a known setting/],
  ['a rule that is a list', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [any([])] })), /rules\[0\]: \[\] is not a rule/],

  // ── access policies ──
  ['methods on a TCP service', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ methods: ['GET'] }] }), tcp), /^  \[mesh\/cluster02\/httpbin\/p\] rules\[0\]: names methods or paths, which never match on 9000\/TCP \(only HTTP, HTTP2 and GRPC carry them\)/m],
  ['unknown HTTP method', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ methods: any(['FETCH']) }] })), /rules\[0\]\.methods: "FETCH" is not an HTTP method \(GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE\)/],
  ['path not starting with /', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ paths: ['status'] }] })), /rules\[0\]\.paths: "status" is not a path/],
  ['wildcards at both ends of a path', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ paths: ['*abc*'] }] })), /rules\[0\]\.paths: "\*abc\*" is not a path/],
  ['wildcard in the middle of a path', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ paths: ['/a/*/b'] }] })), /rules\[0\]\.paths: "\/a\/\*\/b" is not a path/],
  ['empty rule list', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [] })), /rules: \[\] is not a non-empty list of rules/],
  ['empty method list', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ methods: [] }] })), /rules\[0\]\.methods: \[\] is not a non-empty list of HTTP methods/],
  ['unknown rule field', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [any({ method: 'GET' })] })), /rules\[0\]\.method: "GET" is not a rule field \(methods, paths\)/],
  ['malformed principal', () => withClient((s) => new ServiceAccessPolicy(s, 'p', { principal: 'sleep', rules: [{ paths: ['/'] }] })), /principal: "sleep" is not a principal \("<trustDomain>\/ns\/<namespace>\/sa\/<serviceAccount>"\)/],
  ['principal from another trust domain', () => withClient((s) => new ServiceAccessPolicy(s, 'p', { principal: 'other.org/ns/a/sa/b', rules: [{ paths: ['/'] }] })), /principal: "other.org\/ns\/a\/sa\/b" is in trust domain "other.org", not the mesh's "cluster.local"/],
  ['access rules without mesh mTLS (no sidecar)', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, rules: [{ paths: ['/'] }] }), { sidecar: false }), /rules: need the Istio sidecar on mesh\/cluster02\/httpbin \(it has sidecar: false\)/],
  ['client and principal both', () => withClient((s, c) => new ServiceAccessPolicy(s, 'p', { client: c, principal: 'cluster.local/ns/a/sa/b', rules: [{ paths: ['/'] }] })), /client: is given together with principal \(give one\)/],
  ['neither client nor principal', () => withClient((s) => new ServiceAccessPolicy(s, 'p', { rules: [{ paths: ['/'] }] })), /client: is required \(or principal\): whom the rules apply to/],
];

describe('bad input fails synth with a clear message', () => {
  test(`covers at least 60 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(60));

  test.each(cases)('%s', (_title, build, expected) => {
    const message = synthError(build());
    expect(message).toMatch(expected);
    // Every error line names a construct path in brackets.
    for (const line of message.split('\n').slice(1)) expect(line).toMatch(/^ {2}\[[^\]]*\] \S/);
  });
});

describe('errors that cannot wait for synth throw at once', () => {
  test('a cluster referenced but not declared', () => {
    const { mesh: m } = newMesh();
    expect(() => m.cluster('cluster09')).toThrow('[mesh] cluster: "cluster09" is not declared in this mesh (declared: cluster01, cluster02)');
  });

  test('an intent declared outside a mesh cluster', () => {
    const app = new App();
    expect(() => new ServiceClient(app as any, 'lost')).toThrow(/^\[lost\] scope: "lost" is not inside a mesh cluster/);
  });
});

describe('reporting', () => {
  test('all errors of one synth are reported together', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { protocol: 'SCTP', port: 70000, namespace: 'Bad' });
    new ServiceClient(m.cluster('cluster01'), 'b', { serviceAccount: 'X' });
    const message = synthError(app);
    expect(message.split('\n').slice(1).sort()).toEqual([
      '  [mesh/cluster01/b] serviceAccount: "X" is not a service account name (DNS-1123 subdomain)',
      '  [mesh/cluster02/a] namespace: "Bad" is not a namespace name (DNS-1123 label)',
      '  [mesh/cluster02/a] port: 70000 is not a port (1-65535)',
      '  [mesh/cluster02/a] protocol: "SCTP" is not a supported protocol (HTTP, HTTP2, GRPC, TCP, TLS; any case)',
    ]);
  });

  test('nothing is written when synth fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nothing-'));
    try {
      const app = new MeshApp({ outdir: dir });
      const m = new Mesh(app, 'mesh', { clusters: TWO_CLUSTERS });
      new InboundService(m.cluster('cluster01'), 'ok', tcp);
      new InboundService(m.cluster('cluster02'), 'bad', { ...tcp, port: -1 });
      expect(() => app.synth()).toThrow(/port: -1 is not a port/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two objects that would be written to one file', () => {
    const { app, mesh: m } = newMesh();
    for (const id of ['one', 'two']) new ApiObject(m.cluster('cluster01'), id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'default' } });
    expect(synthError(app)).toBe('Synthesis failed with the following errors:\n  cluster cluster01: ConfigMap default/same and ConfigMap default/same would both be written to configmap.default.same.yaml');
  });

  test('a user object that clashes with a generated one is caught by the analyzer', () => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'httpbin', { protocol: 'HTTP', port: 8000 }).allowFrom(new ServiceClient(m.cluster('cluster02'), 'local'));
    new ApiObject(m.cluster('cluster02'), 'mine', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'mine', namespace: 'default' }, spec: { host: 'httpbin.default.svc.cluster.local' } });
    expect(synthError(app)).toMatch(/\[mesh\] cluster cluster02: INTENTS DestinationRule\/default\/mine: is a second DestinationRule for host "httpbin.default.svc.cluster.local" visible to the same namespaces as DestinationRule\/default\/httpbin/);
  });
});

describe('tolerated input', () => {
  test.each(['1.001s', '1.015s', '0.5s', '1h30m', '250ms'])('exact decimal durations: %s', (timeout) => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { protocol: 'HTTP', port: 80, timeout }).allowFrom(new ServiceClient(m.cluster('cluster02'), 'local'));
    const expected: Record<string, string> = { '1.001s': '1001ms', '1.015s': '1015ms', '0.5s': '500ms', '1h30m': '90m', '250ms': '250ms' };
    expect(find(synth(app).cluster02, 'VirtualService', 'a').spec.http[0].timeout).toBe(expected[timeout]);
  });

  test.each(['http', 'Http', 'HTTP'])('protocol %s in any case', (protocol) => {
    const { app, mesh: m } = newMesh();
    new InboundService(m.cluster('cluster02'), 'a', { protocol, port: 80 }).allowFrom(new ServiceClient(m.cluster('cluster02'), 'local'));
    expect(find(synth(app).cluster02, 'DestinationRule', 'a')).toBeDefined();
    expect(synth(app).cluster02.length).toBe(3);
  });
});
