/**
 * Which Istio objects each cluster gets, decided from the mesh model alone (a pure function:
 * model → planned objects). The routes (`routes.ts`) decide how each call travels; the
 * per-role planners turn them into objects; the shape of each object lives in `render/`.
 */
import type { MeshModel } from '../model';
import { PlanContext } from './context';
import { planClientSide } from './client';
import { planEastWestForService, planEastWestGateways } from './east-west';
import { planExternalAccess, planIngressGateways } from './external';
import { planGlobalHostCallers } from './global-host';
import type { PlannedObject } from './planned';
import { planServerSide } from './server';

export function planMesh(model: MeshModel): PlannedObject[] {
  const ctx = new PlanContext(model);
  for (const s of model.services) {
    planServerSide(ctx, s);
    planExternalAccess(ctx, s);
    planClientSide(ctx, s);
    planGlobalHostCallers(ctx, s);
    planEastWestForService(ctx, s);
  }
  planEastWestGateways(ctx);
  planIngressGateways(ctx);
  return ctx.objects;
}

export { PlanContext } from './context';
export { ANALYZE_SUPPRESS, CLUSTER_LABEL } from './client';
export { FAILOVER_LABEL_PREFIX, VERSION_LABEL_PREFIX, distributionFor } from './multicluster';
export { eastWestGatewayName } from './east-west';
export { ingressGatewayName } from './external';
export { plannedKey } from './planned';
export type { PlannedKind, PlannedObject, PlannedSpec } from './planned';
export { callSites, routesOf, RouteTable, viaEastWest } from './routes';
export type { CallSite, Route, RouteKind } from './routes';
export { allocateMeshVips, checkVips } from './vips';
