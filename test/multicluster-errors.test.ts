/**
 * Issue 13 at the construct level: each setting that cannot work is a synth error naming the
 * construct path, the field, the value and what is allowed; valid settings synthesize objects
 * that pass the schema, CEL and analyzer checks.
 */
import { Duration } from 'cdk8s';
import { Failover, InboundService, MeshCluster, MeshProps, ServiceClient } from '../src';
import { find, newMesh, synth, synthError } from './support/synth';

const THREE: MeshProps['clusters'] = [
  { name: 'cluster01', locality: { region: 'eu-west1', zone: 'eu-west1-a' }, eastWestGateway: { address: '192.0.2.10' } },
  { name: 'cluster02', locality: { region: 'eu-west1', zone: 'eu-west1-b' }, eastWestGateway: { address: '192.0.2.20' } },
  { name: 'cluster03', locality: { region: 'us-east1' }, eastWestGateway: { address: '192.0.2.30' } },
];
const OD = { outlierDetection: { consecutive5xxErrors: 3, interval: Duration.seconds(5) } };

type Props = Record<string, unknown>;

function web(props: Props | ((c1: MeshCluster, c2: MeshCluster, c3: MeshCluster) => Props), clusters = THREE) {
  const { app, mesh } = newMesh({ clusters });
  const [c1, c2, c3] = ['cluster01', 'cluster02', 'cluster03'].map((n) => mesh.cluster(n));
  const resolved = typeof props === 'function' ? props(c1, c2, c3) : props;
  const s = new InboundService(c1, 'web', { protocol: 'HTTP', port: 80, additionalClusters: [c2, c3], trafficPolicy: OD, ...resolved });
  s.allowFrom(new ServiceClient(c3, 'ui', { namespace: 'shop' }));
  return app;
}

describe('cluster locality', () => {
  test.each([
    [{ zone: 'z' }, 'clusters[0].locality.region: undefined is not a region name (a label value such as "eu-west1"; required, no "/" or "*")'],
    [{ region: 'eu', zone: 'a/b' }, 'clusters[0].locality.zone: "a/b" is not a zone name (a label value such as "eu-west1", no "/" or "*")'],
    [{ region: 'eu', subzone: 's' }, 'clusters[0].locality.subzone: needs a zone (a subzone lies in a zone: give zone too)'],
    [{ region: 'eu', room: 'x' }, 'clusters[0].locality.room: "x" is not a known setting; allowed: region, zone, subzone'],
  ])('%j', (locality, message) => {
    const { app } = newMesh({ clusters: [{ name: 'cluster01', locality: locality as any }] });
    expect(synthError(app)).toContain(`[mesh] ${message}`);
  });
});

describe('failover', () => {
  test('for a service in one cluster, and without outlier detection', () => {
    const { app, mesh } = newMesh({ clusters: THREE });
    new InboundService(mesh.cluster('cluster01'), 'web', { protocol: 'HTTP', port: 80, failover: Failover.byLocality() });
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster01/web] failover: needs a service in more than one cluster; it runs in cluster01 only '
      + '(add additionalClusters, or drop failover)');
    expect(message).toContain('[mesh/cluster01/web] failover: needs trafficPolicy.outlierDetection: a caller fails over only from endpoints it ejects');
  });

  test('an order that does not list every cluster once, or lists something else', () => {
    expect(synthError(web((c1: any, c2: any) => ({ failover: Failover.inOrder([c2, c1]) }))))
      .toContain('[mesh/cluster01/web] failover.clusters: ["cluster02","cluster01"] must list each cluster the service runs in once '
        + '(cluster01, cluster02, cluster03); missing cluster03');
    expect(synthError(web((c1: any) => ({ failover: Failover.inOrder([c1, 'cluster02' as any]) }))))
      .toContain('[mesh/cluster01/web] failover.clusters[1]: "cluster02" is not a cluster of this mesh (use mesh.cluster("<name>"))');
  });

  test('not a Failover; labels that are not labels', () => {
    expect(synthError(web({ failover: 'locality' }))).toContain('[mesh/cluster01/web] failover: "locality" is not a Failover');
    expect(synthError(web({ failover: Failover.byLabels(['a b']) }))).toContain('failover.labels[0]: "a b" is not a label key, or key=value');
  });

  test('locality failover when a cluster has no locality (a rule over the mesh)', () => {
    const clusters = THREE.map((c, i) => (i === 2 ? { ...c, locality: undefined } : c));
    expect(synthError(web({ failover: Failover.byLocality() }, clusters)))
      .toContain('[mesh/cluster01/web] failover: Failover.byLocality() needs a locality on every cluster the service runs in; cluster03 has none');
  });
});

describe('distribution', () => {
  test('weights that do not sum to 100, or are out of range', () => {
    expect(synthError(web((c1: any, c2: any) => ({ distribution: [{ to: [{ cluster: c1, weight: 80 }, { cluster: c2, weight: 30 }] }] }))))
      .toContain('[mesh/cluster01/web] distribution[0].to: [80,30] has weights summing to 110; they must sum to 100 (percent of the calls)');
    expect(synthError(web((c1: any, c2: any) => ({ distribution: [{ to: [{ cluster: c1, weight: 100 }, { cluster: c2, weight: 0 }] }] }))))
      .toContain('distribution[0].to[1].weight: 0 is not a weight (a whole number from 1 to 100, in percent)');
  });

  test('a cluster the service is not in; one calling cluster in two distributions', () => {
    const { app, mesh } = newMesh({ clusters: THREE });
    const [c1, c2, c3] = ['cluster01', 'cluster02', 'cluster03'].map((n) => mesh.cluster(n));
    new InboundService(c1, 'web', { protocol: 'HTTP', port: 80, additionalClusters: [c2], trafficPolicy: OD,
      distribution: [{ from: [c3], to: [{ cluster: c3, weight: 100 }] }, { from: [c3], to: [{ cluster: c1, weight: 100 }] }] });
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster01/web] distribution[0].to[0].cluster: "cluster03" is not a cluster the service runs in '
      + '(cluster01, cluster02; add it to additionalClusters)');
    expect(message).toContain('distribution[1].from: "cluster03" is also covered by distribution[0] (one distribution per calling cluster)');
  });
});

describe('versions', () => {
  const v = (name: string, weight: number, extra: Record<string, unknown> = {}) => ({ name, labels: { version: name }, weight, ...extra });

  test('weights, contradicting labels, repeated labels, clusters the service is not in', () => {
    expect(synthError(web({ versions: [v('v1', 60), v('v2', 60)] }))).toContain('versions: [60,60] has weights summing to 120');
    expect(synthError(web({ versions: [{ name: 'v1', labels: { app: 'other' }, weight: 100 }] })))
      .toContain('[mesh/cluster01/web] versions[0].labels.app: "other" contradicts the service\'s workloadLabels (app: "web"), so the version selects no pod');
    expect(synthError(web({ versions: [v('v1', 50), { name: 'v2', labels: { version: 'v1' }, weight: 50 }] })))
      .toContain('versions[1]: "v2" repeats the labels of versions[0] (each version needs its own)');
    const { app, mesh } = newMesh({ clusters: THREE });
    new InboundService(mesh.cluster('cluster01'), 'web', { protocol: 'HTTP', port: 80, versions: [v('v1', 100, { clusters: [mesh.cluster('cluster02')] })] });
    expect(synthError(app)).toContain('versions[0].clusters[0]: "cluster02" is not a cluster the service runs in (cluster01; add it to additionalClusters)');
  });

  test('a TLS port, a workload without a sidecar, a headless service', () => {
    expect(synthError(web({ protocol: 'TLS', versions: [v('v1', 100)] })))
      .toContain('versions: 80 is a TLS port; a version split is routed for HTTP, HTTP2, GRPC and TCP ports only');
    expect(synthError(web({ sidecar: false, trafficPolicy: undefined, versions: [v('v1', 100)] })))
      .toContain('[mesh/cluster01/web] versions: needs the Istio sidecar; this service has sidecar: false');
    expect(synthError(web({ headless: true, instances: 2, serviceAccount: 'web', additionalClusters: [], versions: [v('v1', 100)] })))
      .toContain('[mesh/cluster01/web] versions: does not apply to a headless service (its callers address one instance, in one cluster)');
  });

  test('a version split for a TCP service routes connections by weight', () => {
    const app = web((c1: any, c2: any) => ({ protocol: 'TCP', additionalClusters: [c2],
      versions: [v('v1', 70, { clusters: [c1] }), v('v2', 30, { clusters: [c2] })] }));
    const rule = find(synth(app).cluster03, 'VirtualService', 'web', 'shop');
    expect(rule.spec.tcp[0].route.map((r: any) => `${r.destination.subset}:${r.weight}`)).toEqual(['v1:70', 'v2:30']);
  });
});

test('globalHost must be a boolean, and is refused in multi-primary mode', () => {
  expect(synthError(web({ globalHost: 'yes' }))).toContain('[mesh/cluster01/web] globalHost: "yes" is not true or false');
  const { app, mesh } = newMesh({ clusters: THREE, discovery: 'multi-primary' });
  new InboundService(mesh.cluster('cluster01'), 'web', { protocol: 'HTTP', port: 80, globalHost: true });
  expect(synthError(app)).toContain('[mesh/cluster01/web] globalHost: true is for federated meshes');
});
