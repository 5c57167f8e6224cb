/**
 * cdk8s-plus objects as intents: every way one could silently misplace a policy or admit an
 * identity by accident is an error naming the fix.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { InboundService, placeChart, ServiceClient } from '../src';
import { find, newMesh, synth, synthError } from './support/synth';

function webChart(scope: Construct, id = 'workloads', ports: kplus.ServicePort[] = [{ name: 'http-web', port: 80, targetPort: 8080 }]) {
  const chart = new Chart(scope, id);
  const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web', namespace: 'shop' } });
  const deployment = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'nginx', portNumber: 8080 }] });
  return { chart, deployment, service: deployment.exposeViaService({ name: 'web', ports }) };
}

describe('ServiceClient.fromKplus: the identity is explicit', () => {
  test('a workload without a service account is an error naming the shared "default" identity and the fix', () => {
    const { app, mesh } = newMesh();
    const plain = new kplus.Deployment(mesh.cluster('cluster01'), 'plain', { metadata: { namespace: 'shop' }, containers: [{ image: 'curl' }] });
    ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller', plain);
    expect(synthError(app)).toContain('[mesh/cluster01/caller] source: mesh/cluster01/plain (deployments) has no service account, so its pods run as their '
      + 'namespace\'s "default" account');
    expect(synthError(app)).toContain('allowDefaultServiceAccount: true');
  });

  test('allowDefaultServiceAccount accepts it as the namespace\'s default account', () => {
    const { app, mesh } = newMesh();
    const plain = new kplus.Deployment(mesh.cluster('cluster01'), 'plain', { metadata: { namespace: 'shop' }, containers: [{ image: 'curl' }] });
    const client = ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller', plain, { allowDefaultServiceAccount: true });
    new InboundService(mesh.cluster('cluster02'), 'web', { port: 80, protocol: 'HTTP' }).allowFrom(client);
    expect(client.principal).toBe('cluster.local/ns/shop/sa/default');
    expect(find(synth(app).cluster02, 'AuthorizationPolicy', 'web').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/shop/sa/default']);
  });

  test('a Service is not an identity', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster01'));
    ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller', service as any);
    expect(synthError(app)).toMatch(/\[mesh\/cluster01\/caller\] source: mesh\/cluster01\/workloads\/web\/webService \(services\) is a Service; a client is identified by its pods' service account/);
  });

  test('a workload with a ServiceAccount is that account', () => {
    const { mesh } = newMesh();
    const { deployment } = webChart(mesh.cluster('cluster01'));
    expect(ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller', deployment).principal).toBe('cluster.local/ns/shop/sa/web');
  });
});

describe('InboundService.fromKplusService: what is passed, and where its pods run', () => {
  test('a Deployment instead of a Service says what was expected', () => {
    const { app, mesh } = newMesh();
    const { deployment } = webChart(mesh.cluster('cluster02'));
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', deployment as any);
    expect(synthError(app)).toContain('[mesh/cluster02/web] service: "mesh/cluster02/workloads/web" is a Deployment, not a Service');
  });

  test('additionalClusters where the workload chart does not run: the pod address label selects nothing there', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'));
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service, { additionalClusters: [mesh.cluster('cluster01')] });
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster02/web] workloadLabels: {"cdk8s.io/metadata.addr":');
    expect(message).toContain('in cluster01 STRICT mTLS and the allow rules would select no pod (place the chart there with placeChart(chart, [...])');
  });

  test('with the chart placed in every cluster, each cluster\'s policies select the pods the chart gives it', () => {
    const { app, mesh } = newMesh();
    const { chart, deployment, service } = webChart(app, 'workloads');
    placeChart(chart, [mesh.cluster('cluster02'), mesh.cluster('cluster01')]);
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service, { additionalClusters: [mesh.cluster('cluster01')] });
    const out = synth(app);
    for (const cluster of ['cluster01', 'cluster02']) {
      expect(find(out[cluster], 'PeerAuthentication', 'web', 'shop').spec.selector.matchLabels).toEqual({ ...deployment.matchLabels });
      expect(out[cluster].filter((o) => o.kind === 'Deployment').map((o) => o.spec.selector.matchLabels)).toEqual([{ ...deployment.matchLabels }]);
    }
  });

  test('a Service synthesized into another cluster is an error (the policies go where it runs)', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster01'));
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service);
    const message = synthError(app);
    expect(message).toContain('[mesh/cluster02/web] service: "mesh/cluster01/workloads" is synthesized into cluster01, not cluster02 where the InboundService is declared');
    // One problem, not a second one about the selector that follows from it.
    expect(message.split('\n')).toHaveLength(2);
  });

  test('a namespace that differs from the Service\'s is an error', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'));
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service, { namespace: 'other' });
    expect(synthError(app)).toContain('namespace: "other" differs from the Service\'s namespace "shop"');
  });
});

describe('port protocols as Istio reads them from a Service', () => {
  test('a port name without a protocol prefix says what the name must start with, or that protocol can be given', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'), 'workloads', [{ name: 'web', port: 80, targetPort: 8080 }]);
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service);
    expect(synthError(app)).toContain('ports[0].protocol: is required for port 80: its name "web" names no protocol, and Istio reads the protocol from the name\'s prefix '
      + '(http-, http2-, grpc-, tcp-, tls- or https-) or the port\'s appProtocol; rename the port (e.g. "http-web"), or give protocol');
  });

  test('a port named https is TLS to the mesh, as Istio reads it', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'), 'workloads', [{ name: 'https', port: 443, targetPort: 8080 }]);
    const web = InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service);
    expect(web.ports).toEqual([{ name: 'https', number: 443, targetPort: 8080, protocol: 'TLS' }]);
    expect(synth(app).cluster02.length).toBeGreaterThan(0);
  });

  test('an appProtocol is the port\'s protocol, and a protocol prop that disagrees with it is an error', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'), 'workloads', [{ port: 80, targetPort: 8080 }]);
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'http'));
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service, { protocol: 'TCP' });
    expect(synthError(app)).toContain('protocol: "TCP" disagrees with the Service\'s port 80 (appProtocol "http": HTTP); Istio uses the Service\'s');
  });

  test('a UDP port cannot be a mesh service', () => {
    const { app, mesh } = newMesh();
    const { service } = webChart(mesh.cluster('cluster02'), 'workloads', [{ name: 'dns', port: 53, targetPort: 8080, protocol: kplus.Protocol.UDP }]);
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service, { protocol: 'TCP' });
    expect(synthError(app)).toContain('ports[0].protocol: "UDP" is not proxied by Istio (port 53)');
  });
});

describe('cdk8s-plus objects without a namespace', () => {
  test('a Service without a namespace: the policies could not follow it, so it is an error naming the fix', () => {
    const { app, mesh } = newMesh();
    const chart = new Chart(mesh.cluster('cluster02'), 'plain');
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web' } });
    const service = new kplus.Deployment(chart, 'web', { serviceAccount: sa, containers: [{ image: 'nginx', portNumber: 8080 }] })
      .exposeViaService({ name: 'web', ports: [{ name: 'http-web', port: 80, targetPort: 8080 }] });
    InboundService.fromKplusService(mesh.cluster('cluster02'), 'web', service);
    expect(synthError(app)).toContain('[mesh/cluster02/web] service: "mesh/cluster02/plain/web/webService" has no namespace');
  });

  test('a workload without a namespace has no known identity: an error naming the fix', () => {
    const { app, mesh } = newMesh();
    const chart = new Chart(mesh.cluster('cluster01'), 'plain');
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'caller' } });
    const caller = new kplus.Deployment(chart, 'caller', { serviceAccount: sa, containers: [{ image: 'curl' }] });
    ServiceClient.fromKplus(mesh.cluster('cluster01'), 'caller', caller);
    expect(synthError(app)).toContain('[mesh/cluster01/caller] source: "mesh/cluster01/plain/caller" has no namespace');
  });
});
