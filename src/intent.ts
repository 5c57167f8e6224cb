/**
 * What every intent construct shares: it records problems with its input (reported all at
 * once at synth, prefixed by cdk8s with the construct path) and tells the mesh whether it is
 * valid. Also the interfaces through which services and clients refer to each other, so
 * neither construct file imports the other.
 */
import { Construct, IConstruct } from 'constructs';
import type { PortModel } from './model';
import { constructId, Problems } from './problems';

/** A service others may call (implemented by `InboundService`). */
export interface IInboundService extends IConstruct {
  /** Intent name (object names). */
  readonly name: string;
  readonly serviceName: string;
  readonly namespace: string;
  /** `<service>.<namespace>.svc.cluster.local` */
  readonly fqdn: string;
  readonly ports: readonly PortModel[];
  readonly sidecar: boolean;
  /** Whether every port speaks HTTP, HTTP2 or GRPC (method and path rules can match). */
  readonly isHttp: boolean;
  /** Allows a client to call this service. */
  allowFrom(client: IServiceClient): void;
}

/** A workload that calls services, identified by its service account (`ServiceClient`). */
export interface IServiceClient extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The identity Istio sees: `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
  readonly principal: string;
  /** Connects this client to a service (same as `service.allowFrom(client)`). */
  connectTo(service: IInboundService): void;
  /** @internal a service of another mesh was asked to admit this client. */
  _foreignService(servicePath: string, meshPath: string): void;
}

const INBOUND_SERVICE = Symbol.for('cdk8s-istio-intents.InboundService');
const SERVICE_CLIENT = Symbol.for('cdk8s-istio-intents.ServiceClient');

/** Marks a construct as an inbound service or a client (checked by `isInboundService` / `isServiceClient`). */
export function brand(c: IConstruct, kind: 'service' | 'client'): void {
  Object.defineProperty(c, kind === 'service' ? INBOUND_SERVICE : SERVICE_CLIENT, { value: true });
}

export function isInboundService(x: unknown): x is IInboundService {
  return typeof x === 'object' && x !== null && INBOUND_SERVICE in x;
}

export function isServiceClient(x: unknown): x is IServiceClient {
  return typeof x === 'object' && x !== null && SERVICE_CLIENT in x;
}

/**
 * Base of the intent constructs: a `Problems` list that the construct's validation reports,
 * and `_isValid`, which the mesh reads to leave invalid intents out of the model.
 */
export abstract class IntentConstruct extends Construct {
  protected readonly problems = new Problems();

  /** `what` names the construct in a message about its id (e.g. "InboundService"). */
  constructor(scope: Construct, id: string, what: string) {
    super(scope, constructId(scope, id, what));
    keepChildrenInADictionary(this);
    this.node.addValidation({ validate: () => this.validateIntent() });
  }

  /** @internal whether its input is valid; invalid intents are left out of the model. */
  public get _isValid(): boolean {
    return this.problems.isEmpty;
  }

  /** Messages for cdk8s to report (prefixed with the construct path). */
  protected validateIntent(): string[] {
    return this.problems.list();
  }
}

/**
 * Gives a construct's node a prototype-less object for its children, before it has any. Why:
 * `constructs` keeps children in a plain object, and V8 links hidden classes by the first key
 * added to an empty object, at most 1,536 per class. A mesh has thousands of intents whose
 * first child has an id of its own (a service's first access policy, `<client>-access`); past
 * 1,536 of them, every object shape created afterwards in the process (planned and rendered
 * objects, the validator's and YAML's working objects) gets a hidden class of its own, and
 * synthesis runs 2-3× slower (measured on the 2,000-service bench mesh: render 4.4 s → 1.7 s,
 * validation 2.6 s → 1.6 s). A prototype-less object starts in dictionary mode and links
 * nothing. `constructs` only indexes, enumerates, tests (`in`) and deletes its children, which
 * such an object does the same; a version that keeps them otherwise is left alone.
 */
function keepChildrenInADictionary(c: Construct): void {
  const node = c.node as unknown as { _children?: unknown };
  if ('_children' in node && node._children === undefined) node._children = Object.create(null);
}

