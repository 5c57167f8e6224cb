/**
 * Where each construct field comes from in the bundle, so that a construct's problem
 * (`[path] field: message`) is reported at the bundle item and JSON path the user wrote.
 */
import type { Origin } from './load';

/** Maps a construct's field names to the bundle's (longest prefix wins). */
export type FieldMap = ReadonlyArray<[string, string]>;

/** The bundle item a construct was built from, and how its fields map. */
export interface Registered {
  readonly origin: Origin;
  readonly fields: FieldMap;
}

export const MESH_FIELDS: FieldMap = [['', '']];

export const SEED_SERVICE_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['description', '.metadata.description'], ['userData', '.metadata'], ['application', '.spec.application'],
  ['serviceName', '.spec.servicename'], ['namespace', '.spec.namespace'], ['protocol', '.spec.protocol'], ['port', '.spec.port'],
  ['targetPort', '.spec.targetPort'], ['ports', '.spec.port'], ['headless', '.spec.headless'], ['instances', '.spec.instances'],
  ['serviceMesh', '.spec.serviceMesh'], ['sidecar', '.spec.istio-proxy'],
  ['trafficPolicy.connectionPool.maxConnections', '.spec.maxConnections'],
  ['trafficPolicy.connectionPool.connectTimeout', '.spec.connectTimeout'],
  ['trafficPolicy.connectionPool.http2MaxRequests', '.spec.http2MaxRequests'],
  ['trafficPolicy.connectionPool.maxRequestsPerConnection', '.spec.maxRequestsPerConnection'],
  ['trafficPolicy.connectionPool.http1MaxPendingRequests', '.spec.http1MaxPendingRequests'],
  ['trafficPolicy.connectionPool', '.spec'],
  ['trafficPolicy.outlierDetection.interval', '.spec.intervalSweep'],
  ['trafficPolicy.outlierDetection.baseEjectionTime', '.spec.baseEjectionTime'],
  ['trafficPolicy.outlierDetection.consecutive5xxErrors', '.spec.consecutive5xxErrors'],
  ['trafficPolicy.outlierDetection.consecutiveGatewayErrors', '.spec.consecutiveGatewayErrors'],
  ['trafficPolicy.outlierDetection.maxEjectionPercent', '.spec.maxEjectionPercent'],
  ['trafficPolicy.outlierDetection', '.spec'],
  ['trafficPolicy.loadBalancer', '.spec.loadBalancing'], ['trafficPolicy', '.spec'],
  ['timeout', '.spec.timeout'], ['retries', '.spec.retries'], ['allowedNamespaces', '.spec.namespaces'], ['workloadLabels', '.spec.workloadLabels'],
  ['serviceAccount', '.spec.serviceAccount'], ['dryRun', '.spec.dryRun'], ['vip', '.spec.vip'], ['clusters', '.spec.application'],
  ['externalAccess.host', '.spec.externalHost'], ['externalAccess.port', '.spec.externalPort'],
  ['externalAccess.remoteIpBlocks', '.spec.remoteIpBlocks'],
  ['externalAccess.credential', '.spec.credentialName'], ['externalAccess.clientCa', '.spec.credentialName'], ['externalAccess', '.spec.mutualTLS'],
  ['additionalClusters', '.spec.application'], ['headless:', '.spec.headless'],
  // The bundle spells these as the construct does (cluster names for MeshClusters), so the rest of the path carries over.
  ['failover', '.spec.failover'], ['distribution', '.spec.distribution'], ['versions', '.spec.versions'], ['globalHost', '.spec.globalHost'],
];

export const EMCO_SERVICE_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['description', '.metadata.description'], ['serviceName', '.spec.serviceName'], ['protocol', '.spec.protocol'],
  ['port', '.spec.port'], ['ports', '.spec.port'], ['serviceMesh', '.spec.serviceMesh'], ['sidecar', '.spec.management.sidecarProxy'],
  ['workloadLabels', '.spec.appLabel'], ['allowedNamespaces', '.spec'], ['externalAccess.host', '.spec.externalName'],
  ['externalAccess.remoteIpBlocks', '.spec'], ['externalAccess', '.spec.external'], ['clusters', '.spec.app'], ['namespace', '.spec'],
];

export const CLIENT_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['serviceName', '.spec.clientServiceName'], ['namespace', '.spec.namespace'],
  ['serviceAccount', '.spec.serviceAccount'], ['headless', '.spec.headless'], ['connectTo', '.inboundService'],
  ['additionalClusters', '.metadata.application'],
];

export const EMCO_CLIENT_FIELDS: FieldMap = [
  ['name', '.metadata.name'], ['serviceName', '.spec.serviceName'], ['serviceAccount', '.spec.serviceName'], ['namespace', '.spec'], ['', '.spec'],
];

export const POLICY_FIELDS: FieldMap = [['name', '.metadata.name'], ['client', '.client']];

export const EMCO_POLICY_FIELDS: FieldMap = [['name', '.metadata.name'], ['rules', '.spec'], ['client', '.clientsIntent']];
