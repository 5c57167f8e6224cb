/** Mistakes whose message must name the fix, not only the problem. */
import { InboundService, Mesh, ServiceAccessPolicy, ServiceClient } from '../src';
import { newMesh, synthError } from './support/synth';
import { App } from 'cdk8s';

test('one service declared in two clusters suggests additionalClusters, not a rename', () => {
  const { app, mesh } = newMesh();
  new InboundService(mesh.cluster('cluster01'), 'db', { port: 5432, protocol: 'TCP' });
  new InboundService(mesh.cluster('cluster02'), 'db', { port: 5432, protocol: 'TCP' });
  expect(synthError(app)).toContain('to run one service in several clusters, declare it once, with additionalClusters');
});

test('a forgotten east-west gateway address says which cluster needs which setting', () => {
  const app = new App();
  const mesh = new Mesh(app, 'mesh', { name: 'lc1', clusters: [{ name: 'a', eastWestGateway: { address: '192.0.2.1' } }, { name: 'b' }] });
  new InboundService(mesh.cluster('b'), 'web', { port: 80, protocol: 'HTTP' }).allowFrom(new ServiceClient(mesh.cluster('a'), 'ui'));
  expect(synthError(app)).toContain('set eastWestGateway.address of cluster b in the Mesh\'s clusters to the IP address or DNS name of its east-west gateway');
});

test('a wrong cluster name lists the declared clusters', () => {
  const { mesh } = newMesh();
  expect(() => mesh.cluster('cluster1')).toThrow('cluster: "cluster1" is not declared in this mesh (declared: cluster01, cluster02)');
});

test('an allowed namespace that would cancel an access policy of a caller in it is an error', () => {
  const { app, mesh } = newMesh();
  const sleep = new ServiceClient(mesh.cluster('cluster01'), 'sleep', { namespace: 'default' });
  const web = new InboundService(mesh.cluster('cluster02'), 'web', { port: 80, protocol: 'HTTP', allowedNamespaces: ['default', 'tools'] });
  new ServiceAccessPolicy(web, 'sleep-access', { client: sleep, rules: [{ methods: ['GET'], paths: ['/status'] }] });
  expect(synthError(app)).toContain('[mesh/cluster02/web] allowedNamespaces: "default" admits every workload there for every request, '
    + 'so the access policy of cluster.local/ns/default/sa/sleep would restrict nothing');
});
