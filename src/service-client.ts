import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { Mesh, MeshCluster, placementOf } from './mesh';
import type { ClientModel } from './model';
import { isDnsLabel, isDnsSubdomain, principalOf } from './names';
import { checkKnownKeys, constructId, Problems, show } from './problems';
import type { InboundService } from './inbound-service';

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

/**
 * A workload that calls inbound services, identified by its service account. Declared in the
 * cluster chart where it runs; it may call services in any cluster of the mesh.
 */
export class ServiceClient extends Construct {
  /**
   * A client from a cdk8s-plus workload (Deployment, StatefulSet, ...) or ServiceAccount: its
   * namespace and service account become the client's identity. A workload without a
   * service account runs as `default`.
   */
  public static fromKplus(scope: MeshCluster, id: string, source: IKplusIdentitySource, props: Omit<ServiceClientProps, 'serviceAccount'> = {}): ServiceClient {
    const isServiceAccount = source.resourceType === 'serviceaccounts';
    const serviceAccount = isServiceAccount ? source.name : source.serviceAccount?.name ?? 'default';
    return new ServiceClient(scope, id, {
      namespace: source.metadata.namespace,
      serviceName: source.name,
      ...props,
      serviceAccount,
    });
  }

  public readonly mesh: Mesh;
  public readonly cluster: MeshCluster;
  public readonly name: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly serviceAccount: string;
  private readonly problems = new Problems();
  private readonly base: ClientModel;
  private readonly services: InboundService[] = [];

  constructor(scope: MeshCluster, id: string, props: ServiceClientProps = {}) {
    super(scope, constructId(scope, id, 'ServiceClient'));
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
    const clusters = placementOf(p, this.cluster, props.additionalClusters);
    this.base = {
      path: this.node.path,
      name: this.name,
      namespace: this.namespace,
      serviceAccount: this.serviceAccount,
      clusters,
      headless: props.headless === true,
    };
    this.node.addValidation({ validate: () => this.problems.list() });
  }

  /** The identity Istio sees: `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
  public get principal(): string {
    return principalOf(this.mesh.trustDomain, this.namespace, this.serviceAccount);
  }

  /** Connects this client to a service (same as `service.allowFrom(this)`). */
  public connectTo(service: InboundService): void {
    // Structural check: InboundService imports this module.
    if (typeof (service as Partial<InboundService> | null)?.allowFrom !== 'function') {
      this.problems.add('connectTo', service, 'is not an InboundService');
      return;
    }
    service.allowFrom(this);
  }

  /** The services this client may call. */
  public get connections(): readonly InboundService[] {
    return [...this.services];
  }

  /** @internal */
  public get _isValid(): boolean {
    return this.problems.isEmpty;
  }

  /** @internal called by InboundService.allowFrom. */
  public _connected(service: InboundService): void {
    if (service.mesh !== this.mesh) {
      this.problems.add('connectTo', service.node.path, `is a service of another mesh (${show(service.mesh.node.path)}); a client can only call services of its own mesh`);
      return;
    }
    this.services.push(service);
  }

  /** @internal */
  public _model(): ClientModel {
    return this.base;
  }
}
