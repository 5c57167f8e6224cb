import { BlockList, isIP } from 'node:net';

/**
 * IP blocks as Istio reads them (`10.0.0.0/16` or a single address, IPv4 or IPv6;
 * istio 1.30.3 pilot/pkg/networking/util AddrStrToCidrRange), compared by the addresses they
 * contain. An unparsable block is only equal to itself.
 */
interface Block {
  readonly address: string;
  readonly bits: number;
  readonly family: 'ipv4' | 'ipv6';
}

function parseBlock(text: string): Block | undefined {
  const [address, len] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return { address, bits, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function contains(outer: Block, address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (outer.family !== family) return false;
  const list = new BlockList();
  list.addSubnet(outer.address, outer.bits, outer.family);
  return list.check(address, family);
}

/** Whether every address of `inner` is in `outer`. */
export function cidrCovers(outer: string, inner: string): boolean {
  const o = parseBlock(outer);
  const i = parseBlock(inner);
  if (!o || !i) return outer.trim() === inner.trim();
  return i.bits >= o.bits && contains(o, i.address, i.family);
}

/** Whether the two blocks share an address. */
export function cidrsIntersect(a: string, b: string): boolean {
  return cidrCovers(a, b) || cidrCovers(b, a);
}
