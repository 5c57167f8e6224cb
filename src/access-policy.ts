import { InboundService } from './inbound-service';
import { IntentConstruct, isServiceClient, IServiceClient } from './intent';
import type { AccessRuleModel } from './model';
import { isDnsSubdomain, parsePrincipal } from './names';
import { checkKnownKeys, Problems } from './problems';

/** HTTP methods an access rule may name. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'CONNECT' | 'TRACE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'];

/** One allowed operation: any of the methods on any of the paths. */
export interface AccessRule {
  /** @default - any method */
  readonly methods?: Array<HttpMethod | Lowercase<HttpMethod>>;
  /**
   * Request paths: exact (`/status`), prefix (`/api/*`) or suffix (`*.png`), as Istio matches.
   * @default - any path
   */
  readonly paths?: string[];
}

export interface ServiceAccessPolicyProps {
  /**
   * Intent name (seed `metadata.name`). The rules become part of the service's one
   * AuthorizationPolicy, so the name appears in messages, not in object names.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The client the rules apply to; it is connected to the service. Give `client` or `principal`.
   * @default - none: `principal` is required instead
   */
  readonly client?: IServiceClient;
  /**
   * A principal (`<trustDomain>/ns/<namespace>/sa/<serviceAccount>`) for a caller not modelled
   * as a ServiceClient (seed `serviceAccountAccess` keys).
   * @default - none: `client` is required instead
   */
  readonly principal?: string;
  /** What the caller may do: each rule admits its methods on its paths. */
  readonly rules: AccessRule[];
}

/**
 * Which HTTP methods and paths one caller may use on a service (seed "security intent").
 * Declared inside the InboundService it protects; the rules go into that service's
 * AuthorizationPolicy. A caller with an access policy is admitted only for these operations.
 */
export class ServiceAccessPolicy extends IntentConstruct {
  public readonly service: InboundService;
  public readonly principal: string;

  constructor(scope: InboundService, id: string, props: ServiceAccessPolicyProps) {
    super(scope, id, 'ServiceAccessPolicy');
    const p = this.problems;
    this.service = scope;
    if (!checkKnownKeys(p, '', props, ['name', 'client', 'principal', 'rules'])) props = { rules: [] };
    const name = props.name ?? id;
    if (!isDnsSubdomain(name)) p.add('name', name, 'is not a DNS-1123 subdomain');
    if (!(scope instanceof InboundService)) {
      throw new Error(`[${this.node.path}] scope: a ServiceAccessPolicy must be declared inside the InboundService it protects`);
    }
    this.principal = resolvePrincipal(p, props, scope.mesh.trustDomain);
    if (!scope.sidecar) {
      p.addMessage('rules', `need the Istio sidecar on ${scope.node.path} (it has sidecar: false), which enforces them with mesh mTLS identities`);
    }
    const rules = normalizeRules(p, props.rules, scope);
    if (isServiceClient(props.client) && this.problems.isEmpty) scope.allowFrom(props.client);
    const model = { path: this.node.path, name, principal: this.principal, rules };
    scope.mesh._registerAccessPolicy(scope, this, () => model);
  }
}

/** Whom the rules apply to: a client's principal, or a principal given in the mesh's trust domain. */
function resolvePrincipal(p: Problems, props: ServiceAccessPolicyProps, trustDomain: string): string {
  if (props.client !== undefined && props.principal !== undefined) p.addMessage('client', 'is given together with principal (give one)');
  if (props.client !== undefined) {
    if (isServiceClient(props.client)) return props.client.principal;
    p.add('client', props.client, 'is not a ServiceClient');
    return '';
  }
  if (props.principal === undefined) {
    p.addMessage('client', 'is required (or principal): whom the rules apply to');
    return '';
  }
  const parsed = parsePrincipal(props.principal);
  if (!parsed) p.add('principal', props.principal, 'is not a principal ("<trustDomain>/ns/<namespace>/sa/<serviceAccount>")');
  else if (parsed.trustDomain !== trustDomain) {
    p.add('principal', props.principal, `is in trust domain "${parsed.trustDomain}", not the mesh's "${trustDomain}"`);
  }
  return props.principal;
}

/**
 * Istio path matching: exact (`/status`), prefix (`/api/*`) or suffix (`*.json`); one `*`
 * at most, at one end.
 */
function isAccessPath(path: unknown): boolean {
  if (typeof path !== 'string' || /\s/.test(path) || path.length < 2 && path !== '/') return false;
  const stars = path.split('*').length - 1;
  if (stars === 0) return path.startsWith('/');
  if (stars > 1) return false;
  return path.startsWith('*') || (path.startsWith('/') && path.endsWith('*'));
}

function normalizeRules(p: Problems, rules: unknown, service: InboundService): AccessRuleModel[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    p.add('rules', rules, 'is not a non-empty list of rules (an empty list would admit nothing; remove the policy instead)');
    return [];
  }
  const out: AccessRuleModel[] = [];
  rules.forEach((r: AccessRule, i) => {
    const at = `rules[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      p.add(at, r, 'is not a rule ({ methods, paths })');
      return;
    }
    for (const [k, v] of Object.entries(r)) if (k !== 'methods' && k !== 'paths') p.add(`${at}.${k}`, v, 'is not a rule field (methods, paths)');
    if ((r.methods !== undefined || r.paths !== undefined) && !service.isHttp && service.ports.length > 0) {
      const ports = service.ports.map((x) => `${x.number}/${x.protocol}`).join(', ');
      p.addMessage(at, `names methods or paths, which never match on ${ports} (only HTTP, HTTP2 and GRPC carry them)`);
      return;
    }
    out.push({ methods: normalizeMethods(p, at, r.methods), paths: normalizePaths(p, at, r.paths) });
  });
  return out;
}

/** Upper-case, known, unique methods (undefined: any method). */
function normalizeMethods(p: Problems, at: string, given: unknown): string[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.length === 0) {
    p.add(`${at}.methods`, given, 'is not a non-empty list of HTTP methods');
    return undefined;
  }
  const methods: string[] = [];
  for (const m of given) {
    const upper = typeof m === 'string' ? m.toUpperCase() : m;
    if (!HTTP_METHODS.includes(upper as HttpMethod)) p.add(`${at}.methods`, m, `is not an HTTP method (${HTTP_METHODS.join(', ')})`);
    else if (!methods.includes(upper)) methods.push(upper);
  }
  return methods;
}

/** Valid, unique paths (undefined: any path). */
function normalizePaths(p: Problems, at: string, given: unknown): string[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.length === 0) {
    p.add(`${at}.paths`, given, 'is not a non-empty list of paths');
    return undefined;
  }
  const paths: string[] = [];
  for (const path of given) {
    if (!isAccessPath(path)) p.add(`${at}.paths`, path, 'is not a path ("/exact", "/prefix/*" or "*suffix"; starts with "/", "*" only at one end)');
    else if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}
