/** A planned object: which cluster gets which Istio object, with its spec, for which intent. */
import type { AuthorizationPolicySpec } from '../../imports/security.istio.io';
import type { DestinationRuleSpec, GatewaySpec, ServiceEntrySpec, VirtualServiceSpec } from '../../imports/networking.istio.io';
import type { PeerAuthenticationSpec } from '../../imports/security.istio.io';
import type { ObjectMeta } from '../render/object';
import type { TlsSecretInput } from '../render/secret';

/** The kind of a planned object and its spec (a Secret's type and data). */
export type PlannedSpec =
  | { readonly kind: 'DestinationRule'; readonly spec: DestinationRuleSpec }
  | { readonly kind: 'ServiceEntry'; readonly spec: ServiceEntrySpec }
  | { readonly kind: 'Gateway'; readonly spec: GatewaySpec }
  | { readonly kind: 'VirtualService'; readonly spec: VirtualServiceSpec }
  | { readonly kind: 'AuthorizationPolicy'; readonly spec: AuthorizationPolicySpec }
  | { readonly kind: 'PeerAuthentication'; readonly spec: PeerAuthenticationSpec }
  | { readonly kind: 'Secret'; readonly spec: TlsSecretInput };

export type PlannedKind = PlannedSpec['kind'];

export type PlannedObject = PlannedSpec & {
  readonly cluster: string;
  readonly meta: ObjectMeta;
  /** Construct path of the intent the object is rendered for (`mesh` for mesh-wide ones). */
  readonly owner: string;
};

export function plannedKey(o: { cluster: string; kind: string; meta: { namespace: string; name: string } }): string {
  return `${o.cluster}/${o.kind}/${o.meta.namespace}/${o.meta.name}`;
}
