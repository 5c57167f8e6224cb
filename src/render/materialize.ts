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

/**
 * Creates the cdk8s object for a planned object in its cluster chart. `current` returns the
 * latest plan entry for the same object, so its spec is rendered from the final model.
 * The construct id is `<Kind>.<namespace>.<name>`: unique per cluster, like the object itself.
 */
export function materialize(scope: Construct, planned: PlannedObject, current: () => PlannedObject): ApiObject {
  const id = `${planned.kind}.${planned.meta.namespace}.${planned.meta.name}`;
  const spec = () => current().build();
  switch (planned.kind) {
    case 'DestinationRule': return createDestinationRule(scope, id, planned.meta, spec);
    case 'ServiceEntry': return createServiceEntry(scope, id, planned.meta, spec);
    case 'Gateway': return createGateway(scope, id, planned.meta, spec);
    case 'VirtualService': return createVirtualService(scope, id, planned.meta, spec);
    case 'AuthorizationPolicy': return createAuthorizationPolicy(scope, id, planned.meta, spec);
    case 'PeerAuthentication': return createPeerAuthentication(scope, id, planned.meta, spec);
    case 'Secret': return createTlsSecret(scope, id, planned.meta, planned.build());
  }
}
