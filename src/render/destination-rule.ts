import {
  DestinationRule,
  DestinationRuleSpec,
  DestinationRuleSpecTrafficPolicyLoadBalancerSimple as LbSimple,
  DestinationRuleSpecTrafficPolicyTlsMode as TlsMode,
  toJson_DestinationRuleSpec,
} from '../../imports/networking.istio.io';
import type { TrafficPolicyModel } from '../model';
import type { KindRenderer } from './object';

export interface DestinationRuleInput {
  readonly host: string;
  /**
   * ISTIO_MUTUAL for sidecar workloads (and mesh-mTLS gateways); DISABLE without a sidecar.
   * @default - no TLS setting (a gateway forwarding mTLS untouched)
   */
  readonly tls?: 'ISTIO_MUTUAL' | 'DISABLE';
  /** SNI to present (a gateway terminating mesh mTLS routes on it). */
  readonly sni?: string;
  readonly trafficPolicy?: TrafficPolicyModel;
  /** Namespaces that see the rule (`.` = its own). @default - all */
  readonly exportTo?: string[];
  /** Only these workloads (of the rule's namespace) apply it. @default - every workload that sees it */
  readonly workloadSelector?: Record<string, string>;
  /** How the caller weighs and orders the endpoints' localities. @default - Istio's mesh-wide setting */
  readonly localityLbSetting?: LocalityLbInput;
  /** Subsets by endpoint labels. @default - none */
  readonly subsets?: readonly SubsetInput[];
}

/** Istio's `localityLbSetting`, in the shape this library uses (never `failover`, which only names regions). */
export interface LocalityLbInput {
  readonly enabled?: boolean;
  readonly distribute?: ReadonlyArray<{ readonly from: string; readonly to: Record<string, number> }>;
  readonly failoverPriority?: readonly string[];
}

export interface SubsetInput {
  readonly name: string;
  readonly labels: Record<string, string>;
}

const LB: Record<string, LbSimple> = {
  ROUND_ROBIN: LbSimple.ROUND_UNDERSCORE_ROBIN,
  LEAST_REQUEST: LbSimple.LEAST_UNDERSCORE_REQUEST,
  RANDOM: LbSimple.RANDOM,
};

/** The only place that builds DestinationRule specs. */
export function destinationRuleSpec(input: DestinationRuleInput): DestinationRuleSpec {
  const tp = input.trafficPolicy ?? {};
  const lb = tp.loadBalancer;
  const pool = tp.connectionPool;
  const od = tp.outlierDetection;
  return {
    host: input.host,
    exportTo: input.exportTo,
    workloadSelector: input.workloadSelector && { matchLabels: { ...input.workloadSelector } },
    trafficPolicy: {
      tls: input.tls === undefined ? undefined
        : { mode: input.tls === 'ISTIO_MUTUAL' ? TlsMode.ISTIO_UNDERSCORE_MUTUAL : TlsMode.DISABLE, sni: input.sni },
      loadBalancer: loadBalancerSpec(lb, input.localityLbSetting),
      connectionPool: pool === undefined ? undefined : { tcp: pool.tcp && { ...pool.tcp }, http: pool.http && { ...pool.http } },
      outlierDetection: od === undefined ? undefined : {
        consecutive5XxErrors: od.consecutive5xxErrors,
        consecutiveGatewayErrors: od.consecutiveGatewayErrors,
        interval: od.interval,
        baseEjectionTime: od.baseEjectionTime,
        maxEjectionPercent: od.maxEjectionPercent,
      },
    },
    subsets: input.subsets && input.subsets.length > 0 ? input.subsets.map((x) => ({ name: x.name, labels: { ...x.labels } })) : undefined,
  };
}

function loadBalancerSpec(lb: TrafficPolicyModel['loadBalancer'], locality: LocalityLbInput | undefined) {
  if (lb === undefined && locality === undefined) return undefined;
  const localityLbSetting = locality && {
    enabled: locality.enabled,
    distribute: locality.distribute?.map((d) => ({ from: d.from, to: { ...d.to } })),
    failoverPriority: locality.failoverPriority && [...locality.failoverPriority],
  };
  if (lb === undefined) return { localityLbSetting };
  return 'simple' in lb ? { simple: LB[lb.simple], localityLbSetting } : { consistentHash: { ...lb.consistentHash }, localityLbSetting };
}

/** How a DestinationRule is written: its apiVersion and kind, and the JSON shape of its spec. */
export const DESTINATION_RULE: KindRenderer<DestinationRuleSpec> = { gvk: DestinationRule.GVK, specToJson: toJson_DestinationRuleSpec };
