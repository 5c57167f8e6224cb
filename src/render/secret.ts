import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ObjectMeta } from './object';

export interface TlsSecretInput {
  readonly type: 'kubernetes.io/tls' | 'Opaque';
  /** Key (tls.crt, tls.key, ca.crt) → PEM text. */
  readonly data: Record<string, string>;
}

/**
 * The only place that builds Secrets: TLS material given explicitly as PEM for an ingress
 * gateway. Values are base64-encoded here (Kubernetes `data`).
 */
export function createTlsSecret(scope: Construct, id: string, meta: ObjectMeta, input: TlsSecretInput): ApiObject {
  const data: Record<string, string> = {};
  for (const key of Object.keys(input.data).sort()) data[key] = Buffer.from(input.data[key], 'utf8').toString('base64');
  // ApiObjectProps has no `type`/`data`; cdk8s renders any extra prop as a top-level field.
  const props = { apiVersion: 'v1', kind: 'Secret', metadata: meta, type: input.type, data };
  return new ApiObject(scope, id, props);
}
