import {
  ServiceEntry,
  ServiceEntrySpec,
  ServiceEntrySpecLocation as Location,
  ServiceEntrySpecResolution as Resolution,
  toJson_ServiceEntrySpec,
} from '../../imports/networking.istio.io';
import type { PortModel } from '../model';
import type { KindRenderer } from './object';

export interface ServiceEntryEndpointInput {
  readonly address: string;
  /** Port name → port number on the endpoint. */
  readonly ports: Record<string, number>;
  readonly labels?: Record<string, string>;
  /** Service account of the workload behind the endpoint (its expected identity). */
  readonly serviceAccount?: string;
  /** Istio locality of the endpoint (`region/zone/subzone`), for locality load balancing. */
  readonly locality?: string;
}

export interface ServiceEntryInput {
  readonly host: string;
  /** Virtual IP the client's DNS proxy answers with (needed for TCP ports: IST0134). */
  readonly address?: string;
  readonly ports: readonly PortModel[];
  readonly resolution: 'STATIC' | 'DNS';
  readonly endpoints: readonly ServiceEntryEndpointInput[];
  readonly exportTo?: string[];
  /** Identities the client accepts from the server (SPIFFE URIs). */
  readonly subjectAltNames?: string[];
  /**
   * The entry's endpoints are the pods of its namespace with these labels (instead of
   * `endpoints`); each port then names its container port (`targetPort`).
   */
  readonly workloadSelector?: Record<string, string>;
}

/** The only place that builds ServiceEntry specs. Always MESH_INTERNAL: these are mesh services. */
export function serviceEntrySpec(input: ServiceEntryInput): ServiceEntrySpec {
  return {
    hosts: [input.host],
    addresses: input.address === undefined ? undefined : [input.address],
    location: Location.MESH_UNDERSCORE_INTERNAL,
    resolution: input.resolution === 'STATIC' ? Resolution.STATIC : Resolution.DNS,
    // No targetPort for listed endpoints: each names its port (an entry's targetPort is only a
    // fallback for endpoints that do not, Istio 1.30.3 pilot/pkg/serviceregistry/serviceentry/conversion.go:417-428);
    // selected pods take it unless a container port has the port's name (conversion.go:418-424).
    ports: input.ports.map((p) => ({
      number: p.number, name: p.name, protocol: p.protocol, targetPort: input.workloadSelector ? p.targetPort : undefined,
    })),
    workloadSelector: input.workloadSelector && { labels: { ...input.workloadSelector } },
    endpoints: input.workloadSelector ? undefined : input.endpoints.map((e) => ({
      address: e.address, ports: { ...e.ports }, labels: e.labels && { ...e.labels }, serviceAccount: e.serviceAccount, locality: e.locality,
    })),
    exportTo: input.exportTo,
    subjectAltNames: input.subjectAltNames,
  };
}

/** How a ServiceEntry is written: its apiVersion and kind, and the JSON shape of its spec. */
export const SERVICE_ENTRY: KindRenderer<ServiceEntrySpec> = { gvk: ServiceEntry.GVK, specToJson: toJson_ServiceEntrySpec };
