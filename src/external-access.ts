import type { ExternalAccessModel } from './model';
import { isCidrOrIp, isDnsSubdomain, isHostname, isPort } from './names';
import { checkKnownKeys, containsPrivateKey, Problems } from './problems';

type CredentialSpec =
  | { kind: 'secret'; name: string }
  | { kind: 'pem'; name: string; certificate: string; privateKey: string };

/**
 * The server certificate the ingress gateway presents to external clients: a reference to a
 * Kubernetes Secret (recommended), or PEM text emitted as a Secret (never commit private keys:
 * pass them in from your CI's secret store).
 */
export class TlsCredential {
  /** A `kubernetes.io/tls` Secret (tls.crt, tls.key) in the ingress gateway's namespace. */
  public static fromSecret(secretName: string): TlsCredential {
    return new TlsCredential({ kind: 'secret', name: secretName });
  }

  /**
   * PEM certificate chain and private key, written into a Secret named `secretName` in the
   * ingress gateway's namespace. The output then contains the private key: do not commit it.
   */
  public static fromPem(secretName: string, pem: { certificate: string; privateKey: string }): TlsCredential {
    return new TlsCredential({ kind: 'pem', name: secretName, certificate: pem?.certificate, privateKey: pem?.privateKey });
  }

  private constructor(private readonly spec: CredentialSpec) {}

  /** @internal */
  public _bind(p: Problems, field: string): { name: string; pem?: { certificate: string; privateKey: string } } {
    const s = this.spec;
    if (!isDnsSubdomain(s.name)) p.add(`${field}.secretName`, s.name, 'is not a Secret name (DNS-1123 subdomain)');
    if (s.kind === 'secret') return { name: s.name };
    const hasCert = typeof s.certificate === 'string' && s.certificate.includes('-----BEGIN CERTIFICATE-----');
    const hasKey = typeof s.privateKey === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s.privateKey);
    if (!hasCert && hasKey) {
      p.addMessage(`${field}.certificate`, 'is missing: a private key was given without its certificate (PEM "BEGIN CERTIFICATE")');
    }
    else if (!hasCert) p.add(`${field}.certificate`, s.certificate, 'is not a PEM certificate');
    if (!hasKey) {
      p.addMessage(`${field}.privateKey`, hasCert ? 'is missing or not PEM: a certificate needs its private key' : 'is missing or not PEM');
    }
    if (containsPrivateKey(s.certificate)) {
      p.addMessage(`${field}.certificate`,
        'holds a PEM private key (redacted): the certificate chain goes into tls.crt, which is not secret; give the key as privateKey');
    }
    return { name: s.name, pem: { certificate: s.certificate, privateKey: s.privateKey } };
  }
}

type CaSpec = { kind: 'in-secret' } | { kind: 'pem'; pem: string };

/** The CA that signs external clients' certificates (MUTUAL only). */
export class ClientCertificateAuthority {
  /**
   * The CA is already in Kubernetes: key `ca.crt` of the credential Secret, or a Secret named
   * `<credential>-cacert` (Istio reads either).
   */
  public static inCredentialSecret(): ClientCertificateAuthority {
    return new ClientCertificateAuthority({ kind: 'in-secret' });
  }

  /** PEM CA bundle, written into the Secret `<credential>-cacert`. */
  public static fromPem(pem: string): ClientCertificateAuthority {
    return new ClientCertificateAuthority({ kind: 'pem', pem });
  }

  private constructor(private readonly spec: CaSpec) {}

  /** @internal */
  public _bind(p: Problems, field: string): string | undefined {
    if (this.spec.kind === 'in-secret') return undefined;
    if (typeof this.spec.pem !== 'string' || !this.spec.pem.includes('-----BEGIN CERTIFICATE-----')) {
      p.add(field, this.spec.pem, 'is not a PEM CA certificate');
    }
    else if (containsPrivateKey(this.spec.pem)) {
      p.addMessage(field, 'holds a PEM private key (redacted): a CA bundle holds only certificates (the CA key never leaves your CA)');
    }
    return this.spec.pem;
  }
}

export interface ExternalAccessOptions {
  /** Host name external clients use (TLS SNI and HTTP Host), e.g. `httpbin.example.com`. */
  readonly host: string;
  /** The certificate the ingress gateway presents. */
  readonly credential: TlsCredential;
  /**
   * Ingress gateway port.
   * @default 443
   */
  readonly port?: number;
  /**
   * The service port external traffic goes to.
   * @default - the service's only port (required when it has several)
   */
  readonly servicePort?: number;
  /**
   * Client IP ranges admitted (CIDRs or addresses; needs the gateway to preserve client IPs).
   * @default - any address
   */
  readonly remoteIpBlocks?: string[];
}

export interface MutualExternalAccessOptions extends ExternalAccessOptions {
  /** The CA that external clients' certificates must chain to. */
  readonly clientCa: ClientCertificateAuthority;
}

/**
 * Access for clients outside the mesh, through the cluster's ingress gateway (seed
 * `mutualTLS: SIMPLE | MUTUAL`). Mesh traffic stays ISTIO_MUTUAL either way.
 */
export class ExternalAccess {
  /** TLS terminated at the ingress gateway with a server certificate. */
  public static simple(options: ExternalAccessOptions): ExternalAccess {
    return new ExternalAccess('SIMPLE', options);
  }

  /** Mutual TLS: external clients must present a certificate signed by `clientCa`. */
  public static mutual(options: MutualExternalAccessOptions): ExternalAccess {
    return new ExternalAccess('MUTUAL', options);
  }

  private constructor(public readonly mode: 'SIMPLE' | 'MUTUAL', private readonly options: ExternalAccessOptions | MutualExternalAccessOptions) {}

  /** @internal */
  public _bind(p: Problems, field: string, servicePorts: readonly number[]): ExternalAccessModel | undefined {
    const allowed = ['host', 'credential', 'port', 'servicePort', 'remoteIpBlocks', ...(this.mode === 'MUTUAL' ? ['clientCa'] : [])];
    if (this.options === undefined || this.options === null) {
      // From JavaScript, `ExternalAccess.simple(undefined)` must not silently mean "no external access".
      p.add(field, this.options,
        `has no options: ExternalAccess.${this.mode.toLowerCase()}({ host, credential${this.mode === 'MUTUAL' ? ', clientCa' : ''} }) needs them`);
      return undefined;
    }
    if (!checkKnownKeys(p, field, this.options, allowed)) return undefined;
    const o = this.options;
    if (!isHostname(o.host)) p.add(`${field}.host`, o.host, 'is not a fully qualified host name (e.g. "httpbin.example.com")');
    const port = o.port ?? 443;
    if (!isPort(port)) p.add(`${field}.port`, port, 'is not a port (1-65535)');
    let servicePort = o.servicePort;
    if (servicePort === undefined) {
      if (servicePorts.length > 1) p.addMessage(`${field}.servicePort`, `is required: the service has several ports (${servicePorts.join(', ')})`);
      servicePort = servicePorts[0];
    } else if (!servicePorts.includes(servicePort)) {
      p.add(`${field}.servicePort`, servicePort, `is not a port of the service (${servicePorts.join(', ')})`);
    }
    const remoteIpBlocks = o.remoteIpBlocks ?? [];
    if (!Array.isArray(remoteIpBlocks)) p.add(`${field}.remoteIpBlocks`, remoteIpBlocks, 'is not a list of CIDR blocks');
    else for (let i = 0; i < remoteIpBlocks.length; i++) if (!isCidrOrIp(remoteIpBlocks[i])) p.add(`${field}.remoteIpBlocks[${i}]`,
      remoteIpBlocks[i], 'is not an IP address or CIDR block');
    if (!(o.credential instanceof TlsCredential)) {
      p.add(`${field}.credential`, o.credential, `is required for ${this.mode} (TlsCredential.fromSecret("<secret>"))`);
      return undefined;
    }
    const cred = o.credential._bind(p, `${field}.credential`);
    let caPem: string | undefined;
    if (this.mode === 'MUTUAL') {
      const ca = (o as MutualExternalAccessOptions).clientCa;
      if (!(ca instanceof ClientCertificateAuthority)) {
        p.add(`${field}.clientCa`, ca, 'is required for MUTUAL (ClientCertificateAuthority.inCredentialSecret() or .fromPem(...))');
      }
      else caPem = ca._bind(p, `${field}.clientCa`);
    }
    return {
      mode: this.mode,
      host: o.host,
      credentialName: cred.name,
      port,
      servicePort: servicePort ?? 0,
      remoteIpBlocks: Array.isArray(remoteIpBlocks) ? remoteIpBlocks : [],
      credentialPem: cred.pem,
      clientCaPem: caPem,
    };
  }
}
