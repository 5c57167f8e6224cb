/**
 * Small hand-written manifests for the review tests. Every fixture object is checked against
 * the Istio 1.30.3 schemas (and CEL rules), so the tests never reason about objects Istio
 * would reject.
 */
import { ClusterAccess, WorkloadAccess } from '../../src/review/access-types';
import { buildAccessModel } from '../../src/review/access-model';
import { AccessChange, AccessDiff, diffAccess } from '../../src/review/diff';
import { formatViolation, validateManifests } from '../../src/validation/manifest-validator';

type Labels = Record<string, string>;

const meta = (namespace: string, name: string, annotations?: Labels) => ({ name, namespace, ...(annotations ? { annotations } : {}) });

export function ap(namespace: string, name: string, spec: Record<string, unknown>, annotations?: Labels): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta(namespace, name, annotations), spec };
}

/** An ALLOW policy for `app: <app>` with the given rules. */
export const allow = (namespace: string, app: string, rules: unknown[], name = app) => ap(namespace, name,
  { selector: { matchLabels: { app } }, action: 'ALLOW', rules });

export function pa(namespace: string, name: string, mode: string, selector?: Labels): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta(namespace, name), spec: { ...(selector
    ? { selector: { matchLabels: selector } } : {}), mtls: { mode } } };
}

export function gateway(namespace: string, name: string, selector: Labels, servers: unknown[]): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta(namespace, name), spec: { selector, servers } };
}

export const eastWestGateway = (hosts: string[]) => gateway('istio-system', 'mesh-eastwest', { istio: 'eastwestgateway' }, [
  { hosts, port: { name: 'tls-passthrough-15443', number: 15443, protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' } },
]);

export const ingressGateway = (name: string, host: string, mode: 'SIMPLE' | 'MUTUAL', namespace = 'default') =>
  gateway('istio-system', name, { istio: 'ingressgateway' }, [
    { hosts: [`${namespace}/${host}`], port: { name: 'https-443', number: 443, protocol: 'HTTPS' }, tls: { mode, credentialName: `${name}-cert` } },
  ]);

export function ingressRoute(namespace: string, name: string, gw: string, host: string, destination: string): any {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(namespace, name),
    spec: { hosts: [host], gateways: [gw], http: [{ route: [{ destination: { host: destination } }] }] },
  };
}

export const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;

/** A rule admitting principals for operations (none: any operation). */
export const rule = (principals: string[], operations?: Array<{ methods?: string[]; paths?: string[] }>) => ({
  from: [{ source: { principals } }], ...(operations ? { to: operations.map((operation) => ({ operation })) } : {}),
});

export function expectValid(objects: readonly any[]): void {
  expect(validateManifests(objects).map(formatViolation)).toEqual([]);
}

/** The model of one cluster `c1` made of these (schema-valid) objects. */
export function model(objects: any[]): ClusterAccess {
  expectValid(objects);
  return buildAccessModel([{ cluster: 'c1', objects }])[0];
}

export function workload(objects: any[], name: string, namespace = 'default'): WorkloadAccess {
  const w = model(objects).workloads.find((x) => x.id === `c1/${namespace}/${name}`);
  if (!w) throw new Error(`no workload c1/${namespace}/${name} in ${model(objects).workloads.map((x) => x.id).join(', ')}`);
  return w;
}

/** `<kind> <caller> <access>` per caller of a workload, sorted. */
export const callers = (w: WorkloadAccess) => w.callers.map((e) => `${e.caller.kind} ${e.caller.value}`).sort();

export function diff(before: any[], after: any[]): AccessDiff {
  expectValid([...before, ...after]);
  return diffAccess(buildAccessModel([{ cluster: 'c1', objects: before }]), buildAccessModel([{ cluster: 'c1', objects: after }]));
}

/** Changes as `effect kind subject [caller]` lines, for focused assertions. */
export const summary = (d: AccessDiff) => d.changes.map((c: AccessChange) => [c.effect, c.kind, c.subject, c.caller].filter(Boolean).join(' '));
