/**
 * The items of an intent bundle as the loader hands them to the builder. Every item has been
 * validated by the schema (intent-bundle.schema.json; an item with a schema problem is left
 * out), so these types mirror the schema. Values the seed writes in more than one way (ports,
 * counts and flags as numbers or strings) keep both types: the builder converts them, and the
 * constructs check what they are given.
 */

/** A port: `8000` or `"8000"`. */
export type PortJson = number | string;
/** A count: `3` or `"3"`. */
export type CountJson = number | string;
/** A yes/no value: `true`, `"true"`, `"yes"`, ... (any case). */
export type FlagJson = boolean | string;
/** A duration: `"5s"`, or a number the constructs reject with their own message. */
export type DurationJson = string | number;
export type LabelsJson = Record<string, string>;

export interface EastWestGatewayJson {
  readonly address?: string;
  readonly port?: PortJson;
  readonly meshTlsPort?: PortJson;
  readonly selector?: LabelsJson;
  readonly namespace?: string;
}

export interface IngressGatewayJson {
  readonly address?: string;
  readonly selector?: LabelsJson;
  readonly namespace?: string;
  readonly serviceAccount?: string;
}

/** Where a cluster's nodes run (Istio's `region/zone/subzone`). */
export interface LocalityJson {
  readonly region: string;
  readonly zone?: string;
  readonly subzone?: string;
}

export interface ClusterJson {
  readonly name: string;
  readonly network?: string;
  readonly locality?: LocalityJson;
  readonly rootNamespace?: string;
  readonly eastWestGateway?: EastWestGatewayJson;
  readonly ingressGateway?: IngressGatewayJson;
}

export interface LogicalCloudJson {
  readonly name: string;
  readonly namespace?: string;
  readonly trustDomain?: string;
  readonly discovery?: 'federated' | 'multi-primary';
  readonly vipRange?: string;
  readonly strict?: boolean;
  readonly clusters: ClusterJson[];
}

/** Metadata of an EMCO intent. */
export interface EmcoMetadataJson {
  readonly name: string;
  readonly description?: string;
  readonly userData1?: string;
  readonly userData2?: string;
}

/** Metadata of a seed inbound service. */
export interface InboundMetadataJson extends EmcoMetadataJson {
  readonly userdata1?: string;
  readonly userdata2?: string;
}

/** Metadata of a seed client or security intent. */
export interface MetadataJson extends InboundMetadataJson {
  readonly application?: string;
}

export interface LoadBalancingJson {
  readonly mode?: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'CONSISTENT_HASH';
  readonly httpCookie?: { readonly name?: string; readonly path?: string; readonly ttl?: DurationJson };
  readonly httpHeaderName?: string;
  readonly httpQueryParameterName?: string;
  readonly useSourceIp?: FlagJson;
}

export interface RetriesJson {
  readonly attempts: CountJson;
  readonly perTryTimeout?: DurationJson;
  readonly retryOn?: string | string[];
}

/** How callers fail over between the service's clusters; `clusters` only with mode order, `labels` only with mode labels. */
export interface FailoverJson {
  readonly mode: 'locality' | 'order' | 'labels';
  readonly clusters?: string[];
  readonly labels?: string[];
}

/** One calling group's shares of the service's clusters (cluster names of the logical cloud). */
export interface DistributionJson {
  readonly from?: string[];
  readonly to: Array<{ readonly cluster: string; readonly weight: CountJson }>;
}

/** A version of the service: a subset of its pods, with a share of the calls. */
export interface VersionJson {
  readonly name: string;
  readonly labels: LabelsJson;
  readonly weight: CountJson;
  readonly clusters?: string[];
}

export interface InboundServiceSpecJson {
  readonly application: string;
  readonly servicename?: string;
  readonly namespace?: string;
  readonly protocol: string;
  readonly port: PortJson;
  readonly targetPort?: PortJson;
  readonly headless?: FlagJson;
  readonly instances?: CountJson;
  readonly mutualTLS?: string;
  readonly serviceMesh?: string;
  readonly 'istio-proxy'?: FlagJson;
  readonly maxConnections?: CountJson;
  readonly connectTimeout?: DurationJson;
  readonly http2MaxRequests?: CountJson;
  readonly maxRequestsPerConnection?: CountJson;
  readonly http1MaxPendingRequests?: CountJson;
  readonly consecutive5xxErrors?: CountJson;
  readonly consecutiveGatewayErrors?: CountJson;
  readonly baseEjectionTime?: DurationJson;
  readonly intervalSweep?: DurationJson;
  readonly maxEjectionPercent?: CountJson;
  readonly loadBalancing?: LoadBalancingJson;
  readonly timeout?: DurationJson;
  readonly retries?: RetriesJson;
  readonly namespaces?: string[];
  readonly workloadLabels?: LabelsJson;
  readonly serviceAccount?: string;
  readonly externalHost?: string;
  readonly externalPort?: PortJson;
  readonly credentialName?: string;
  readonly Servicecertificate?: string;
  readonly ServicePrivateKey?: string;
  readonly remoteIpBlocks?: string[];
  readonly dryRun?: FlagJson;
  readonly vip?: string;
  readonly failover?: FailoverJson;
  readonly distribution?: DistributionJson[];
  readonly versions?: VersionJson[];
  readonly globalHost?: FlagJson;
}

/** A seed inbound service (`inboundServices[]`). */
export interface InboundServiceJson {
  readonly metadata: InboundMetadataJson;
  readonly spec: InboundServiceSpecJson;
}

/** A seed client (`clients[]`). */
export interface ClientJson {
  readonly inboundService: string;
  readonly metadata: MetadataJson;
  readonly spec?: {
    readonly clientServiceName?: string;
    readonly namespace?: string;
    readonly serviceAccount?: string;
    readonly headless?: FlagJson;
    readonly mTLS?: string;
  };
}

/** Principal → rules, each rule one or more `METHOD: path` entries. */
export type ServiceAccountAccessJson = Record<string, Array<Record<string, string>>>;

/** A seed security intent (`securityIntents[]`). */
export interface SecurityIntentJson {
  readonly inboundService: string;
  readonly client?: string;
  readonly metadata: MetadataJson;
  readonly spec: { readonly serviceAccountAccess: ServiceAccountAccessJson };
}

export interface EmcoInboundIntentSpecJson {
  readonly app: string;
  readonly appLabel?: string;
  readonly serviceName: string;
  readonly externalName?: string;
  readonly port: PortJson;
  readonly protocol: string;
  readonly externalSupport?: FlagJson;
  readonly serviceMesh?: string;
  readonly management?: { readonly sidecarProxy?: FlagJson; readonly tlsType?: string };
  readonly external?: { readonly credentialName?: string; readonly externalCerts?: Record<string, unknown> };
}

/** An EMCO inbound intent (`emco.inboundIntents[]`). */
export interface EmcoInboundIntentJson {
  readonly metadata: EmcoMetadataJson;
  readonly spec: EmcoInboundIntentSpecJson;
}

/** An EMCO clients intent (`emco.clientsIntents[]`). */
export interface EmcoClientsIntentJson {
  readonly inboundIntent: string;
  readonly metadata: EmcoMetadataJson;
  readonly spec: {
    readonly app: string;
    readonly appLabel?: string;
    readonly serviceName: string;
    readonly namespaces?: string[];
    readonly cidrs?: string[];
  };
}

/** An EMCO access point (`emco.accessPoints[]`). */
export interface EmcoAccessPointJson {
  readonly inboundIntent: string;
  readonly clientsIntent: string;
  readonly metadata: EmcoMetadataJson;
  readonly spec: { readonly action: 'ALLOW'; readonly url?: string[]; readonly access?: string[] };
}
