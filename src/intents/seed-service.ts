/**
 * A seed inbound service (`inboundServices[]`) as InboundService props: flags, load balancing,
 * connection pool, outlier detection, external TLS and user data, each checked where the seed's
 * own format allows what the construct cannot express.
 */
import { ClientCertificateAuthority, ExternalAccess, TlsCredential } from '../external-access';
import { show } from '../problems';
import type { InboundServiceProps } from '../service-props';
import { CookieOptions, LoadBalancer, RetryPolicy, TrafficPolicyOptions } from '../traffic-policy';
import type { InboundMetadataJson, InboundServiceJson, InboundServiceSpecJson, LoadBalancingJson, RetriesJson } from './bundle-json';
import { asDuration, asNumber, flag, pick, withoutUndefined } from './bundle-values';
import { Located, where } from './load';
import { seedMulticlusterProps, ServiceClusters } from './seed-multicluster';
import type { At, ExternalSettings, ServicePropsResult } from './service-result';

const PEM = /-----BEGIN /;
const HASHES = 'httpCookie, httpHeaderName, httpQueryParameterName, useSourceIp';

/**
 * Props of a seed inbound service placed in `clusters.placed`, or undefined when it has problems
 * (they are added to `problems`).
 */
export function seedServiceProps(
  item: Located<InboundServiceJson>, namespace: string, clusters: ServiceClusters, problems: string[],
): ServicePropsResult | undefined {
  const { metadata: md, spec } = item.value;
  const at: At = (f) => where(item.origin, f);
  const before = problems.length;
  const headless = flag(spec.headless, at('.spec.headless'), problems);
  const sidecar = flag(spec['istio-proxy'], at('.spec.istio-proxy'), problems);
  const dryRun = flag(spec.dryRun, at('.spec.dryRun'), problems);
  const trafficPolicy = seedTrafficPolicy(spec, at, problems);
  const { externalAccess, external } = seedExternalAccess(spec, at, problems);
  const multicluster = seedMulticlusterProps(spec, at, clusters, problems);
  if (problems.length > before || !multicluster) return undefined;
  const userData = seedUserData(md, at, problems);
  const props = withoutUndefined<InboundServiceProps>({
    name: md.name,
    description: md.description,
    userData,
    application: spec.application,
    serviceName: spec.servicename,
    namespace: spec.namespace ?? namespace,
    protocol: spec.protocol,
    port: asNumber(spec.port),
    targetPort: asNumber(spec.targetPort),
    headless,
    instances: asNumber(spec.instances),
    sidecar,
    // Any case of "istio"; the construct checks it.
    serviceMesh: spec.serviceMesh as InboundServiceProps['serviceMesh'],
    trafficPolicy,
    timeout: asDuration(spec.timeout),
    retries: spec.retries && seedRetries(spec.retries),
    allowedNamespaces: spec.namespaces && spec.namespaces.length > 0 ? spec.namespaces : undefined,
    workloadLabels: spec.workloadLabels,
    serviceAccount: spec.serviceAccount,
    externalAccess,
    dryRun,
    vip: spec.vip,
    ...multicluster,
  });
  return { props, external };
}

function seedRetries(retries: RetriesJson): RetryPolicy | undefined {
  const retryOn = typeof retries.retryOn === 'string' ? retries.retryOn.split(',') : retries.retryOn;
  return pick({ attempts: asNumber(retries.attempts), perTryTimeout: asDuration(retries.perTryTimeout), retryOn });
}

/** userdata1/userdata2 (the seed also writes userData1/userData2; one of each pair). */
function seedUserData(md: InboundMetadataJson, at: At, problems: string[]): Record<string, string> | undefined {
  for (const n of ['1', '2'] as const) {
    if (md[`userdata${n}`] !== undefined && md[`userData${n}`] !== undefined) {
      problems.push(`${at(`.metadata.userData${n}`)}: is given together with userdata${n} (give one)`);
    }
  }
  return pick({ userdata1: md.userdata1 ?? md.userData1, userdata2: md.userdata2 ?? md.userData2 }) as Record<string, string> | undefined;
}

function seedTrafficPolicy(spec: InboundServiceSpecJson, at: At, problems: string[]): TrafficPolicyOptions | undefined {
  const loadBalancer = spec.loadBalancing ? seedLoadBalancer(spec.loadBalancing, at, problems) : undefined;
  const pool = pick({
    maxConnections: asNumber(spec.maxConnections),
    connectTimeout: asDuration(spec.connectTimeout),
    http2MaxRequests: asNumber(spec.http2MaxRequests),
    maxRequestsPerConnection: asNumber(spec.maxRequestsPerConnection),
    http1MaxPendingRequests: asNumber(spec.http1MaxPendingRequests),
  });
  const outlier = pick({
    consecutive5xxErrors: asNumber(spec.consecutive5xxErrors),
    consecutiveGatewayErrors: asNumber(spec.consecutiveGatewayErrors),
    interval: asDuration(spec.intervalSweep),
    baseEjectionTime: asDuration(spec.baseEjectionTime),
    maxEjectionPercent: asNumber(spec.maxEjectionPercent),
  });
  return loadBalancer || pool || outlier ? pick({ loadBalancer, connectionPool: pool, outlierDetection: outlier }) : undefined;
}

/** The load balancer `loadBalancing` chooses: a mode, or one hash (which implies CONSISTENT_HASH). */
function seedLoadBalancer(lb: LoadBalancingJson, at: At, problems: string[]): LoadBalancer | undefined {
  const useSourceIp = flag(lb.useSourceIp, at('.spec.loadBalancing.useSourceIp'), problems);
  const hashes = [
    lb.httpCookie !== undefined && 'httpCookie', lb.httpHeaderName !== undefined && 'httpHeaderName',
    lb.httpQueryParameterName !== undefined && 'httpQueryParameterName', useSourceIp === true && 'useSourceIp',
  ].filter((h): h is string => typeof h === 'string');
  const mode = lb.mode ?? (hashes.length > 0 ? 'CONSISTENT_HASH' : undefined);
  const problem = loadBalancingProblem(lb, mode, hashes, at);
  if (problem !== undefined) {
    problems.push(problem);
    return undefined;
  }
  return chosenLoadBalancer(lb, mode);
}

/** Why `loadBalancing` chooses no load balancer, or two at once. */
function loadBalancingProblem(lb: LoadBalancingJson, mode: string | undefined, hashes: readonly string[], at: At): string | undefined {
  const field = at('.spec.loadBalancing');
  if (mode === undefined) return `${field}: ${show(lb)} chooses nothing (give mode, or one of ${HASHES}: true)`;
  if (hashes.length > 1) return `${field}: sets ${hashes.join(' and ')}; a consistent hash uses one of ${HASHES}`;
  if (mode === 'CONSISTENT_HASH' && hashes.length === 0) return `${field}: mode CONSISTENT_HASH needs one of ${HASHES}`;
  if (mode !== 'CONSISTENT_HASH' && hashes.length > 0) {
    const why = 'two load-balancer kinds at once; use mode CONSISTENT_HASH';
    return `${at('.spec.loadBalancing.mode')}: ${show(mode)} cannot be combined with ${hashes[0]} (${why})`;
  }
  return undefined;
}

function chosenLoadBalancer(lb: LoadBalancingJson, mode: string | undefined): LoadBalancer {
  if (mode === 'ROUND_ROBIN') return LoadBalancer.roundRobin();
  if (mode === 'LEAST_REQUEST') return LoadBalancer.leastRequest();
  if (mode === 'RANDOM') return LoadBalancer.random();
  // The cookie's name and ttl are checked by the construct.
  if (lb.httpCookie !== undefined) return LoadBalancer.consistentHashByCookie(lb.httpCookie as CookieOptions);
  if (lb.httpHeaderName !== undefined) return LoadBalancer.consistentHashByHeader(lb.httpHeaderName);
  if (lb.httpQueryParameterName !== undefined) return LoadBalancer.consistentHashByQueryParameter(lb.httpQueryParameterName);
  return LoadBalancer.consistentHashBySourceIp();
}

/** External access (`mutualTLS: SIMPLE | MUTUAL`), certificates only as Secret references. */
function seedExternalAccess(spec: InboundServiceSpecJson, at: At, problems: string[]): ExternalSettings {
  const mode = spec.mutualTLS === undefined ? 'ISTIO_MUTUAL' : String(spec.mutualTLS).toUpperCase();
  for (const f of ['Servicecertificate', 'ServicePrivateKey'] as const) {
    const value = spec[f];
    if (typeof value === 'string' && PEM.test(value)) {
      problems.push(`${at(`.spec.${f}`)}: PEM is not accepted in a bundle (it would be committed); `
        + 'put it in a Secret in the ingress gateway\'s namespace and name it in credentialName');
    }
  }
  const credentialName = seedCredentialName(spec, at, problems);
  if (mode === 'SIMPLE' || mode === 'MUTUAL') return seedExternalTls(mode, spec, credentialName, at, problems);
  if (mode !== 'ISTIO_MUTUAL') {
    problems.push(`${at('.spec.mutualTLS')}: ${show(spec.mutualTLS)} is not a TLS mode (ISTIO_MUTUAL, SIMPLE or MUTUAL)`);
    return {};
  }
  for (const f of ['externalHost', 'externalPort', 'credentialName', 'remoteIpBlocks', 'Servicecertificate', 'ServicePrivateKey'] as const) {
    if (spec[f] !== undefined) {
      problems.push(`${at(`.spec.${f}`)}: is only used with mutualTLS SIMPLE or MUTUAL (external clients); this service is ISTIO_MUTUAL`);
    }
  }
  return {};
}

/** The Secret holding the certificate: credentialName, or a Servicecertificate that names one. */
function seedCredentialName(spec: InboundServiceSpecJson, at: At, problems: string[]): string | undefined {
  // A Servicecertificate that is not PEM names the Secret (the seed's way); PEM is a problem of its own.
  const namedByCertificate = PEM.test(spec.Servicecertificate ?? '') ? undefined : spec.Servicecertificate || undefined;
  const credentialName = spec.credentialName ?? namedByCertificate;
  const key = spec.ServicePrivateKey;
  if (key && !PEM.test(key) && key !== credentialName) {
    const field = at('.spec.ServicePrivateKey');
    problems.push(credentialName === undefined
      ? `${field}: ${show(key)} is given without a certificate Secret (set credentialName: the Secret holding tls.crt and tls.key)`
      : `${field}: ${show(key)} must name the same Secret as the certificate (${show(credentialName)}): `
        + 'Istio reads tls.crt and tls.key from one Secret');
  }
  return credentialName;
}

function seedExternalTls(
  mode: 'SIMPLE' | 'MUTUAL', spec: InboundServiceSpecJson, credentialName: string | undefined, at: At, problems: string[],
): ExternalSettings {
  const host = spec.externalHost;
  if (host === undefined) problems.push(`${at('.spec.externalHost')}: is required with mutualTLS ${mode} (the host name external clients use)`);
  if (credentialName === undefined) {
    const holds = `tls.crt and tls.key${mode === 'MUTUAL' ? ', and ca.crt' : ''}`;
    problems.push(`${at('.spec.credentialName')}: is required with mutualTLS ${mode} (the Secret holding ${holds})`);
  }
  const external = { remoteIpBlocks: [...(spec.remoteIpBlocks ?? [])] };
  if (host === undefined || credentialName === undefined) return { external }; // reported: the service is not built
  const credential = TlsCredential.fromSecret(credentialName);
  const options = { host, port: asNumber(spec.externalPort), credential, remoteIpBlocks: external.remoteIpBlocks };
  const externalAccess = mode === 'SIMPLE'
    ? ExternalAccess.simple(options)
    : ExternalAccess.mutual({ ...options, clientCa: ClientCertificateAuthority.inCredentialSecret() });
  return { externalAccess, external };
}
