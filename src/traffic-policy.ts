import type { DurationInput } from './duration';
import { normalizeDuration } from './duration';
import type { RetriesModel, TrafficPolicyModel } from './model';
import { isNonNegativeInt } from './names';
import { checkKnownKeys, Problems } from './problems';

export interface CookieOptions {
  /** Cookie name. */
  readonly name: string;
  /** @default - no path */
  readonly path?: string;
  /**
   * Lifetime of the cookie Envoy generates when the request has none.
   * @default - a session cookie
   */
  readonly ttl?: DurationInput;
}

type LbSpec =
  | { kind: 'simple'; simple: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' }
  | { kind: 'cookie'; cookie: CookieOptions }
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'sourceIp' };

/**
 * How calls are spread over the service's endpoints. One kind per value, so two kinds at once
 * cannot be written.
 */
export class LoadBalancer {
  public static roundRobin(): LoadBalancer { return new LoadBalancer({ kind: 'simple', simple: 'ROUND_ROBIN' }); }
  public static leastRequest(): LoadBalancer { return new LoadBalancer({ kind: 'simple', simple: 'LEAST_REQUEST' }); }
  public static random(): LoadBalancer { return new LoadBalancer({ kind: 'simple', simple: 'RANDOM' }); }
  /** Session affinity on an HTTP cookie (Envoy sets it when absent). */
  public static consistentHashByCookie(cookie: CookieOptions): LoadBalancer { return new LoadBalancer({ kind: 'cookie', cookie }); }
  /** Affinity on the value of a request header. */
  public static consistentHashByHeader(name: string): LoadBalancer { return new LoadBalancer({ kind: 'header', name }); }
  /** Affinity on a query parameter. */
  public static consistentHashByQueryParameter(name: string): LoadBalancer { return new LoadBalancer({ kind: 'query', name }); }
  /** Affinity on the caller's IP address. */
  public static consistentHashBySourceIp(): LoadBalancer { return new LoadBalancer({ kind: 'sourceIp' }); }

  private constructor(private readonly spec: LbSpec) {}


  /** @internal */
  public _bind(p: Problems, field: string): TrafficPolicyModel['loadBalancer'] {
    const s = this.spec;
    switch (s.kind) {
      case 'simple': return { simple: s.simple };
      case 'sourceIp': return { consistentHash: { useSourceIp: true } };
      case 'header':
      case 'query':
        if (typeof s.name !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(s.name)) {
          p.add(`${field}.${s.kind === 'header' ? 'httpHeaderName' : 'httpQueryParameterName'}`, s.name,
            'is not a header or parameter name (a non-empty token)');
          return undefined;
        }
        return { consistentHash: s.kind === 'header' ? { httpHeaderName: s.name } : { httpQueryParameterName: s.name } };
      case 'cookie': {
        const c = s.cookie ?? ({} as CookieOptions);
        if (!checkKnownKeys(p, `${field}.httpCookie`, c, ['name', 'path', 'ttl'])) return undefined;
        if (typeof c.name !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(c.name)) {
          p.add(`${field}.httpCookie.name`, c.name, 'is not a cookie name (required; a non-empty token such as "user1")');
          return undefined;
        }
        if (c.path !== undefined && (typeof c.path !== 'string' || !c.path.startsWith('/'))) {
          p.add(`${field}.httpCookie.path`, c.path, 'is not a path (must start with "/")');
        }
        const ttl = normalizeDuration(p, `${field}.httpCookie.ttl`, c.ttl);
        return { consistentHash: { httpCookie: { name: c.name, path: c.path, ttl } } };
      }
    }
  }
}

/** Connection limits (circuit breaking). Seed: `maxConnections`, `connectTimeout`. */
export interface ConnectionPoolOptions {
  /** Maximum TCP connections to each endpoint. @default - Istio's default (2^32-1) */
  readonly maxConnections?: number;
  /** TCP connect timeout. @default - Istio's default (10s) */
  readonly connectTimeout?: DurationInput;
  /** Maximum concurrent requests to the service. @default - Istio's default */
  readonly http2MaxRequests?: number;
  /** Requests per connection before it is closed (1 disables keep-alive). @default - unlimited */
  readonly maxRequestsPerConnection?: number;
  /** Requests queued while waiting for a connection. @default - Istio's default */
  readonly http1MaxPendingRequests?: number;
}

/** Ejecting failing endpoints (circuit breaking). Seed: `baseEjectionTime`, `intervalSweep`. */
export interface OutlierDetectionOptions {
  /** 5xx responses (or connection errors for TCP) in a row before ejection. @default - Istio's default (5) */
  readonly consecutive5xxErrors?: number;
  /** 502/503/504 responses in a row before ejection. @default - not used */
  readonly consecutiveGatewayErrors?: number;
  /** Time between ejection sweeps (seed `intervalSweep`). @default - Istio's default (10s) */
  readonly interval?: DurationInput;
  /** Minimum ejection time (seed `baseEjectionTime`). @default - Istio's default (30s) */
  readonly baseEjectionTime?: DurationInput;
  /** Most endpoints that may be ejected, in percent (0-100). @default - Istio's default (10) */
  readonly maxEjectionPercent?: number;
}

export interface TrafficPolicyOptions {
  /** @default - Istio's default (LEAST_REQUEST) */
  readonly loadBalancer?: LoadBalancer;
  /** @default - no limits */
  readonly connectionPool?: ConnectionPoolOptions;
  /** @default - no outlier detection */
  readonly outlierDetection?: OutlierDetectionOptions;
}

export interface RetryPolicy {
  /** Attempts after the first failure (0 disables retries). */
  readonly attempts: number;
  /** Timeout of each attempt. @default - the route's timeout */
  readonly perTryTimeout?: DurationInput;
  /**
   * Conditions to retry on (Envoy policies such as `5xx`, `connect-failure`, or status codes).
   * @default - Istio's default (connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes)
   */
  readonly retryOn?: string[];
}

const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

function count(p: Problems, field: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (!isNonNegativeInt(v)) {
    p.add(field, v, 'is not a count (a whole number from 0 to 2147483647)');
    return undefined;
  }
  return v;
}

/** Validates traffic-policy options and turns them into the Istio-shaped model. */
export function normalizeTrafficPolicy(p: Problems, field: string, tp: TrafficPolicyOptions | undefined): TrafficPolicyModel {
  if (tp === undefined || !checkKnownKeys(p, field, tp, ['loadBalancer', 'connectionPool', 'outlierDetection'])) return {};
  let loadBalancer: TrafficPolicyModel['loadBalancer'];
  if (tp.loadBalancer !== undefined) {
    if (tp.loadBalancer instanceof LoadBalancer) loadBalancer = tp.loadBalancer._bind(p, `${field}.loadBalancer`);
    else p.add(`${field}.loadBalancer`, tp.loadBalancer,
      'is not a LoadBalancer (use LoadBalancer.roundRobin(), LoadBalancer.consistentHashByCookie({ name }), ...)');
  }
  return {
    loadBalancer,
    connectionPool: normalizeConnectionPool(p, `${field}.connectionPool`, tp.connectionPool),
    outlierDetection: normalizeOutlierDetection(p, `${field}.outlierDetection`, tp.outlierDetection),
  };
}

const POOL_KEYS = ['maxConnections', 'connectTimeout', 'http2MaxRequests', 'maxRequestsPerConnection', 'http1MaxPendingRequests'];

function normalizeConnectionPool(p: Problems, field: string, cp: ConnectionPoolOptions | undefined): TrafficPolicyModel['connectionPool'] {
  if (!checkKnownKeys(p, field, cp, POOL_KEYS) || !cp) return undefined;
  const tcp = { maxConnections: count(p, `${field}.maxConnections`, cp.maxConnections), connectTimeout: normalizeDuration(p,
    `${field}.connectTimeout`, cp.connectTimeout) };
  const http = {
    http2MaxRequests: count(p, `${field}.http2MaxRequests`, cp.http2MaxRequests),
    maxRequestsPerConnection: count(p, `${field}.maxRequestsPerConnection`, cp.maxRequestsPerConnection),
    http1MaxPendingRequests: count(p, `${field}.http1MaxPendingRequests`, cp.http1MaxPendingRequests),
  };
  const some = (o: object) => Object.values(o).some((v) => v !== undefined);
  if (Object.keys(cp).length === 0) p.addMessage(field, 'is empty (set at least one limit, or leave it out)');
  return { tcp: some(tcp) ? tcp : undefined, http: some(http) ? http : undefined };
}

const OUTLIER_KEYS = ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent'];

function normalizeOutlierDetection(p: Problems, field: string, od: OutlierDetectionOptions | undefined): TrafficPolicyModel['outlierDetection'] {
  if (!checkKnownKeys(p, field, od, OUTLIER_KEYS) || !od) return undefined;
  const pct = od.maxEjectionPercent;
  if (pct !== undefined && !(Number.isInteger(pct) && pct >= 0 && pct <= 100)) {
    p.add(`${field}.maxEjectionPercent`, pct, 'is not a percentage (a whole number from 0 to 100)');
  }
  const outlierDetection = {
    consecutive5xxErrors: count(p, `${field}.consecutive5xxErrors`, od.consecutive5xxErrors),
    consecutiveGatewayErrors: count(p, `${field}.consecutiveGatewayErrors`, od.consecutiveGatewayErrors),
    interval: normalizeDuration(p, `${field}.interval`, od.interval),
    baseEjectionTime: normalizeDuration(p, `${field}.baseEjectionTime`, od.baseEjectionTime),
    maxEjectionPercent: pct,
  };
  if (Object.keys(od).length === 0) p.addMessage(field, 'is empty (set at least one field, or leave it out)');
  return outlierDetection;
}

export function normalizeRetries(p: Problems, field: string, r: RetryPolicy | undefined): RetriesModel | undefined {
  if (r === undefined || !checkKnownKeys(p, field, r, ['attempts', 'perTryTimeout', 'retryOn'])) return undefined;
  if (!isNonNegativeInt(r.attempts)) {
    p.add(`${field}.attempts`, r.attempts, 'is not a count of attempts (a whole number, 0 or more)');
    return undefined;
  }
  const perTryTimeout = normalizeDuration(p, `${field}.perTryTimeout`, r.perTryTimeout);
  let retryOn: string | undefined;
  if (r.retryOn !== undefined) {
    if (!Array.isArray(r.retryOn) || r.retryOn.length === 0) {
      p.add(`${field}.retryOn`, r.retryOn, 'is not a non-empty list of retry conditions');
    } else {
      for (const c of r.retryOn) {
        if (!RETRY_ON.has(c) && !/^[1-5][0-9][0-9]$/.test(String(c))) {
          p.add(`${field}.retryOn`, c, `is not a retry condition (one of ${[...RETRY_ON].join(', ')}, or an HTTP status code)`);
        }
      }
      retryOn = r.retryOn.join(',');
    }
  }
  if (r.attempts === 0 && (perTryTimeout || retryOn)) {
    p.addMessage(field, 'sets perTryTimeout or retryOn with attempts 0 (Istio rejects this; remove them or set attempts)');
  }
  return { attempts: r.attempts, perTryTimeout, retryOn };
}
