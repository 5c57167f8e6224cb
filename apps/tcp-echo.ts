/**
 * The seed's TCP example: tcp-echo exposed through the mesh on port 31400 (container port
 * 9000) in cluster02, called by a client in cluster01. TCP has no methods or paths, so access
 * is by identity only.
 */
import { App, Duration } from 'cdk8s';
import { InboundService, Mesh, ServiceClient } from '../src';

export function tcpEcho(app: App): Mesh {
  const mesh = new Mesh(app, 'mesh', {
    name: 'lc1',
    clusters: [
      { name: 'cluster01', network: 'network1', eastWestGateway: { address: '192.0.2.10' } },
      { name: 'cluster02', network: 'network2', eastWestGateway: { address: '192.0.2.20' } },
    ],
  });
  const echo = new InboundService(mesh.cluster('cluster02'), 'tcp-echo', {
    namespace: 'default',
    application: 'tcp-echo',
    protocol: 'TCP',
    port: 31400,
    targetPort: 9000,
    trafficPolicy: {
      connectionPool: { maxConnections: 10, connectTimeout: Duration.seconds(10) },
      outlierDetection: { baseEjectionTime: Duration.minutes(15), interval: Duration.minutes(5) },
    },
  });
  const client = new ServiceClient(mesh.cluster('cluster01'), 'sleep', { namespace: 'default' });
  client.connectTo(echo);
  return mesh;
}
