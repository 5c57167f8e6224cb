import {
  VirtualService, VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecTcp, toJson_VirtualServiceSpec,
} from '../../imports/networking.istio.io';
import type { RetriesModel } from '../model';
import type { KindRenderer } from './object';

/** A share of a route's calls sent to one subset. */
export interface WeightedSubset {
  readonly subset: string;
  readonly weight: number;
}

export interface HttpRouteInput {
  /** Port the route matches on (the listener's port). */
  readonly matchPort?: number;
  readonly destinationHost: string;
  readonly destinationPort: number;
  readonly timeout?: string;
  readonly retries?: RetriesModel;
  /** Split the calls over subsets by weight. @default - one destination, no subset */
  readonly split?: readonly WeightedSubset[];
}

export interface TcpRouteInput {
  readonly matchPort?: number;
  readonly destinationHost: string;
  readonly destinationPort: number;
  /** Split the connections over subsets by weight. @default - one destination, no subset */
  readonly split?: readonly WeightedSubset[];
}

/** One destination, or one per subset with its weight (a lone subset takes every call: no weight). */
function destinations(r: { destinationHost: string; destinationPort: number; split?: readonly WeightedSubset[] }) {
  const destination = (subset?: string) => ({ host: r.destinationHost, subset, port: { number: r.destinationPort } });
  if (!r.split || r.split.length === 0) return [{ destination: destination() }];
  if (r.split.length === 1) return [{ destination: destination(r.split[0].subset) }];
  return r.split.map((x) => ({ destination: destination(x.subset), weight: x.weight }));
}

export interface VirtualServiceInput {
  readonly hosts: string[];
  /** `<namespace>/<name>` of gateways; omitted = the mesh (sidecars). */
  readonly gateways?: string[];
  readonly http?: readonly HttpRouteInput[];
  readonly tcp?: readonly TcpRouteInput[];
  readonly exportTo?: string[];
}

function httpRoute(r: HttpRouteInput): VirtualServiceSpecHttp {
  return {
    name: `port-${r.destinationPort}`,
    match: r.matchPort === undefined ? undefined : [{ port: r.matchPort }],
    route: destinations(r),
    timeout: r.timeout,
    retries: r.retries && { attempts: r.retries.attempts, perTryTimeout: r.retries.perTryTimeout, retryOn: r.retries.retryOn },
  };
}

function tcpRoute(r: TcpRouteInput): VirtualServiceSpecTcp {
  return {
    match: r.matchPort === undefined ? undefined : [{ port: r.matchPort }],
    route: destinations(r),
  };
}

/** The only place that builds VirtualService specs. */
export function virtualServiceSpec(input: VirtualServiceInput): VirtualServiceSpec {
  return {
    hosts: [...input.hosts],
    gateways: input.gateways && [...input.gateways],
    exportTo: input.exportTo,
    http: input.http && input.http.length > 0 ? input.http.map(httpRoute) : undefined,
    tcp: input.tcp && input.tcp.length > 0 ? input.tcp.map(tcpRoute) : undefined,
  };
}

/** How a VirtualService is written: its apiVersion and kind, and the JSON shape of its spec. */
export const VIRTUAL_SERVICE: KindRenderer<VirtualServiceSpec> = { gvk: VirtualService.GVK, specToJson: toJson_VirtualServiceSpec };
