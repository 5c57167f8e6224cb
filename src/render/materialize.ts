import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { PlannedObject } from '../plan';
import { createAuthorizationPolicy } from './authorization-policy';
import { createDestinationRule } from './destination-rule';
import { createGateway } from './gateway';
import { createPeerAuthentication } from './peer-authentication';
import { createTlsSecret } from './secret';
import { createServiceEntry } from './service-entry';
import { createVirtualService } from './virtual-service';

/** The construct id of a planned object: `<Kind>.<namespace>.<name>`, unique per cluster like the object. */
export function materializedId(planned: PlannedObject): string {
  return `${planned.kind}.${planned.meta.namespace}.${planned.meta.name}`;
}

/** Creates the cdk8s object for a planned object in its cluster chart. */
export function materialize(scope: Construct, planned: PlannedObject): ApiObject {
  const id = materializedId(planned);
  switch (planned.kind) {
    case 'DestinationRule': return createDestinationRule(scope, id, planned.meta, planned.spec);
    case 'ServiceEntry': return createServiceEntry(scope, id, planned.meta, planned.spec);
    case 'Gateway': return createGateway(scope, id, planned.meta, planned.spec);
    case 'VirtualService': return createVirtualService(scope, id, planned.meta, planned.spec);
    case 'AuthorizationPolicy': return createAuthorizationPolicy(scope, id, planned.meta, planned.spec);
    case 'PeerAuthentication': return createPeerAuthentication(scope, id, planned.meta, planned.spec);
    case 'Secret': return createTlsSecret(scope, id, planned.meta, planned.spec);
  }
}
