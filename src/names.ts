import * as net from 'node:net';

/** Kubernetes and Istio name rules, each in one place. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** RFC 1123 label: namespaces, Gateway names, port names. */
export function isDnsLabel(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 63 && DNS1123_LABEL.test(s);
}

/** RFC 1123 subdomain: most object names. */
export function isDnsSubdomain(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A Kubernetes label key (optional DNS-subdomain prefix and a name) and value. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/** A trust domain: lowercase DNS name (SPIFFE trust domain rules, as Istio uses them). */
export function isTrustDomain(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 255 && /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(s) && !s.includes('..');
}

/** An IPv4 address in dotted-quad form. */
export function isIPv4(s: unknown): s is string {
  return typeof s === 'string' && net.isIPv4(s);
}

export function isIPv6(s: unknown): s is string {
  return typeof s === 'string' && net.isIPv6(s);
}

export function isIP(s: unknown): s is string {
  return isIPv4(s) || isIPv6(s);
}

/** A CIDR block or a single address (AuthorizationPolicy ipBlocks accept both). */
export function isCidrOrIp(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined) return false;
  if (bits === undefined) return isIP(addr);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  return isIPv4(addr) ? Number(bits) <= 32 : isIPv6(addr) && Number(bits) <= 128;
}

/** A fully qualified DNS host name (a gateway address, an external host). */
export function isHostname(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 253 && s.includes('.') && isDnsSubdomain(s.toLowerCase()) && !/\.[0-9]+$/.test(s);
}

export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

export function isNonNegativeInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2147483647;
}

/** The SPIFFE-style principal Istio matches in `from.source.principals`. */
export function principalOf(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** Parses `<trustDomain>/ns/<ns>/sa/<sa>`; undefined when malformed. */
export function parsePrincipal(p: unknown): { trustDomain: string; namespace: string; serviceAccount: string } | undefined {
  if (typeof p !== 'string') return undefined;
  const m = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
  if (!m || !isTrustDomain(m[1]) || !isDnsLabel(m[2]) || !isDnsSubdomain(m[3])) return undefined;
  return { trustDomain: m[1], namespace: m[2], serviceAccount: m[3] };
}

/** The cluster-local FQDN of a Kubernetes service. */
export function serviceFqdn(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}
