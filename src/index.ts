// The public API: constructs, value types and the checks. Renderers, the plan and the
// generated Istio classes stay internal.
export * from './topology';
export { Mesh, MeshCluster } from './mesh';
export type { MeshProps } from './mesh';
export {
  MeshApp, synthClusters, synthCharts, synthWarnings, writeClusters, writeCharts, validateApp, manifestFileName, manifestText,
} from './mesh-app';
export type { ClusterManifests, ChartManifests, WriteOptions, WriteReport } from './mesh-app';
export type { WrittenCluster } from './output/writer';
export type { IInboundService, IServiceClient } from './intent';
export { placeChart, clustersOfChart } from './chart-placement';
export { withWarningSink } from './warning-sink';
export type { WarningSink } from './warning-sink';
export { InboundService } from './inbound-service';
export type { InboundServiceProps, ServicePortProps, ProtocolInput, IKplusService } from './inbound-service';
export { ServiceClient } from './service-client';
export type { ServiceClientProps, ServiceClientFromKplusOptions, IKplusIdentitySource } from './service-client';
export { ServiceAccessPolicy, HTTP_METHODS } from './access-policy';
export type { ServiceAccessPolicyProps, AccessRule, HttpMethod } from './access-policy';
export { LoadBalancer } from './traffic-policy';
export type { CookieOptions, ConnectionPoolOptions, OutlierDetectionOptions, TrafficPolicyOptions, RetryPolicy } from './traffic-policy';
export { Failover } from './failover';
export type { ClusterWeight, ServiceVersion, TrafficDistribution } from './traffic-split';
export { ExternalAccess, TlsCredential, ClientCertificateAuthority } from './external-access';
export type { ExternalAccessOptions, MutualExternalAccessOptions } from './external-access';
export type { DurationInput } from './duration';
export { PROTOCOLS } from './model';
export type {
  Protocol, MeshModel, ServiceModel, ClientModel, PortModel, TrafficPolicyModel, RetriesModel,
  ExternalAccessModel, AccessPolicyModel, AccessRuleModel, FailoverModel, DistributionModel, VersionModel,
} from './model';
export { validateManifest, validateManifests, formatViolation } from './validation/manifest-validator';
export type { ManifestViolation } from './validation/manifest-validator';
export { analyzeCluster, formatFinding } from './validation/analyzer';
export type { Finding, ClusterView } from './validation/analyzer';
export { IstioIntentsValidation } from './validation/cdk8s-plugin';
export type {
  IstioIntentsValidationProps, PluginValidationContext, PluginViolation, PluginViolatingResource,
} from './validation/cdk8s-plugin';

// Review: who may call whom (the graph and diff commands read rendered trees; see the README).
export { connectivityFiles } from './review';
export type { AccessModelOptions } from './review';
export { writeConnectivity } from './review/write';
