export interface TlsSecretInput {
  readonly type: 'kubernetes.io/tls' | 'Opaque';
  /** Key (tls.crt, tls.key, ca.crt) → PEM text. */
  readonly data: Record<string, string>;
}

/**
 * The only place that builds Secrets: TLS material given explicitly as PEM for an ingress
 * gateway. Values are base64-encoded here (Kubernetes `data`).
 */
export function secretData(input: TlsSecretInput): { type: string; data: Record<string, string> } {
  const data: Record<string, string> = {};
  for (const key of Object.keys(input.data).sort()) data[key] = Buffer.from(input.data[key], 'utf8').toString('base64');
  return { type: input.type, data };
}
