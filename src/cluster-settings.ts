/**
 * Resolves and checks one cluster's settings (network, gateways, root namespace) into its
 * topology, recording every problem.
 */
import type { ClusterProps, ClusterTopology, LocalityModel, LocalityProps } from './topology';
import { isDnsLabel, isDnsSubdomain, isHostname, isIP, isLabelKey, isLabelValue, isPort } from './names';
import { checkKnownKeys, Problems } from './problems';

export function resolveCluster(p: Problems, at: string, c: ClusterProps): ClusterTopology {
  if (!checkKnownKeys(p, at, c, ['name', 'network', 'locality', 'eastWestGateway', 'ingressGateway', 'rootNamespace'])) c = { name: '' };
  const name = c.name;
  if (!isDnsLabel(name)) p.add(`${at}.name`, name, 'is not a DNS-1123 label (lowercase letters, digits, "-"; at most 63)');
  const rootNamespace = c.rootNamespace ?? 'istio-system';
  if (!isDnsLabel(rootNamespace)) p.add(`${at}.rootNamespace`, rootNamespace, 'is not a namespace name (DNS-1123 label)');
  const network = c.network ?? name;
  if (typeof network !== 'string' || !isLabelValue(network) || network === '') {
    p.add(`${at}.network`, network, 'is not a network name (a label value)');
  }
  let ew = c.eastWestGateway ?? {};
  if (!checkKnownKeys(p, `${at}.eastWestGateway`, ew, ['address', 'port', 'meshTlsPort', 'selector', 'namespace'])) ew = {};
  const eastWestNamespace = ew.namespace ?? rootNamespace;
  if (!isDnsLabel(eastWestNamespace)) p.add(`${at}.eastWestGateway.namespace`, eastWestNamespace, 'is not a namespace name (DNS-1123 label)');
  if (ew.address !== undefined && !isIP(ew.address) && !isHostname(ew.address)) {
    p.add(`${at}.eastWestGateway.address`, ew.address, 'is neither an IP address nor a fully qualified DNS name');
  }
  const port = ew.port ?? 15443;
  if (!isPort(port)) p.add(`${at}.eastWestGateway.port`, port, 'is not a port (1-65535)');
  const meshTlsPort = ew.meshTlsPort ?? 15444;
  if (!isPort(meshTlsPort)) p.add(`${at}.eastWestGateway.meshTlsPort`, meshTlsPort, 'is not a port (1-65535)');
  else if (meshTlsPort === port) {
    p.add(`${at}.eastWestGateway.meshTlsPort`, meshTlsPort, `collides with the passthrough port ${port} (choose another port)`);
  }
  const selector = ew.selector ?? { istio: 'eastwestgateway' };
  checkSelector(p, `${at}.eastWestGateway.selector`, selector);
  let ing = c.ingressGateway ?? {};
  if (!checkKnownKeys(p, `${at}.ingressGateway`, ing, ['selector', 'namespace', 'serviceAccount', 'address'])) ing = {};
  if (ing.address !== undefined && !isIP(ing.address) && !isHostname(ing.address)) {
    p.add(`${at}.ingressGateway.address`, ing.address, 'is neither an IP address nor a fully qualified DNS name');
  }
  const ingressSelector = ing.selector ?? { istio: 'ingressgateway' };
  checkSelector(p, `${at}.ingressGateway.selector`, ingressSelector);
  const ingressNamespace = ing.namespace ?? rootNamespace;
  if (!isDnsLabel(ingressNamespace)) p.add(`${at}.ingressGateway.namespace`, ingressNamespace, 'is not a namespace name (DNS-1123 label)');
  const serviceAccount = ing.serviceAccount ?? 'istio-ingressgateway-service-account';
  if (!isDnsSubdomain(serviceAccount)) {
    p.add(`${at}.ingressGateway.serviceAccount`, serviceAccount, 'is not a service account name (DNS-1123 subdomain)');
  }
  const locality = resolveLocality(p, `${at}.locality`, c.locality);
  return {
    name: String(name),
    network: String(network),
    ...(locality ? { locality } : {}),
    rootNamespace,
    eastWest: { address: ew.address, port, meshTlsPort, selector: { ...selector }, namespace: eastWestNamespace },
    ingress: { selector: { ...ingressSelector }, namespace: ingressNamespace, serviceAccount, address: ing.address },
  };
}

/** Workload selector labels: non-empty, valid keys and values, no `*` (Istio's CEL rule). */
export function checkSelector(p: Problems, field: string, selector: unknown): void {
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector) || Object.keys(selector).length === 0) {
    p.add(field, selector, 'is not a non-empty map of labels (e.g. { app: "httpbin" })');
    return;
  }
  for (const [k, v] of Object.entries(selector)) {
    if (!isLabelKey(k) || k.includes('*')) p.add(`${field}`, k, 'is not a label key');
    else if (!isLabelValue(v) || v === '' || String(v).includes('*')) {
      p.add(`${field}.${k}`, v, 'is not a label value (at most 63 of letters, digits, "-", "_", ".")');
    }
  }
}


/**
 * A locality: region, then zone, then subzone, each a label value without `/` or `*` (Istio
 * joins them with `/` and matches `*` as a wildcard, pilot/pkg/networking/util/util.go:288-298).
 */
function resolveLocality(p: Problems, field: string, l: LocalityProps | undefined): LocalityModel | undefined {
  if (!checkKnownKeys(p, field, l, ['region', 'zone', 'subzone']) || !l) return undefined;
  const bad = (v: unknown) => typeof v !== 'string' || v === '' || !isLabelValue(v) || v.includes('*');
  let ok = true;
  for (const key of ['region', 'zone', 'subzone'] as const) {
    const v = l[key];
    if ((key === 'region' || v !== undefined) && bad(v)) {
      p.add(`${field}.${key}`, v, `is not a ${key} name (a label value such as "eu-west1"${key === 'region' ? '; required' : ''}, no "/" or "*")`);
      ok = false;
    }
  }
  if (l.subzone !== undefined && l.zone === undefined) {
    p.addMessage(`${field}.subzone`, 'needs a zone (a subzone lies in a zone: give zone too)');
    ok = false;
  }
  return ok ? { region: l.region, ...(l.zone ? { zone: l.zone } : {}), ...(l.subzone ? { subzone: l.subzone } : {}) } : undefined;
}
