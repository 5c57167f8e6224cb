/**
 * What the per-role planners share: the model, the cluster topologies, the routes, the VIPs,
 * and the list of planned objects they append to.
 */
import type { ClusterTopology } from '../topology';
import type { MeshModel, ServiceModel } from '../model';
import { MANAGED_BY, SERVICE_INTENT_LABEL } from '../render/labels';
import type { ObjectMeta } from '../render/object';
import type { PlannedObject, PlannedSpec } from './planned';
import { RouteTable } from './routes';
import { allocateMeshVips } from './vips';

export class PlanContext {
  public readonly objects: PlannedObject[] = [];
  public readonly topology: ReadonlyMap<string, ClusterTopology>;
  public readonly routes: RouteTable;
  private vipCache?: ReadonlyMap<string, string>;

  constructor(public readonly model: MeshModel) {
    this.topology = new Map(model.clusters.map((c) => [c.name, c]));
    this.routes = new RouteTable(model, this.topology);
  }

  public cluster(name: string): ClusterTopology {
    return this.topology.get(name)!;
  }

  /** The VIP of a ServiceEntry host (allocated over the whole mesh on first use). */
  public vip(host: string): string | undefined {
    this.vipCache ??= allocateMeshVips(this.model).addresses;
    return this.vipCache.get(host);
  }

  /** Plans an object rendered for a service (labels and annotations of the intent). */
  public addFor(s: ServiceModel, cluster: string, meta: ServiceObjectName, spec: PlannedSpec): void {
    this.objects.push({ cluster, owner: s.path, meta: serviceMeta(s, meta), ...spec });
  }

  /** Plans a mesh-wide object (not owned by one intent). */
  public addMeshObject(cluster: string, meta: ObjectMeta, spec: PlannedSpec): void {
    this.objects.push({ cluster, owner: 'mesh', meta, ...spec });
  }
}

/** Name, namespace and extra annotations of an object rendered for a service. */
export interface ServiceObjectName {
  readonly name: string;
  readonly namespace: string;
  readonly annotations?: Record<string, string>;
}

function serviceMeta(s: ServiceModel, m: ServiceObjectName): ObjectMeta {
  const annotations = { ...s.annotations, ...m.annotations };
  return {
    name: m.name,
    namespace: m.namespace,
    labels: { ...MANAGED_BY, [SERVICE_INTENT_LABEL]: s.name, ...s.labels },
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  };
}
