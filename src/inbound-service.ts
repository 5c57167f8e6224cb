import type { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { brand, IInboundService, IntentConstruct, isServiceClient, IServiceClient } from './intent';
import { Mesh, MeshCluster, ServiceBaseModel } from './mesh';
import { chartProblems, readKplusService, selectorProblems } from './kplus';
import { isHttpFamily, PortModel } from './model';
import { isDnsLabel, serviceFqdn } from './names';
import { checkKnownKeys, show } from './problems';
import { placementOf } from './placement';
import { resolveMulticluster } from './multicluster-props';
import {
  checkInstancePorts, checkSidecarSettings, checkVip, INBOUND_SERVICE_KEYS, normalizePorts, resolveAllowedNamespaces, resolveExternal,
  resolveIdentity, resolveInstances, resolveMetadata, resolvePods, resolveTraffic,
} from './service-props';
import type { InboundServiceProps } from './service-props';

export type { InboundServiceProps, ProtocolInput, ServicePortProps } from './service-props';

/**
 * A service others may call: where it runs, what it speaks, how it is balanced and protected,
 * and who may call it. Declared in the cluster chart where it runs.
 */
export class InboundService extends IntentConstruct implements IInboundService {
  /**
   * An inbound service from a cdk8s-plus Service: its name, namespace, ports and selector.
   * A port's protocol comes from its name (`http`, `grpc-api`: Istio reads it there); an
   * unnamed port takes `protocol`. A named port that does not start with its protocol is an
   * error (IST0118), because Istio would not see the protocol either.
   */
  public static fromKplusService(scope: MeshCluster, id: string, service: IKplusService, props: Omit<InboundServiceProps,
    'serviceName' | 'port' | 'targetPort' | 'ports'> = {}): InboundService {
    const read = readKplusService(service, props?.protocol);
    const problems = [...read.problems];
    const namespace = read.namespace ?? 'default';
    if (read.chart && read.namespace === undefined && props?.namespace === undefined) {
      const message = 'has no namespace (cdk8s-plus leaves it to `kubectl -n` or kustomize), so the policies could not follow it: '
        + 'give the Service or its chart a namespace (metadata.namespace, or new Chart(..., { namespace }))';
      problems.push({ field: 'service', value: service.node.path, message });
    } else if (props?.namespace !== undefined && props.namespace !== namespace) {
      const message = `differs from the Service's namespace "${namespace}" (the policies must go where the Service is)`;
      problems.push({ field: 'namespace', value: props.namespace, message });
    }
    const inbound = new InboundService(scope, id, {
      namespace: read.namespace,
      workloadLabels: read.selector,
      ...props,
      name: props?.name ?? service?.name,
      serviceName: service?.name,
      ports: read.ports,
    });
    inbound.kplus = { chart: read.chart, selectorFromService: props?.workloadLabels === undefined && read.selector !== undefined };
    problems.forEach((x) => inbound.problems.add(x.field, x.value, x.message));
    return inbound;
  }

  public readonly mesh: Mesh;
  public readonly cluster: MeshCluster;
  /** Intent name (object names). */
  public readonly name: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  /** `<service>.<namespace>.svc.cluster.local` */
  public readonly fqdn: string;
  private readonly base: ServiceBaseModel;
  private readonly extraNamespaces: string[] = [];
  /** Where a service read from a cdk8s-plus Service came from, for the checks that need every placement. */
  private kplus?: { chart?: Chart; selectorFromService: boolean };

  constructor(scope: MeshCluster, id: string, props: InboundServiceProps = {}) {
    super(scope, id, 'InboundService');
    brand(this, 'service');
    this.cluster = MeshCluster.of(this);
    this.mesh = Mesh.of(this);
    if (!checkKnownKeys(this.problems, '', props ?? {}, INBOUND_SERVICE_KEYS)) props = {};
    this.base = this.resolve(id, props ?? {});
    ({ name: this.name, serviceName: this.serviceName, namespace: this.namespace, fqdn: this.fqdn } = this.base);
    this.mesh._registerService(this, () => ({ ...this.base, allowedNamespaces: [...this.base.allowedNamespaces, ...this.extraNamespaces] }));
  }

  /** The service's ports (mesh port, target port, protocol, name). */
  public get ports(): readonly PortModel[] {
    return this.base.ports;
  }

  /** Whether the workload runs the Istio sidecar. */
  public get sidecar(): boolean {
    return this.base.sidecar;
  }

  /** Whether every port speaks HTTP, HTTP2 or GRPC (method and path rules can match). */
  public get isHttp(): boolean {
    return this.base.ports.length > 0 && this.base.ports.every((x) => isHttpFamily(x.protocol));
  }

  /**
   * Allows a client to call this service: its principal is admitted by the service's
   * AuthorizationPolicy and its clusters get what they need to reach the service. Adding the
   * same client again changes nothing.
   */
  public allowFrom(client: IServiceClient): void {
    if (!isServiceClient(client)) {
      this.problems.add('allowFrom', client, 'is not a ServiceClient');
      return;
    }
    const clientMesh = Mesh.of(client);
    if (clientMesh !== this.mesh) {
      // The client reports it: a client can only call services of its own mesh.
      client._foreignService(this.node.path, this.mesh.node.path);
      return;
    }
    this.mesh._connect(this, client);
  }

  /**
   * Allows every workload of these namespaces to call the service (like the
   * `allowedNamespaces` prop; seed `namespaces`).
   */
  public allowFromNamespaces(namespaces: string[]): void {
    if (!Array.isArray(namespaces)) {
      this.problems.add('allowedNamespaces', namespaces, 'is not a list of namespaces');
      return;
    }
    if (!this.base.sidecar && namespaces.length > 0) {
      this.problems.addMessage('allowedNamespaces',
        'needs the Istio sidecar; this service has sidecar: false (only inbound routing is possible without it)');
    }
    for (const n of namespaces) {
      if (!isDnsLabel(n)) this.problems.add('allowedNamespaces', n, 'is not a namespace name (DNS-1123 label)');
      else if (!this.extraNamespaces.includes(n) && !this.base.allowedNamespaces.includes(n)) this.extraNamespaces.push(n);
    }
    this.mesh._changed();
  }

  /** The clients allowed so far. */
  public get allowedClients(): readonly IServiceClient[] {
    return [...this.mesh._clientsOf(this)];
  }

  protected override validateIntent(): string[] {
    const own = [...this.problems.list(), ...this.kplusPlacementProblems()];
    return [...own, ...(own.length === 0 ? this.mesh._crossIntentProblems(this.node.path) : [])];
  }

  /** A service read from a cdk8s-plus Service must run where its chart does (charts may be placed after it is declared). */
  private kplusPlacementProblems(): string[] {
    if (!this.kplus) return [];
    const { chart, selectorFromService } = this.kplus;
    const misplaced = chartProblems(chart, this.cluster);
    const found = misplaced.length > 0 || !selectorFromService ? misplaced : selectorProblems(chart, this.base.workloadLabels, this.base.clusters);
    return found.map((x) => `${x.field}: ${show(x.value)} ${x.message}`);
  }

  /** Reads the props into the service's part of the model, in the order problems are reported. */
  private resolve(id: string, props: InboundServiceProps): ServiceBaseModel {
    const p = this.problems;
    const identity = resolveIdentity(p, id, props);
    const ports = normalizePorts(p, props);
    const { sidecar, instances } = resolveInstances(p, identity, props);
    if (instances > 0) checkInstancePorts(p, ports);
    const traffic = resolveTraffic(p, props, ports);
    if (!sidecar) checkSidecarSettings(p, props);
    const allowedNamespaces = resolveAllowedNamespaces(p, props.allowedNamespaces);
    const pods = resolvePods(p, identity, props);
    const metadata = resolveMetadata(p, props);
    checkVip(p, props.vip, this.mesh.vipRange);
    const external = resolveExternal(p, props.externalAccess, ports);
    const clusters = placementOf(p, this.cluster, props.additionalClusters);
    const multicluster = resolveMulticluster(p, props, { home: this.cluster, clusters, ...identity, ...pods, ports, sidecar, instances, ...traffic });
    return {
      path: this.node.path, ...identity, fqdn: serviceFqdn(identity.serviceName, identity.namespace), clusters, ports, sidecar, instances,
      ...pods, ...metadata, ...traffic, allowedNamespaces, external, vip: props.vip, ...multicluster,
    };
  }
}

/**
 * What `fromKplusService` reads from a cdk8s-plus `Service` (structural, so cdk8s-plus stays
 * optional): its name, and its manifest (namespace, ports, selector) through `ApiObject.of`.
 */
export interface IKplusService extends IConstruct {
  readonly name: string;
}
