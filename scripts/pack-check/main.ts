// pack-check's fresh cdk8s app (newest cdk8s 2.x): bookinfo's reviews over two clusters,
// workloads in ordinary charts of cdk8s-plus-33 objects, run by the real `cdk8s synth`.
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { InboundService, Mesh, MeshApp, placeChart, ServiceAccessPolicy, ServiceClient } from 'cdk8s-istio-intents';

const app = new MeshApp(); // writes to CDK8S_OUTDIR, set by cdk8s synth
const mesh = new Mesh(app, 'bookinfo', {
  clusters: [
    { name: 'east', network: 'net1', eastWestGateway: { address: '192.0.2.10' } },
    { name: 'west', network: 'net2', eastWestGateway: { address: '192.0.2.20' } },
    { name: 'edge', network: 'net3' },
  ],
});

// reviews runs in east and west: one workload chart, placed in both clusters.
const workloads = new Chart(app, 'workloads', { namespace: 'bookinfo' });
const reviewsAccount = new kplus.ServiceAccount(workloads, 'reviews-sa', { metadata: { name: 'reviews' } });
const reviews = new kplus.Deployment(workloads, 'reviews', {
  serviceAccount: reviewsAccount,
  select: false,
  podMetadata: { labels: { app: 'reviews' } },
  containers: [{ image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2', portNumber: 9080, securityContext: { user: 1000 } }],
});
reviews.select(kplus.LabelSelector.of({ labels: { app: 'reviews' } }));
const reviewsService = reviews.exposeViaService({ name: 'reviews', ports: [{ name: 'http', port: 9080 }] });
placeChart(workloads, [mesh.cluster('east'), mesh.cluster('west')]);

// productpage runs in edge: its chart is declared inside the cluster.
const frontend = new Chart(mesh.cluster('edge'), 'frontend', { namespace: 'bookinfo' });
const productpageAccount = new kplus.ServiceAccount(frontend, 'sa', { metadata: { name: 'productpage' } });
const productpage = new kplus.Deployment(frontend, 'productpage', {
  serviceAccount: productpageAccount,
  containers: [{ image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.2', portNumber: 9080, securityContext: { user: 1000 } }],
});

// A chart in no cluster, written as cdk8s writes charts.
const ops = new Chart(app, 'ops', { namespace: 'ops' });
new kplus.ConfigMap(ops, 'settings', { metadata: { name: 'settings' }, data: { level: 'info' } });
if (process.env.BAD_ISTIO_OBJECT) {
  // Hand-written, outside the mesh: only the validation plugin in cdk8s.yaml checks it.
  new ApiObject(ops, 'bad', {
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'bad' },
    spec: { host: 'reviews.bookinfo.svc.cluster.local', trafficPolicy: { loadbalancer: { simple: 'RANDOM' } } },
  });
}

const reviewsIntent = InboundService.fromKplusService(mesh.cluster('east'), 'reviews', reviewsService, {
  additionalClusters: [mesh.cluster('west')],
});
const caller = ServiceClient.fromKplus(mesh.cluster('edge'), 'productpage', productpage);
new ServiceAccessPolicy(reviewsIntent, 'productpage-reads', { client: caller, rules: [{ methods: ['GET'], paths: ['/reviews/*'] }] });

app.synth();
