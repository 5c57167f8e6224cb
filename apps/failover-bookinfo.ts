/**
 * Cross-cluster failover, weighted distribution and version shifting (issue 13), federated:
 * three clusters in two regions, a productpage client in each.
 * - `details` runs in all three clusters: callers prefer their own zone, then their region,
 *   then the other region (locality failover, with outlier detection that can eject a whole
 *   cluster); callers in cluster03 are moving to it: 80% cluster03, 20% cluster01.
 * - `reviews` (bookinfo's v1/v2/v3) runs v1 and v2 in cluster01 and v3 in cluster02: every
 *   caller splits 20/30/50, across both clusters, through the global host.
 * Callers inside a server cluster use the global hosts `details.bookinfo.global` and
 * `reviews.bookinfo.global`; `*.bookinfo.svc.cluster.local` stays the local Service.
 */
import { App, Duration } from 'cdk8s';
import { Failover, InboundService, Mesh, ServiceClient } from '../src';

export function failoverBookinfo(app: App): Mesh {
  const mesh = new Mesh(app, 'mesh', {
    name: 'books',
    clusters: [
      { name: 'cluster01', network: 'network1', locality: { region: 'eu-west1', zone: 'eu-west1-a' }, eastWestGateway: { address: '192.0.2.10' } },
      { name: 'cluster02', network: 'network2', locality: { region: 'eu-west1', zone: 'eu-west1-b' }, eastWestGateway: { address: '192.0.2.20' } },
      { name: 'cluster03', network: 'network3', locality: { region: 'us-east1', zone: 'us-east1-a' }, eastWestGateway: { address: '192.0.2.30' } },
    ],
  });
  const [c1, c2, c3] = ['cluster01', 'cluster02', 'cluster03'].map((n) => mesh.cluster(n));
  const outlierDetection = { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) };

  const details = new InboundService(c1, 'details', {
    namespace: 'bookinfo', application: 'details', protocol: 'HTTP', port: 9080, serviceAccount: 'bookinfo-details',
    additionalClusters: [c2, c3],
    globalHost: true,
    trafficPolicy: { outlierDetection },
    failover: Failover.byLocality(),
    distribution: [{ from: [c3], to: [{ cluster: c3, weight: 80 }, { cluster: c1, weight: 20 }] }],
  });

  const reviews = new InboundService(c1, 'reviews', {
    namespace: 'bookinfo', application: 'reviews', protocol: 'HTTP', port: 9080, serviceAccount: 'bookinfo-reviews',
    additionalClusters: [c2],
    globalHost: true,
    trafficPolicy: { outlierDetection },
    versions: [
      { name: 'v1', labels: { version: 'v1' }, weight: 20, clusters: [c1] },
      { name: 'v2', labels: { version: 'v2' }, weight: 30, clusters: [c1] },
      { name: 'v3', labels: { version: 'v3' }, weight: 50, clusters: [c2] },
    ],
  });

  const productpage = new ServiceClient(c1, 'productpage', {
    namespace: 'bookinfo', serviceAccount: 'bookinfo-productpage', additionalClusters: [c2, c3],
  });
  productpage.connectTo(details);
  productpage.connectTo(reviews);
  return mesh;
}
