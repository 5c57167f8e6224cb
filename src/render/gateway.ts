import { Gateway, GatewaySpec, GatewaySpecServersTlsMode as TlsMode, toJson_GatewaySpec } from '../../imports/networking.istio.io';
import type { KindRenderer } from './object';

export type GatewayServerInput =
  /** Cross-cluster mTLS passed through untouched, routed on the client's SNI. */
  | { readonly kind: 'auto-passthrough'; readonly port: number; readonly hosts: string[] }
  /**
   * Mesh mTLS terminated at the gateway for one workload without a sidecar. One server per
   * host: a terminating TCP server sends every SNI it accepts to the first matching route.
   */
  | { readonly kind: 'istio-mutual'; readonly port: number; readonly host: string; readonly name: string }
  /** TLS for clients outside the mesh, with a certificate from a Secret. */
  | {
    readonly kind: 'external';
    readonly mode: 'SIMPLE' | 'MUTUAL';
    readonly protocol: 'HTTPS' | 'TLS';
    readonly port: number;
    readonly hosts: string[];
    readonly credentialName: string;
  };

export interface GatewayInput {
  readonly selector: Record<string, string>;
  readonly servers: readonly GatewayServerInput[];
}

/** The only place that builds Gateway specs. Port names are unique per server (Istio rule). */
export function gatewaySpec(input: GatewayInput): GatewaySpec {
  return {
    selector: { ...input.selector },
    servers: input.servers.map((s) => {
      switch (s.kind) {
        case 'auto-passthrough':
          return {
            port: { number: s.port, name: `tls-passthrough-${s.port}`, protocol: 'TLS' },
            hosts: [...s.hosts],
            tls: { mode: TlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          };
        case 'istio-mutual':
          return {
            port: { number: s.port, name: `tls-mesh-${s.name}`, protocol: 'TLS' },
            hosts: [s.host],
            tls: { mode: TlsMode.ISTIO_UNDERSCORE_MUTUAL },
          };
        case 'external':
          // Port names are unique in a Gateway: servers on one port differ by credential (and mode).
          return {
            port: { number: s.port, name: `${s.protocol.toLowerCase()}-${s.port}-${s.mode.toLowerCase()}-${s.credentialName}`, protocol: s.protocol },
            hosts: [...s.hosts],
            tls: { mode: s.mode === 'MUTUAL' ? TlsMode.MUTUAL : TlsMode.SIMPLE, credentialName: s.credentialName },
          };
      }
    }),
  };
}

/** How a Gateway is written: its apiVersion and kind, and the JSON shape of its spec. */
export const GATEWAY: KindRenderer<GatewaySpec> = { gvk: Gateway.GVK, specToJson: toJson_GatewaySpec };
