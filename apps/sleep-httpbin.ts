/**
 * The seed's security example: httpbin (HTTP, mesh port 8000 → container port 80) runs in
 * cluster02; sleep in cluster01 may only `GET /status` and `GET /headers`. Circuit breaking
 * and load balancing as the seed's DestinationRule asks: maxConnections 10, baseEjectionTime
 * 15m, intervalSweep 5m, connectTimeout 10s, consistent hash on cookie "user1".
 */
import { App, Duration } from 'cdk8s';
import { InboundService, LoadBalancer, Mesh, ServiceAccessPolicy, ServiceClient } from '../src';

export function sleepHttpbin(app: App): Mesh {
  const mesh = new Mesh(app, 'mesh', {
    name: 'lc1',
    clusters: [
      { name: 'cluster01', network: 'network1', eastWestGateway: { address: '192.0.2.10' } },
      { name: 'cluster02', network: 'network2', eastWestGateway: { address: 'eastwest.cluster02.example.com' } },
    ],
  });

  const httpbin = new InboundService(mesh.cluster('cluster02'), 'httpbin', {
    namespace: 'default',
    description: 'connectivity intent for stateless micro-service to stateless micro-service communication',
    application: 'httpbin',
    protocol: 'HTTP',
    port: 8000,
    targetPort: 80,
    trafficPolicy: {
      loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'user1' }),
      connectionPool: { maxConnections: 10, connectTimeout: Duration.seconds(10), http2MaxRequests: 1000, maxRequestsPerConnection: 100 },
      outlierDetection: { consecutive5xxErrors: 7, interval: Duration.minutes(5), baseEjectionTime: Duration.minutes(15) },
    },
  });

  const sleep = new ServiceClient(mesh.cluster('cluster01'), 'sleep', { namespace: 'default' });

  new ServiceAccessPolicy(httpbin, 'sleep-access', {
    client: sleep,
    rules: [
      { methods: ['GET'], paths: ['/status'] },
      { methods: ['GET'], paths: ['/headers'] },
    ],
  });
  return mesh;
}
