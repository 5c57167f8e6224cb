/**
 * The mesh model: plain, validated data that the intent constructs write into and the
 * renderers read from. Nothing here knows about cdk8s.
 */
import type { ClusterTopology, DiscoveryMode } from './topology';

/** Protocols a service port can speak through the mesh. */
export type Protocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS';
export const PROTOCOLS: readonly Protocol[] = ['HTTP', 'HTTP2', 'GRPC', 'TCP', 'TLS'];

/** True for protocols Envoy parses as HTTP (routes, retries, method/path rules apply). */
export function isHttpFamily(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC';
}

export interface PortModel {
  /** Port name, `<protocol>-<number>` unless chosen (Istio reads the protocol from it). */
  readonly name: string;
  /** The service port: what clients call and what the mesh exposes. */
  readonly number: number;
  /** The container port behind it. */
  readonly targetPort: number;
  readonly protocol: Protocol;
}

/** Istio-shaped traffic policy, already validated (durations normalized). */
export interface TrafficPolicyModel {
  readonly loadBalancer?:
    | { readonly simple: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' }
    | {
      readonly consistentHash: {
        readonly httpCookie?: { name: string; path?: string; ttl?: string };
        readonly httpHeaderName?: string;
        readonly httpQueryParameterName?: string;
        readonly useSourceIp?: boolean;
      };
    };
  readonly connectionPool?: {
    readonly tcp?: { readonly maxConnections?: number; readonly connectTimeout?: string };
    readonly http?: { readonly http2MaxRequests?: number; readonly maxRequestsPerConnection?: number; readonly http1MaxPendingRequests?: number };
  };
  readonly outlierDetection?: {
    readonly consecutive5xxErrors?: number;
    readonly consecutiveGatewayErrors?: number;
    readonly interval?: string;
    readonly baseEjectionTime?: string;
    readonly maxEjectionPercent?: number;
  };
}

export interface RetriesModel {
  readonly attempts: number;
  readonly perTryTimeout?: string;
  readonly retryOn?: string;
}

/** How clients outside the mesh reach the service through the ingress gateway. */
export interface ExternalAccessModel {
  readonly mode: 'SIMPLE' | 'MUTUAL';
  /** Host name external clients use (SNI / Host header). */
  readonly host: string;
  /** Secret (in the ingress gateway's namespace) holding tls.crt / tls.key (and ca.crt). */
  readonly credentialName: string;
  /** Ingress gateway port. */
  readonly port: number;
  /** The service port external traffic is sent to. */
  readonly servicePort: number;
  /** Client IP ranges admitted (AuthorizationPolicy remoteIpBlocks); empty = any. */
  readonly remoteIpBlocks: readonly string[];
  /** PEM certificate and key to emit as the credential Secret (only when given explicitly). */
  readonly credentialPem?: { readonly certificate: string; readonly privateKey: string };
  /** PEM client CA to emit as the `<credential>-cacert` Secret (only when given explicitly). */
  readonly clientCaPem?: string;
}

export interface ClientModel {
  /** Construct path, for messages. */
  readonly path: string;
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Clusters the client workload runs in (first = where the construct lives). */
  readonly clusters: readonly string[];
  readonly headless: boolean;
}

export interface AccessRuleModel {
  readonly methods?: readonly string[];
  readonly paths?: readonly string[];
}

export interface AccessPolicyModel {
  readonly path: string;
  readonly name: string;
  /** Principal the rules apply to. */
  readonly principal: string;
  readonly rules: readonly AccessRuleModel[];
}

/**
 * How callers that see several of the service's clusters fail over between them.
 * - `locality`: Istio's locality failover (same subzone, zone, region, then the rest).
 * - `order`: the clusters in this order, the same for every caller.
 * - `labels`: Istio's `failoverPriority` on these endpoint labels (multi-primary).
 */
export type FailoverModel =
  | { readonly kind: 'locality' }
  | { readonly kind: 'order'; readonly clusters: readonly string[] }
  | { readonly kind: 'labels'; readonly labels: readonly string[] };

/** Percent of the calls of callers in `from` (all when absent) that go to each server cluster. */
export interface DistributionModel {
  readonly from?: readonly string[];
  readonly to: ReadonlyArray<{ readonly cluster: string; readonly weight: number }>;
}

/** A version of the service (a DestinationRule subset): its pods' labels, where it runs, its share of calls. */
export interface VersionModel {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly clusters: readonly string[];
  readonly weight: number;
}

export interface ServiceModel {
  readonly path: string;
  /** Intent name: the name of every object rendered for this service. */
  readonly name: string;
  readonly serviceName: string;
  readonly namespace: string;
  readonly fqdn: string;
  /** Clusters the service runs in (first = where the construct lives). */
  readonly clusters: readonly string[];
  readonly ports: readonly PortModel[];
  readonly sidecar: boolean;
  /** Instance count of a headless (stateful) service; 0 when not headless. */
  readonly instances: number;
  readonly workloadLabels: Record<string, string>;
  /** Labels and annotations put on every object (application, description, userdata). */
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Server service account, pinned as the subjectAltName remote clients verify. */
  readonly serviceAccount?: string;
  readonly trafficPolicy: TrafficPolicyModel;
  readonly timeout?: string;
  readonly retries?: RetriesModel;
  readonly allowedNamespaces: readonly string[];
  readonly external?: ExternalAccessModel;
  readonly dryRun: boolean;
  /** Pinned virtual IP (otherwise allocated). */
  readonly vip?: string;
  /** Clients admitted, in the order they were added. */
  readonly clients: readonly ClientModel[];
  readonly accessPolicies: readonly AccessPolicyModel[];
  /** Failover between the service's clusters. @default - none (Istio balances over every endpoint) */
  readonly failover?: FailoverModel;
  /** Weighted distribution across clusters, per calling cluster. @default - none */
  readonly distribution?: readonly DistributionModel[];
  /** Versions (subsets) and their weights. @default - none */
  readonly versions?: readonly VersionModel[];
  /** Federated: the host `<serviceName>.<namespace>.global` that reaches every cluster, own included. @default - none */
  readonly globalHost?: string;
}

export interface MeshModel {
  readonly name: string;
  readonly trustDomain: string;
  readonly discovery: DiscoveryMode;
  readonly clusters: readonly ClusterTopology[];
  readonly vipRange: string;
  readonly services: readonly ServiceModel[];
}

/** Host names a ServiceEntry may carry for the service: its own, its global host, its instances. */
export function entryHosts(s: ServiceModel): string[] {
  return [s.fqdn, ...(s.globalHost ? [s.globalHost] : []), ...instanceHosts(s)];
}

/** Host names of a headless service's instances (`<svc>-<i>.<svc>.<ns>.svc.cluster.local`). */
export function instanceHosts(s: ServiceModel): string[] {
  return Array.from({ length: s.instances }, (_, i) => `${s.serviceName}-${i}.${s.fqdn}`);
}
