/**
 * Virtual IPs for ServiceEntries in client clusters. Istio's DNS proxy answers a remote host
 * with this address, and TCP ports need one (IST0134).
 *
 * Each host gets the address its name hashes to in the range (FNV-1a), so the allocation is
 * deterministic and a host keeps its address when other services are added. Only a hash
 * collision moves an address (to the next free one, in host-name order); pin `vip` on a
 * service to make its address independent even of that.
 */

export interface VipRange {
  readonly base: number;
  /** Number of usable addresses (network and broadcast addresses excluded). */
  readonly size: number;
}

/** Parses an IPv4 CIDR inside 240.0.0.0/4 of at least 4 addresses; undefined when it is not one. */
export function parseVipRange(cidr: string): VipRange | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 30 || bits < 8) return undefined;
  const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const total = 2 ** (32 - bits);
  if (addr % total !== 0) return undefined;
  // Only the reserved class-E block: addresses that never route anywhere real.
  if (octets[0] < 240 || bits < 4) return undefined;
  return { base: addr + 1, size: total - 2 };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class VipExhaustedError extends Error {}

/**
 * Allocates one address per host. `pinned` addresses are reserved first.
 * Throws VipExhaustedError when the range has fewer free addresses than hosts.
 */
export function allocateVips(range: VipRange, hosts: readonly string[], pinned: ReadonlyMap<string, string>): Map<string, string> {
  const result = new Map<string, string>();
  const used = new Set<number>();
  for (const [host, ip] of pinned) {
    result.set(host, ip);
    used.add(ipToNumber(ip));
  }
  const free = [...new Set(hosts)].filter((h) => !result.has(h)).sort();
  if (free.length > range.size - [...used].filter((u) => u >= range.base && u < range.base + range.size).length) {
    throw new VipExhaustedError(`needs ${free.length + used.size} addresses; the range has ${range.size}`);
  }
  for (const host of free) {
    let slot = fnv1a(host) % range.size;
    while (used.has(range.base + slot)) slot = (slot + 1) % range.size;
    used.add(range.base + slot);
    result.set(host, ipToString(range.base + slot));
  }
  return result;
}
