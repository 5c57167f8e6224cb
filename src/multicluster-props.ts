/**
 * Reads an InboundService's failover, distribution, versions and global host into its part
 * of the mesh model: the checks that need only the service (the rest, which need the mesh's
 * localities, discovery mode and callers, are in rules/multicluster.ts).
 */
import { Failover } from './failover';
import type { MeshCluster } from './mesh';
import type { FailoverModel, PortModel, ServiceModel, TrafficPolicyModel } from './model';
import type { Problems } from './problems';
import { resolveDistribution, resolveVersions, TrafficDistribution, ServiceVersion } from './traffic-split';

export interface MulticlusterProps {
  readonly failover?: Failover;
  readonly distribution?: TrafficDistribution[];
  readonly versions?: ServiceVersion[];
  readonly globalHost?: boolean;
}

/** What the service already resolved that these settings depend on. */
export interface MulticlusterContext {
  readonly home: MeshCluster;
  readonly clusters: readonly string[];
  readonly serviceName: string;
  readonly namespace: string;
  readonly workloadLabels: Record<string, string>;
  readonly ports: readonly PortModel[];
  readonly sidecar: boolean;
  readonly instances: number;
  readonly trafficPolicy: TrafficPolicyModel;
}

type MulticlusterModel = Pick<ServiceModel, 'failover' | 'distribution' | 'versions' | 'globalHost'>;

export function resolveMulticluster(p: Problems, props: MulticlusterProps, c: MulticlusterContext): MulticlusterModel {
  const given = (['failover', 'distribution', 'versions', 'globalHost'] as const).filter((k) => props[k] !== undefined && props[k] !== false);
  for (const field of given) {
    if (!c.sidecar) p.addMessage(field, 'needs the Istio sidecar; this service has sidecar: false (the caller\'s sidecar applies it)');
    else if (c.instances > 0) {
      p.addMessage(field, 'does not apply to a headless service (its callers address one instance, in one cluster)');
    }
  }
  if (given.length === 0 || !c.sidecar || c.instances > 0) return {};
  const failover = resolveFailover(p, props.failover, c);
  const distribution = resolveDistribution(p, props.distribution, c.home, c.clusters);
  const versions = resolveVersions(p, props.versions, c);
  if (versions.length > 0) checkVersionPorts(p, c.ports);
  if (props.globalHost !== undefined && typeof props.globalHost !== 'boolean') p.add('globalHost', props.globalHost, 'is not true or false');
  const globalHost = props.globalHost === true ? `${c.serviceName}.${c.namespace}.global` : undefined;
  return {
    ...(failover ? { failover } : {}),
    ...(distribution.length > 0 ? { distribution } : {}),
    ...(versions.length > 0 ? { versions } : {}),
    ...(globalHost ? { globalHost } : {}),
  };
}

/**
 * Failover needs several clusters, and outlier detection: Istio sets up failover only when
 * the rule has it (Istio 1.30.3 pilot/pkg/xds/endpoints/endpoint_builder.go:415-432,
 * pilot/pkg/networking/core/cluster_traffic_policy.go:323), since without ejection nothing is
 * ever unhealthy. Istio only warns (pkg/config/validation/agent/validation.go:566-568).
 */
function resolveFailover(p: Problems, given: unknown, c: MulticlusterContext): FailoverModel | undefined {
  if (given === undefined) return undefined;
  if (!(given instanceof Failover)) {
    p.add('failover', given, 'is not a Failover (use Failover.byLocality(), Failover.inOrder([...]) or Failover.byLabels([...]))');
    return undefined;
  }
  const failover = given._bind(p, 'failover', c.home);
  if (c.clusters.length < 2) {
    p.addMessage('failover', `needs a service in more than one cluster; it runs in ${c.clusters[0]} only (add additionalClusters, or drop failover)`);
  }
  if (!c.trafficPolicy.outlierDetection) {
    p.addMessage('failover', 'needs trafficPolicy.outlierDetection: a caller fails over only from endpoints it ejects (e.g. '
      + 'outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s" })');
  }
  if (failover?.kind === 'order') {
    const missing = c.clusters.filter((x) => !failover.clusters.includes(x));
    const extra = failover.clusters.filter((x) => !c.clusters.includes(x));
    if (missing.length > 0 || extra.length > 0) {
      p.add('failover.clusters', failover.clusters, `must list each cluster the service runs in once (${c.clusters.join(', ')})`
        + `${extra.length > 0 ? `; it does not run in ${extra.join(', ')}` : ''}${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`);
      return undefined;
    }
  }
  return failover;
}

/** A version split routes each port: HTTP-family and TCP ports can be routed by weight; a TLS port needs SNI matches. */
function checkVersionPorts(p: Problems, ports: readonly PortModel[]): void {
  const tls = ports.find((x) => x.protocol === 'TLS');
  if (tls) {
    p.add('versions', tls.number, 'is a TLS port; a version split is routed for HTTP, HTTP2, GRPC and TCP ports only (declare the port as TCP)');
  }
}
