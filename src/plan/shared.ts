import { isHttpFamily, ServiceModel } from '../model';
import type { HttpRouteInput } from '../render/virtual-service';

/** The service's timeout and retries as one route per HTTP-family port (none without either). */
export function httpRoutesOf(s: ServiceModel): HttpRouteInput[] {
  if (!s.timeout && !s.retries) return [];
  return s.ports.filter((p) => isHttpFamily(p.protocol))
    .map((p) => ({ matchPort: p.number, destinationHost: s.fqdn, destinationPort: p.number, timeout: s.timeout, retries: s.retries }));
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
