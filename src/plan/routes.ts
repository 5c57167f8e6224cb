/**
 * How each call to a service travels: the one place that decides it. Every planner and every
 * cross-intent rule reads these routes (as Istio's control plane decides "what each proxy
 * sees" once and builds configuration from that).
 */
import type { ClusterTopology } from '../topology';
import type { MeshModel, ServiceModel } from '../model';
import { byCodeUnit } from './order';

/**
 * - `local`: the caller runs in a cluster where the service runs and calls its Kubernetes
 *   Service there.
 * - `passthrough`: through the server cluster's east-west gateway, which routes the caller's
 *   mTLS on its SNI without terminating it (AUTO_PASSTHROUGH); the server's sidecar checks
 *   the caller's identity.
 * - `gatewayMeshTls`: through the east-west gateway, which terminates mesh mTLS for a workload
 *   without a sidecar (its own server per service) and checks the caller's identity there.
 * - `sameNetwork`: multi-primary, same network: istiod knows the remote pods and the caller
 *   reaches them directly.
 * - `ingress`: clients outside the mesh, through the server cluster's ingress gateway.
 */
export type RouteKind = 'local' | 'passthrough' | 'gatewayMeshTls' | 'sameNetwork' | 'ingress';

/** Where calls start: a client namespace in a cluster (or the ingress gateway's namespace). */
export interface CallSite {
  readonly cluster: string;
  readonly namespace: string;
}

export interface Route {
  readonly kind: RouteKind;
  readonly from: CallSite;
  /** The server cluster the call lands in. */
  readonly to: string;
  /** The call is made to the service's global host (federated), which leads to every server cluster's gateway. */
  readonly global?: true;
}

/** Whether the call enters the server cluster through its east-west gateway. */
export function viaEastWest(kind: RouteKind): boolean {
  return kind === 'passthrough' || kind === 'gatewayMeshTls';
}

/** Every (cluster, namespace) a client of the service calls from, sorted and unique. */
export function callSites(s: ServiceModel): CallSite[] {
  const seen = new Map<string, CallSite>();
  for (const c of s.clients) {
    for (const cluster of c.clusters) seen.set(`${cluster}/${c.namespace}`, { cluster, namespace: c.namespace });
  }
  return [...seen.values()].sort((a, b) => byCodeUnit(a.cluster, b.cluster) || byCodeUnit(a.namespace, b.namespace));
}

/**
 * The routes of one service: per call site, `local` where the service runs in the caller's
 * cluster, and one route per other server cluster the caller's proxy is sent to; then the
 * ingress routes of external access.
 */
export function routesOf(model: MeshModel, topology: ReadonlyMap<string, ClusterTopology>, s: ServiceModel): Route[] {
  const routes: Route[] = [];
  for (const from of callSites(s)) {
    const inServerCluster = s.clusters.includes(from.cluster);
    if (inServerCluster) routes.push({ kind: 'local', from, to: from.cluster });
    // Federated: the caller's control plane knows only its own cluster's Kubernetes Service.
    if (inServerCluster && model.discovery === 'federated') continue;
    const client = topology.get(from.cluster)!;
    for (const to of s.clusters.filter((c) => c !== from.cluster)) {
      const kind = remoteKind(model, s, client, topology.get(to)!, inServerCluster);
      if (kind) routes.push({ kind, from, to });
    }
  }
  routes.push(...globalRoutes(model, s));
  if (s.external) {
    for (const to of s.clusters) routes.push({ kind: 'ingress', from: { cluster: to, namespace: topology.get(to)!.ingress.namespace }, to });
  }
  return routes;
}

/**
 * Federated, with a global host: every caller, wherever it runs, reaches every server cluster
 * through that cluster's east-west gateway, its own cluster's included (its control plane knows
 * no other cluster's pods, and its local Kubernetes Service has no `.global` name).
 */
function globalRoutes(model: MeshModel, s: ServiceModel): Route[] {
  if (model.discovery !== 'federated' || !s.globalHost) return [];
  return callSites(s).flatMap((from) => s.clusters.map((to): Route => ({ kind: 'passthrough', from, to, global: true })));
}

/**
 * A caller in another cluster: direct on a shared network (multi-primary), else the gateway.
 *
 * Multi-primary: a caller in a server cluster gets the pods of every cluster istiod knows,
 * with each remote network's pods replaced by that network's east-west gateway (Istio 1.30.3
 * pilot/pkg/xds/endpoints/ep_filters.go:112-201): it needs a route (and so an exposed host) to
 * every other server cluster. Remote endpoints that are not mTLS are dropped (ep_filters.go:176-178),
 * so such a caller never leaves its cluster for a workload without a sidecar on another network.
 */
function remoteKind(model: MeshModel, s: ServiceModel, client: ClusterTopology, server: ClusterTopology,
  inServerCluster: boolean): RouteKind | undefined {
  if (model.discovery === 'multi-primary' && client.network === server.network) return 'sameNetwork';
  if (inServerCluster && !s.sidecar) return undefined;
  return s.sidecar ? 'passthrough' : 'gatewayMeshTls';
}

/** The routes of every service, computed once per plan. */
export class RouteTable {
  private readonly routes = new Map<ServiceModel, Route[]>();

  constructor(model: MeshModel, topology: ReadonlyMap<string, ClusterTopology>) {
    for (const s of model.services) this.routes.set(s, routesOf(model, topology, s));
  }

  public of(s: ServiceModel): readonly Route[] {
    return this.routes.get(s) ?? [];
  }
}
