import { instanceHosts, MeshModel } from '../model';
import { allocateVips, parseVipRange, VipAllocation, VipExhaustedError } from '../vip';

/**
 * VIPs for every host a ServiceEntry could carry, over the whole mesh, so that an address
 * does not depend on which clients exist. The one place that lists those hosts.
 */
export function allocateMeshVips(model: MeshModel): VipAllocation {
  const range = parseVipRange(model.vipRange);
  if (!range) throw new Error(`internal error: unchecked VIP range ${model.vipRange}`);
  const hosts = model.services.flatMap((s) => [...(s.vip ? [] : [s.fqdn]), ...(s.globalHost ? [s.globalHost] : []), ...instanceHosts(s)]);
  const pinned = new Map(model.services.filter((s) => s.vip).map((s) => [s.fqdn, s.vip!] as [string, string]));
  return allocateVips(range, hosts, pinned);
}

/** Exhaustion of the mesh's VIP range, as a message (empty when every host has an address). */
export function checkVips(model: MeshModel): string[] {
  if (!parseVipRange(model.vipRange)) return [];
  try {
    allocateMeshVips(model);
    return [];
  } catch (e) {
    if (e instanceof VipExhaustedError) return [`vipRange: "${model.vipRange}" is exhausted: ${e.message} (use a larger range)`];
    throw e;
  }
}
