/**
 * Virtual IPs for ServiceEntries in client clusters. Istio's DNS proxy answers a remote host
 * with this address, and TCP ports need one (IST0134).
 *
 * Each host gets the address its name hashes to (FNV-1a) among the usable addresses of the
 * range, so the allocation is deterministic and the same in every cluster. Addresses ending in
 * .0 or .255 are never used (Istio's own allocator skips them too, Istio 1.30.3
 * pilot/pkg/serviceregistry/serviceentry/auto_allocation.go:121-125).
 *
 * The guarantee: a host whose hash slot no other host shares (nor a pinned `vip`) always has
 * that address, whatever else is added. When hosts share a slot, the first in code-unit order
 * keeps it and the others are *displaced* to the next free address that is no host's slot;
 * a displaced address can move when hosts are added, so the synth warns about each one
 * (pin `vip` to keep it). Without stored state nothing better is possible: the allocator
 * cannot tell which of two colliding hosts existed first.
 */
import { byCodeUnit } from './plan/order';

export interface VipRange {
  /** The range's first address. */
  readonly network: number;
  /** Number of addresses in the range. */
  readonly total: number;
  /** Number of usable addresses: neither the range's network or broadcast address, nor ending in .0 or .255. */
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
  return { network: addr, total, size: total >= 256 ? (total / 256) * 254 : total - 2 };
}

/** The address of a usable slot (0 ≤ slot < size): every /24 block of the range contributes its .1 to .254. */
export function slotAddress(range: VipRange, slot: number): number {
  if (range.total < 256) return range.network + 1 + slot;
  return range.network + Math.floor(slot / 254) * 256 + 1 + (slot % 254);
}

/** Whether an address lies inside the range (network and broadcast address excluded). */
export function inVipRange(range: VipRange, ip: string): boolean {
  const n = ipToNumber(ip);
  return n > range.network && n < range.network + range.total - 1;
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

/** A host that did not get the address its name hashes to. */
export interface DisplacedVip {
  readonly host: string;
  /** The address it got instead (it can move when hosts are added). */
  readonly address: string;
  /** The address its name hashes to. */
  readonly home: string;
  /** The host that has the home address. */
  readonly holder: string;
}

export interface VipAllocation {
  readonly addresses: ReadonlyMap<string, string>;
  readonly displaced: readonly DisplacedVip[];
}

/**
 * Allocates one address per host. `pinned` addresses are reserved first; then every host
 * whose slot is its own gets it; then hosts sharing a slot (after the first, in code-unit
 * order) probe onward past used addresses and past every host's own slot.
 * Throws VipExhaustedError when the range has fewer free addresses than hosts.
 */
export function allocateVips(range: VipRange, hosts: readonly string[], pinned: ReadonlyMap<string, string>): VipAllocation {
  const addresses = new Map<string, string>(pinned);
  const holders = new Map<number, string>([...pinned].map(([host, ip]) => [ipToNumber(ip), host] as [number, string]));
  const free = [...new Set(hosts)].filter((h) => !pinned.has(h)).sort(byCodeUnit);
  const pinnedInRange = [...holders.keys()].filter((n) => inVipRange(range, ipToString(n))).length;
  if (free.length > range.size - pinnedInRange) {
    throw new VipExhaustedError(`needs ${free.length + holders.size} addresses; the range has ${range.size}`);
  }
  const home = new Map(free.map((h) => [h, slotAddress(range, fnv1a(h) % range.size)]));
  const homes = new Set(home.values());
  const losers: string[] = [];
  for (const host of free) {
    const at = home.get(host)!;
    if (holders.has(at)) losers.push(host);
    else holders.set(at, host);
  }
  const displaced: DisplacedVip[] = [];
  for (const host of losers) {
    const at = probe(range, home.get(host)!, (n) => holders.has(n), (n) => homes.has(n));
    holders.set(at, host);
    displaced.push({ host, address: ipToString(at), home: ipToString(home.get(host)!), holder: holders.get(home.get(host)!)! });
  }
  for (const [at, host] of holders) if (!pinned.has(host)) addresses.set(host, ipToString(at));
  return { addresses, displaced };
}

/** The next free address after `from` that is no host's own slot (any free one when only those are left). */
function probe(range: VipRange, from: number, used: (n: number) => boolean, someonesHome: (n: number) => boolean): number {
  const start = slotOf(range, from);
  for (const avoidHomes of [true, false]) {
    for (let i = 1; i <= range.size; i++) {
      const n = slotAddress(range, (start + i) % range.size);
      if (!used(n) && !(avoidHomes && someonesHome(n))) return n;
    }
  }
  throw new VipExhaustedError(`no free address left in a range of ${range.size}`);
}

/** The slot of a usable address of the range (the inverse of slotAddress). */
function slotOf(range: VipRange, address: number): number {
  const offset = address - range.network;
  return range.total < 256 ? offset - 1 : Math.floor(offset / 256) * 254 + (offset % 256) - 1;
}
