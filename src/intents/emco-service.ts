/**
 * An EMCO inbound intent (`emco.inboundIntents[]`) as InboundService props: the app label,
 * the sidecar flag, and external access (externalSupport with the management TLS type).
 */
import { ClientCertificateAuthority, ExternalAccess, TlsCredential } from '../external-access';
import { show } from '../problems';
import type { InboundServiceProps } from '../service-props';
import type { EmcoInboundIntentJson, EmcoInboundIntentSpecJson } from './bundle-json';
import { asNumber, flag, pick, withoutUndefined } from './bundle-values';
import { Located, where } from './load';
import type { At, ExternalRef, ExternalSettings, ServicePropsResult } from './service-result';

/** Props of an EMCO inbound intent, or undefined when it has problems (they are added to `problems`). */
export function emcoServiceProps(item: Located<EmcoInboundIntentJson>, namespace: string, problems: string[]): ServicePropsResult | undefined {
  const { metadata: md, spec } = item.value;
  const at: At = (f) => where(item.origin, f);
  const before = problems.length;
  const workloadLabels = emcoWorkloadLabels(spec.appLabel, at, problems);
  const sidecar = flag(spec.management?.sidecarProxy, at('.spec.management.sidecarProxy'), problems);
  const externalSupport = flag(spec.externalSupport, at('.spec.externalSupport'), problems);
  if (spec.external?.externalCerts !== undefined) {
    problems.push(`${at('.spec.external.externalCerts')}: certificates are not accepted in a bundle (they would be committed); `
      + 'put them in a Secret and set external.credentialName');
  }
  const { externalAccess, external } = externalSupport ? emcoExternalAccess(spec, at, problems) : checkNoExternalSettings(spec, at, problems);
  if (problems.length > before) return undefined;
  const props = withoutUndefined<InboundServiceProps>({
    name: md.name,
    description: md.description,
    userData: pick({ userdata1: md.userData1, userdata2: md.userData2 }) as Record<string, string> | undefined,
    serviceName: spec.serviceName,
    namespace,
    protocol: spec.protocol,
    port: asNumber(spec.port),
    sidecar,
    // Any case of "istio"; the construct checks it.
    serviceMesh: spec.serviceMesh as InboundServiceProps['serviceMesh'],
    workloadLabels,
    externalAccess,
  });
  return { props, external };
}

/** `appLabel: "app=httpbin"` → `{ app: 'httpbin' }`. */
function emcoWorkloadLabels(appLabel: string | undefined, at: At, problems: string[]): Record<string, string> | undefined {
  if (appLabel === undefined) return undefined;
  const m = /^([^=]+)=(.*)$/.exec(appLabel);
  if (!m) {
    problems.push(`${at('.spec.appLabel')}: ${show(appLabel)} is not a label ("key=value", e.g. "app=httpbin")`);
    return undefined;
  }
  return { [m[1]]: m[2] };
}

/** externalSupport: TLS at the ingress gateway (management.tlsType SIMPLE or MUTUAL), the certificate in a Secret. */
function emcoExternalAccess(spec: EmcoInboundIntentSpecJson, at: At, problems: string[]): ExternalSettings {
  const tls = String(spec.management?.tlsType ?? 'SIMPLE').toUpperCase();
  const credentialName = spec.external?.credentialName ?? `${spec.serviceName}-credential`;
  const host = spec.externalName;
  if (host === undefined) problems.push(`${at('.spec.externalName')}: is required with externalSupport (the host name external clients use)`);
  const external: ExternalRef = { remoteIpBlocks: [] };
  if (tls !== 'SIMPLE' && tls !== 'MUTUAL') {
    problems.push(`${at('.spec.management.tlsType')}: ${show(spec.management?.tlsType)} is not supported for external access `
      + '(SIMPLE or MUTUAL; plain-text external access is not offered)');
    return { external };
  }
  if (host === undefined) return { external }; // reported: the service is not built
  const options = { host, credential: TlsCredential.fromSecret(credentialName), remoteIpBlocks: external.remoteIpBlocks };
  const externalAccess = tls === 'SIMPLE'
    ? ExternalAccess.simple(options)
    : ExternalAccess.mutual({ ...options, clientCa: ClientCertificateAuthority.inCredentialSecret() });
  return { externalAccess, external };
}

/** Without externalSupport, the settings for external clients are problems (they would be dropped). */
function checkNoExternalSettings(spec: EmcoInboundIntentSpecJson, at: At, problems: string[]): ExternalSettings {
  const tlsType = spec.management?.tlsType;
  if (tlsType !== undefined && !['NONE', 'ISTIO_MUTUAL'].includes(String(tlsType).toUpperCase())) {
    problems.push(`${at('.spec.management.tlsType')}: ${show(tlsType)} needs externalSupport: true (it sets TLS for external clients)`);
  }
  if (spec.externalName !== undefined) problems.push(`${at('.spec.externalName')}: is only used with externalSupport: true`);
  if (spec.external?.credentialName !== undefined) problems.push(`${at('.spec.external.credentialName')}: is only used with externalSupport: true`);
  return {};
}
