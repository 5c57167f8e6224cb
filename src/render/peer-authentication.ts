import {
  PeerAuthentication, PeerAuthenticationSpec, PeerAuthenticationSpecMtlsMode as Mode, toJson_PeerAuthenticationSpec,
} from '../../imports/security.istio.io';
import type { KindRenderer } from './object';

/** The only place that builds PeerAuthentication specs: STRICT mesh mTLS for one workload. */
export function peerAuthenticationSpec(selector: Record<string, string>): PeerAuthenticationSpec {
  return { selector: { matchLabels: { ...selector } }, mtls: { mode: Mode.STRICT } };
}

/** How a PeerAuthentication is written: its apiVersion and kind, and the JSON shape of its spec. */
export const PEER_AUTHENTICATION: KindRenderer<PeerAuthenticationSpec> = { gvk: PeerAuthentication.GVK, specToJson: toJson_PeerAuthenticationSpec };
