/**
 * Rules that involve more than one intent (run at synth, when every intent is known).
 * Each returns messages for the construct it is called for.
 */
import type { Mesh } from '../mesh';
import { instanceHosts, ServiceModel } from '../model';
import { callSites } from '../plan';
import { allocateVips, parseVipRange, VipExhaustedError } from '../vip';

export function checkServiceInMesh(mesh: Mesh, s: ServiceModel): string[] {
  const out: string[] = [];
  const others = mesh._serviceModels().filter((o) => o.path !== s.path);
  const sameName = others.find((o) => o.name === s.name);
  if (sameName) out.push(`name: "${s.name}" is already the name of ${sameName.path} (intent names must be unique in the mesh: they name the Istio objects)`);
  for (const o of others) {
    const shared = o.clusters.filter((c) => s.clusters.includes(c));
    if (o.fqdn === s.fqdn && shared.length > 0) out.push(`serviceName: "${s.serviceName}" in namespace "${s.namespace}" is also declared by ${o.path} in cluster ${shared[0]} (one service per host and cluster; use additionalClusters for one service in several clusters)`);
    if (s.vip !== undefined && o.vip === s.vip) out.push(`vip: "${s.vip}" is also pinned by ${o.path} (each host needs its own address)`);
  }
  const topo = new Map(mesh.model().clusters.map((c) => [c.name, c]));
  const remote = callSites(s).filter((site) => !s.clusters.includes(site.cluster));
  for (const site of remote) {
    const client = topo.get(site.cluster)!;
    for (const server of s.clusters.map((c) => topo.get(c)!)) {
      const crossNetwork = client.network !== server.network;
      const viaGateway = mesh.discovery === 'federated' || crossNetwork;
      if (viaGateway && !server.eastWest.address && mesh.discovery === 'federated') {
        out.push(`clusters: ${server.name} has clients in ${site.cluster}, but cluster ${server.name} has no eastWestGateway.address (remote clients reach it through that gateway)`);
      }
      if (mesh.discovery === 'multi-primary' && crossNetwork && s.instances > 0) {
        out.push(`headless: instances of a headless service cannot be reached across networks in multi-primary mode (istio/istio#38327); client cluster ${site.cluster} is on network "${client.network}", ${server.name} on "${server.network}" (use discovery: "federated")`);
      }
      if (mesh.discovery === 'multi-primary' && crossNetwork && !s.sidecar) {
        out.push(`sidecar: a service without a sidecar cannot be reached across networks in multi-primary mode (istiod drops non-mTLS endpoints of other networks); client cluster ${site.cluster} is on network "${client.network}", ${server.name} on "${server.network}" (use discovery: "federated", or give the workload a sidecar)`);
      }
      if (viaGateway && !s.sidecar && s.instances > 0) {
        out.push(`headless: instances of a headless service without a sidecar cannot be addressed from other clusters (the gateway terminating mesh mTLS for it routes the service host only); give the workload a sidecar, or call it from ${server.name}`);
      }
      if (viaGateway && !s.sidecar && s.ports.length > 1) {
        out.push(`ports: a service without a sidecar is reached from other clusters through its gateway's mesh-mTLS port, which carries one service port; this one has ${s.ports.length} (give remote clients a single-port service)`);
      }
    }
  }
  return [...new Set(out)];
}

/** VIP allocation over the whole mesh (exhaustion, pinned addresses). */
export function checkVips(mesh: Mesh): string[] {
  const services = mesh._serviceModels();
  const range = parseVipRange(mesh.vipRange);
  if (!range) return [];
  try {
    const pinned = new Map(services.filter((s) => s.vip).map((s) => [s.fqdn, s.vip!] as [string, string]));
    allocateVips(range, services.flatMap((s) => [...(s.vip ? [] : [s.fqdn]), ...instanceHosts(s)]), pinned);
    return [];
  } catch (e) {
    if (e instanceof VipExhaustedError) return [`vipRange: "${mesh.vipRange}" is exhausted: ${e.message} (use a larger range)`];
    throw e;
  }
}
