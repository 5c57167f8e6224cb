/**
 * The logical cloud's shape: the clusters that share one root CA and trust domain, and the
 * gateways that connect them. Plain data; `Mesh` validates it.
 */

/** How clusters learn about each other's services. */
export type DiscoveryMode =
  /**
   * Each cluster runs its own control plane and knows nothing of the others (the seed's model).
   * A client reaches a remote service through a ServiceEntry pointing at the remote cluster's
   * east-west gateway, which passes the client's mTLS through (AUTO_PASSTHROUGH).
   */
  | 'federated'
  /**
   * The control planes share discovery (Istio multi-primary): no ServiceEntries are needed;
   * clusters on different networks still need the east-west gateway to expose the hosts.
   */
  | 'multi-primary';

export interface EastWestGatewayProps {
  /**
   * Address clients in other clusters use to reach this cluster's east-west gateway: an IP
   * address or a DNS name.
   * @default - none: services in this cluster cannot have clients in other clusters (federated mode)
   */
  readonly address?: string;
  /**
   * The gateway's mTLS passthrough port.
   * @default 15443
   */
  readonly port?: number;
  /**
   * Port on which the gateway terminates mesh mTLS for services without a sidecar
   * (it must be exposed by the gateway's Kubernetes Service).
   * @default 15444
   */
  readonly meshTlsPort?: number;
  /**
   * Labels of the east-west gateway pods.
   * @default { istio: 'eastwestgateway' }
   */
  readonly selector?: Record<string, string>;
  /**
   * Namespace the east-west gateway runs in (its Gateway, and what only it must see, go there).
   * @default - the cluster's root namespace
   */
  readonly namespace?: string;
}

export interface IngressGatewayProps {
  /**
   * Labels of the ingress gateway pods.
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: Record<string, string>;
  /**
   * Namespace the ingress gateway runs in; its TLS Secrets must live there.
   * @default - the cluster's root namespace
   */
  readonly namespace?: string;
  /**
   * Service account of the ingress gateway: the identity external clients arrive with.
   * @default 'istio-ingressgateway-service-account'
   */
  readonly serviceAccount?: string;
  /**
   * Public address of the ingress gateway (documentation only; DNS for external hosts must
   * point here).
   * @default - not recorded
   */
  readonly address?: string;
}

/**
 * Where a cluster's nodes run: Istio's locality `<region>/<zone>/<subzone>`, read by istiod
 * from the nodes' `topology.kubernetes.io/region`, `topology.kubernetes.io/zone` and
 * `topology.istio.io/subzone` labels (Istio 1.30.3 pkg/model/proxy.go:427-439).
 */
export interface LocalityProps {
  /** Region, e.g. `eu-west1` (a label value without `/`). */
  readonly region: string;
  /** Zone in the region, e.g. `eu-west1-b`. @default - the whole region */
  readonly zone?: string;
  /** Subzone in the zone (needs `zone`). @default - the whole zone */
  readonly subzone?: string;
}

export interface ClusterProps {
  /** Cluster name (DNS-1123 label); also the output directory name. */
  readonly name: string;
  /**
   * Locality of the cluster's nodes, for locality failover and weighted distribution. The
   * nodes must carry the matching labels (istiod reads a caller's locality from its node).
   * @default - no locality: locality failover and distribution to or from the cluster are errors
   */
  readonly locality?: LocalityProps;
  /**
   * Istio network of the cluster (`topology.istio.io/network`).
   * @default - the cluster name (every cluster on its own network)
   */
  readonly network?: string;
  /**
   * The east-west gateway through which other clusters reach this one.
   * @default - no east-west gateway address
   */
  readonly eastWestGateway?: EastWestGatewayProps;
  /**
   * The ingress gateway external clients use.
   * @default - selector `istio: ingressgateway` in the root namespace
   */
  readonly ingressGateway?: IngressGatewayProps;
  /**
   * Istio's root namespace (where istiod and the gateways run).
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}

/** Resolved cluster settings (every default applied). */
export interface ClusterTopology {
  readonly name: string;
  readonly network: string;
  /** Locality of the cluster's nodes, when declared. */
  readonly locality?: LocalityModel;
  readonly rootNamespace: string;
  readonly eastWest: {
    readonly address?: string;
    readonly port: number;
    readonly meshTlsPort: number;
    readonly selector: Record<string, string>;
    readonly namespace: string;
  };
  readonly ingress: {
    readonly selector: Record<string, string>;
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly address?: string;
  };
}

/** A resolved locality. */
export interface LocalityModel {
  readonly region: string;
  readonly zone?: string;
  readonly subzone?: string;
}

/** Istio's locality string: `region`, `region/zone` or `region/zone/subzone`. */
export function localityString(l: LocalityModel): string {
  return [l.region, l.zone, l.subzone].filter((x) => x !== undefined).join('/');
}
