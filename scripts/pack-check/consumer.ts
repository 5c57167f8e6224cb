// pack-check's strict consumer for the oldest supported cdk8s (no cdk8s-plus): the API types
// check with skipLibCheck off, synthesis works, and an ordinary chart next to the mesh is fine.
import { ApiObject, Chart, Duration } from 'cdk8s';
import { InboundService, LoadBalancer, Mesh, MeshApp, ServiceAccessPolicy, ServiceClient, synthCharts, synthClusters } from 'cdk8s-istio-intents';

const app = new MeshApp({ outdir: 'out' });
const mesh = new Mesh(app, 'mesh', { clusters: [{ name: 'a', eastWestGateway: { address: '192.0.2.1' } }, { name: 'b' }] });
const web = new InboundService(mesh.cluster('a'), 'web', {
  protocol: 'HTTP', port: 80, trafficPolicy: { loadBalancer: LoadBalancer.leastRequest(), connectionPool: { connectTimeout: Duration.seconds(3) } },
});
const caller = new ServiceClient(mesh.cluster('b'), 'caller');
new ServiceAccessPolicy(web, 'caller-access', { client: caller, rules: [{ methods: ['GET'], paths: ['/'] }] });
new ApiObject(new Chart(app, 'plain'), 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
const files = synthClusters(app).map((c) => `${c.cluster}:${c.files.size}`).join(' ');
const charts = synthCharts(app).map((c) => `${c.file}:${c.objects.length}`).join(' ');
if (files !== 'a:5 b:2' || charts !== 'plain.k8s.yaml:1') throw new Error(`unexpected output: ${files} ${charts}`);
app.synth();
console.log(`consumer ok: ${files} ${charts}`);
