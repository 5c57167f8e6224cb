import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlannedObject } from '../plan';
import { AUTHORIZATION_POLICY } from './authorization-policy';
import { DESTINATION_RULE } from './destination-rule';
import { GATEWAY } from './gateway';
import { PEER_AUTHENTICATION } from './peer-authentication';
import { RenderedApiObject, SecretObject } from './rendered-object';
import { secretData } from './secret';
import { SERVICE_ENTRY } from './service-entry';
import { VIRTUAL_SERVICE } from './virtual-service';

/** The construct id of a planned object: `<Kind>.<namespace>.<name>`, unique per cluster like the object. */
export function materializedId(planned: PlannedObject): string {
  return `${planned.kind}.${planned.meta.namespace}.${planned.meta.name}`;
}

/** Creates the cdk8s object for a planned object in its cluster chart. */
export function materialize(scope: Construct, planned: PlannedObject): ApiObject {
  const id = materializedId(planned);
  switch (planned.kind) {
    case 'DestinationRule': return new RenderedApiObject(scope, id, planned.meta, DESTINATION_RULE, planned.spec);
    case 'ServiceEntry': return new RenderedApiObject(scope, id, planned.meta, SERVICE_ENTRY, planned.spec);
    case 'Gateway': return new RenderedApiObject(scope, id, planned.meta, GATEWAY, planned.spec);
    case 'VirtualService': return new RenderedApiObject(scope, id, planned.meta, VIRTUAL_SERVICE, planned.spec);
    case 'AuthorizationPolicy': return new RenderedApiObject(scope, id, planned.meta, AUTHORIZATION_POLICY, planned.spec);
    case 'PeerAuthentication': return new RenderedApiObject(scope, id, planned.meta, PEER_AUTHENTICATION, planned.spec);
    case 'Secret': return new SecretObject(scope, id, planned.meta, secretData(planned.spec));
  }
}
