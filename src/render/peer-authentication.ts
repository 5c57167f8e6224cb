import { Construct } from 'constructs';
import { PeerAuthentication, PeerAuthenticationSpec, PeerAuthenticationSpecMtlsMode as Mode } from '../../imports/security.istio.io';
import type { ObjectMeta } from './object';

/** The only place that builds PeerAuthentication specs: STRICT mesh mTLS for one workload. */
export function peerAuthenticationSpec(selector: Record<string, string>): PeerAuthenticationSpec {
  return { selector: { matchLabels: { ...selector } }, mtls: { mode: Mode.STRICT } };
}

export function createPeerAuthentication(scope: Construct, id: string, meta: ObjectMeta, spec: PeerAuthenticationSpec): PeerAuthentication {
  return new PeerAuthentication(scope, id, { metadata: meta, spec });
}
