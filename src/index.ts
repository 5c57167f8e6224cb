// The public API: constructs, value types and the checks. Renderers, the plan and the
// generated Istio classes stay internal.
export * from './topology';
export { Mesh, MeshCluster } from './mesh';
export type { MeshProps } from './mesh';
export { MeshApp, synthClusters, synthWarnings, writeClusters, validateApp, manifestFileName } from './mesh-app';
export { withWarningSink } from './warning-sink';
export type { WarningSink } from './warning-sink';
export type { ClusterManifests } from './mesh-app';
export { InboundService } from './inbound-service';
export type { InboundServiceProps, ServicePortProps, ProtocolInput, IKplusService } from './inbound-service';
export { ServiceClient } from './service-client';
export type { ServiceClientProps, IKplusIdentitySource } from './service-client';
export { ServiceAccessPolicy, HTTP_METHODS } from './access-policy';
export type { ServiceAccessPolicyProps, AccessRule, HttpMethod } from './access-policy';
export { LoadBalancer } from './traffic-policy';
export type { CookieOptions, ConnectionPoolOptions, OutlierDetectionOptions, TrafficPolicyOptions, RetryPolicy } from './traffic-policy';
export { ExternalAccess, TlsCredential, ClientCertificateAuthority } from './external-access';
export type { ExternalAccessOptions, MutualExternalAccessOptions } from './external-access';
export type { DurationInput } from './duration';
export { PROTOCOLS } from './model';
export type {
  Protocol, MeshModel, ServiceModel, ClientModel, PortModel, TrafficPolicyModel, RetriesModel,
  ExternalAccessModel, AccessPolicyModel, AccessRuleModel,
} from './model';
export { validateManifest, validateManifests, formatViolation } from './validation/manifest-validator';
export type { ManifestViolation } from './validation/manifest-validator';
export { analyzeCluster, formatFinding } from './validation/analyzer';
export type { Finding, ClusterView } from './validation/analyzer';
