/** What the seed and EMCO mappings make of an inbound service item. */
import type { ExternalAccess } from '../external-access';
import type { InboundServiceProps } from '../service-props';

/** The bundle location of a field of the item (`.spec.port` → `file#doc $.inboundServices[0].spec.port`). */
export type At = (field: string) => string;

/** External access settings still open to additions (EMCO client cidrs). */
export interface ExternalRef {
  readonly remoteIpBlocks: string[];
}

/** External access of a service, and the settings clients may still narrow. */
export interface ExternalSettings {
  readonly externalAccess?: ExternalAccess;
  readonly external?: ExternalRef;
}

/** Props of an inbound service, and its external access (when it has any). */
export interface ServicePropsResult {
  readonly props: InboundServiceProps;
  readonly external?: ExternalRef;
}
