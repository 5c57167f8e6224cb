/**
 * Three clusters showing the less common shapes:
 * - a headless (stateful) service, `kafka`, with 3 instances in cluster02, each instance
 *   reachable from a consumer in cluster01;
 * - `payments`, HTTP, exposed to clients outside the mesh with MUTUAL TLS through cluster02's
 *   ingress gateway (certificate and client CA from Secrets), with timeouts and retries;
 * - `catalog`, HTTP, exposed with SIMPLE TLS on cluster03's ingress gateway, running in two
 *   clusters, called from cluster01;
 * - `legacy-db`, TCP, a workload without a sidecar in cluster03, reached from cluster01
 *   through cluster03's gateway, which terminates mesh mTLS for it.
 */
import { App, Duration } from 'cdk8s';
import {
  ClientCertificateAuthority, ExternalAccess, InboundService, LoadBalancer, Mesh, ServiceAccessPolicy, ServiceClient, TlsCredential,
} from '../src';

export function statefulEdge(app: App): Mesh {
  const mesh = new Mesh(app, 'mesh', {
    name: 'edge',
    trustDomain: 'example.org',
    clusters: [
      { name: 'cluster01', network: 'west', eastWestGateway: { address: '192.0.2.10' } },
      { name: 'cluster02', network: 'central', eastWestGateway: { address: 'eastwest.cluster02.example.com' } },
      { name: 'cluster03', network: 'east', eastWestGateway: { address: '192.0.2.30' }, ingressGateway: { serviceAccount: 'istio-ingressgateway' } },
    ],
  });
  const [c1, c2, c3] = ['cluster01', 'cluster02', 'cluster03'].map((n) => mesh.cluster(n));

  const kafka = new InboundService(c2, 'kafka', {
    namespace: 'streaming',
    protocol: 'TCP',
    port: 9092,
    headless: true,
    instances: 3,
    serviceAccount: 'kafka',
    trafficPolicy: { connectionPool: { maxConnections: 100 } },
  });
  const payments = new InboundService(c2, 'payments', {
    namespace: 'shop',
    ports: [{ port: 8080, protocol: 'http' }, { port: 9090, protocol: 'grpc' }],
    timeout: Duration.seconds(5),
    retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: ['5xx', 'connect-failure'] },
    trafficPolicy: { loadBalancer: LoadBalancer.leastRequest(), outlierDetection: { consecutive5xxErrors: 5, maxEjectionPercent: 50 } },
    externalAccess: ExternalAccess.mutual({
      host: 'payments.example.com',
      servicePort: 8080,
      credential: TlsCredential.fromSecret('payments-cert'),
      clientCa: ClientCertificateAuthority.inCredentialSecret(),
      remoteIpBlocks: ['203.0.113.0/24'],
    }),
  });
  const catalog = new InboundService(c3, 'catalog', {
    namespace: 'shop',
    protocol: 'HTTP',
    port: 80,
    targetPort: 8080,
    additionalClusters: [c2],
    externalAccess: ExternalAccess.simple({ host: 'catalog.example.com', credential: TlsCredential.fromSecret('catalog-cert') }),
    allowedNamespaces: ['shop'],
  });
  const legacy = new InboundService(c3, 'legacy-db', { namespace: 'legacy', protocol: 'TCP', port: 5432, sidecar: false });

  const consumer = new ServiceClient(c1, 'consumer', { namespace: 'streaming', serviceAccount: 'consumer' });
  const web = new ServiceClient(c1, 'web', { namespace: 'shop' });
  consumer.connectTo(kafka);
  web.connectTo(catalog);
  web.connectTo(legacy);
  new ServiceAccessPolicy(payments, 'web-access', { client: web, rules: [{ methods: ['POST'], paths: ['/charge'] }, { methods: ['GET'], paths: ['/charges/*'] }] });
  return mesh;
}
