import type { IConstruct } from 'constructs';
import { brand, IInboundService, IntentConstruct, isInboundService, IServiceClient } from './intent';
import { Mesh, MeshCluster } from './mesh';
import type { ClientModel } from './model';
import { isDnsLabel, isDnsSubdomain, principalOf } from './names';
import { placementOf } from './placement';
import { checkKnownKeys, show } from './problems';

export interface ServiceClientProps {
  /**
   * Intent name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Name of the client's service (seed `clientServiceName`).
   * @default - the intent name
   */
  readonly serviceName?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /**
   * Service account the client's pods run as: its identity
   * (`<trustDomain>/ns/<namespace>/sa/<serviceAccount>`).
   * @default - the service name
   */
  readonly serviceAccount?: string;
  /**
   * Whether the client is a headless (stateful) service. Its instances share the service
   * account, so nothing per instance is rendered: documented for completeness.
   * @default false
   */
  readonly headless?: boolean;
  /**
   * Other clusters the same client workload runs in.
   * @default - only the cluster the construct is declared in
   */
  readonly additionalClusters?: MeshCluster[];
}

/**
 * What `ServiceClient.fromKplus` reads from a cdk8s-plus workload (Deployment, StatefulSet,
 * Pod, ...) or ServiceAccount. Structural, so cdk8s-plus stays optional.
 */
export interface IKplusIdentitySource extends IConstruct {
  readonly name: string;
  readonly metadata: { readonly namespace?: string };
  /** `serviceaccounts` for a ServiceAccount. */
  readonly resourceType?: string;
  /** A workload's service account (none: the namespace's `default`). */
  readonly serviceAccount?: { readonly name: string };
}

/** Options of `ServiceClient.fromKplus`. */
export interface ServiceClientFromKplusOptions extends Omit<ServiceClientProps, 'serviceAccount'> {
  /**
   * Accept a workload without a service account as the namespace's `default` identity (every
   * workload of the namespace without its own account is then admitted too).
   * @default false
   */
  readonly allowDefaultServiceAccount?: boolean;
}

/** The service account a cdk8s-plus object identifies, or why it identifies none safely. */
function kplusIdentity(source: IKplusIdentitySource, allowDefault: boolean): { serviceAccount: string; problem?: string } {
  const what = `${source?.node?.path ?? show(source)} (${source?.resourceType ?? 'not a cdk8s-plus object'})`;
  if (source?.resourceType === 'serviceaccounts') return { serviceAccount: source.name };
  if (source?.resourceType === 'services') {
    const problem = `${what} is a Service; a client is identified by its pods' service account: `
      + 'pass the workload (Deployment, StatefulSet, Pod, ...) or its ServiceAccount';
    return { serviceAccount: 'default', problem };
  }
  if (source?.serviceAccount?.name) return { serviceAccount: source.serviceAccount.name };
  if (allowDefault) return { serviceAccount: 'default' };
  return {
    serviceAccount: 'default',
    problem: `${what} has no service account, so its pods run as their namespace's "default" account, which every workload without one shares: `
      + 'admitting it admits them all. Give the workload a ServiceAccount (cdk8s-plus: serviceAccount: new kplus.ServiceAccount(...)), '
      + 'or pass allowDefaultServiceAccount: true if that is meant',
  };
}

/**
 * A workload that calls inbound services, identified by its service account. Declared in the
 * cluster chart where it runs; it may call services in any cluster of the mesh.
 */
export class ServiceClient extends IntentConstruct implements IServiceClient {
  /**
   * A client from a cdk8s-plus workload (Deployment, StatefulSet, ...) or ServiceAccount: its
   * namespace and service account become the client's identity. A workload without a service
   * account runs as its namespace's `default` account, the identity every such workload
   * shares: that is an error unless `allowDefaultServiceAccount` says it is meant.
   */
  public static fromKplus(scope: MeshCluster, id: string, source: IKplusIdentitySource, props: ServiceClientFromKplusOptions = {}): ServiceClient {
    const { allowDefaultServiceAccount, ...rest } = props ?? {};
    const identity = kplusIdentity(source, allowDefaultServiceAccount === true);
    const client = new ServiceClient(scope, id, {
      namespace: source?.metadata?.namespace,
      serviceName: source?.name,
      ...rest,
      serviceAccount: identity.serviceAccount,
    });
    if (identity.problem) client.problems.addMessage('source', identity.problem);
    if (source?.metadata && source.metadata.namespace === undefined && rest.namespace === undefined) {
      client.problems.add('source', source.node?.path, 'has no namespace (cdk8s-plus leaves it to `kubectl -n` or kustomize), so its identity '
        + '(ns/<namespace>/sa/...) is unknown: give the workload or its chart a namespace (metadata.namespace, or new Chart(..., { namespace }))');
    }
    return client;
  }

  public readonly mesh: Mesh;
  public readonly cluster: MeshCluster;
  public readonly name: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly serviceAccount: string;

  constructor(scope: MeshCluster, id: string, props: ServiceClientProps = {}) {
    super(scope, id, 'ServiceClient');
    brand(this, 'client');
    props = props ?? {};
    this.cluster = MeshCluster.of(this);
    this.mesh = Mesh.of(this);
    const p = this.problems;
    if (!checkKnownKeys(p, '', props, ['name', 'serviceName', 'namespace', 'serviceAccount', 'headless', 'additionalClusters'])) props = {};
    this.name = props.name ?? id;
    if (!isDnsSubdomain(this.name)) p.add('name', this.name, 'is not a DNS-1123 subdomain');
    this.serviceName = props.serviceName ?? this.name;
    if (!isDnsLabel(this.serviceName)) p.add('serviceName', this.serviceName, 'is not a Kubernetes Service name (DNS-1123 label)');
    this.namespace = props.namespace ?? 'default';
    if (!isDnsLabel(this.namespace)) p.add('namespace', this.namespace, 'is not a namespace name (DNS-1123 label)');
    this.serviceAccount = props.serviceAccount ?? this.serviceName;
    if (!isDnsSubdomain(this.serviceAccount)) p.add('serviceAccount', this.serviceAccount, 'is not a service account name (DNS-1123 subdomain)');
    if (props.headless !== undefined && typeof props.headless !== 'boolean') p.add('headless', props.headless, 'is not true or false');
    const model: ClientModel = {
      path: this.node.path,
      name: this.name,
      namespace: this.namespace,
      serviceAccount: this.serviceAccount,
      clusters: placementOf(p, this.cluster, props.additionalClusters),
      headless: props.headless === true,
    };
    this.mesh._registerClient(this, () => model);
  }

  /** The identity Istio sees: `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
  public get principal(): string {
    return principalOf(this.mesh.trustDomain, this.namespace, this.serviceAccount);
  }

  /** Connects this client to a service (same as `service.allowFrom(this)`). */
  public connectTo(service: IInboundService): void {
    if (!isInboundService(service)) {
      this.problems.add('connectTo', service, 'is not an InboundService');
      return;
    }
    service.allowFrom(this);
  }

  /** The services this client may call. */
  public get connections(): readonly IInboundService[] {
    return this.mesh._servicesOf(this);
  }

  /** @internal */
  public _foreignService(servicePath: string, meshPath: string): void {
    this.problems.add('connectTo', servicePath, `is a service of another mesh (${show(meshPath)}); a client can only call services of its own mesh`);
  }
}
