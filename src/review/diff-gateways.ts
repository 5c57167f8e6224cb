/**
 * Gateway changes between two trees: hosts newly reachable from other clusters (east-west) or
 * from outside (ingress entry points), weaker external TLS, wider client address blocks.
 */
import { ClusterAccess, EastWestHost, EntryPoint, byCodeUnit } from './access-types';
import { cidrCovers } from './cidr';
import type { AccessChange } from './diff-types';
import { patternCovers } from './patterns';

/** Client-side TLS strength of an external server: MUTUAL checks clients, PASSTHROUGH leaves TLS to the workload, NONE is plain text. */
const TLS_RANK: Record<string, number> = { MUTUAL: 3, OPTIONAL_MUTUAL: 2, SIMPLE: 2, PASSTHROUGH: 1, NONE: 0 };
const rank = (mode: string) => TLS_RANK[mode] ?? 0;

function eastWestChanges(cluster: string, b: readonly EastWestHost[], a: readonly EastWestHost[]): AccessChange[] {
  const out: AccessChange[] = [];
  const text = (e: EastWestHost) => `${e.host} on ${e.gateway}:${e.port} (${e.tlsMode})`;
  for (const e of a) {
    const prev = b.filter((x) => x.gateway === e.gateway && patternCovers(x.host, e.host, 'host'));
    if (prev.length === 0) {
      out.push({ cluster, subject: e.host, kind: 'east-west-host-exposed', effect: 'widened', after: text(e) + (e.onlyPrincipals
        ? `, only ${e.onlyPrincipals.join(', ')}` : '') });
      continue;
    }
    const only = e.onlyPrincipals;
    const wider = prev.some((p) => p.onlyPrincipals && (!only || only.some((x) => !p.onlyPrincipals!.includes(x))));
    if (wider) {
      out.push({ cluster, subject: e.host, kind: 'east-west-callers-widened', effect: 'widened',
        before: `only ${prev.flatMap((p) => p.onlyPrincipals ?? []).join(', ')}`, after: only ? `only ${only.join(', ')}` : 'any mesh caller' });
    }
  }
  for (const e of b) {
    if (!a.some((x) => x.gateway === e.gateway && patternCovers(x.host, e.host, 'host'))) {
      out.push({ cluster, subject: e.host, kind: 'east-west-host-removed', effect: 'narrowed', before: text(e) });
    }
  }
  return out;
}

const entryText = (e: EntryPoint) =>
  `${e.host}:${e.port} ${e.protocol} ${e.tlsMode} on ${e.gateway}${e.routesTo.length > 0 ? ` → ${e.routesTo.join(', ')}` : ''}`;
const sameEntry = (x: EntryPoint, y: EntryPoint) => x.port === y.port && patternCovers(x.host, y.host, 'host');

function entryChanges(cluster: string, b: readonly EntryPoint[], a: readonly EntryPoint[]): AccessChange[] {
  const out: AccessChange[] = [];
  for (const e of a) {
    const prev = b.filter((x) => sameEntry(x, e));
    const subject = `${e.host}:${e.port}`;
    if (prev.length === 0) {
      out.push({ cluster, subject, kind: 'external-access-added', effect: 'widened', after: entryText(e) });
      continue;
    }
    const newTargets = e.routesTo.filter((t) => !prev.some((p) => p.routesTo.includes(t)));
    if (newTargets.length > 0) out.push({ cluster, subject, kind: 'external-access-added', effect: 'widened',
      before: prev.map(entryText).join('; '), after: entryText(e) });
    if (prev.some((p) => rank(e.tlsMode) < rank(p.tlsMode))) {
      out.push({ cluster, subject, kind: 'external-tls-weakened', effect: 'widened', before: prev.map((p) => p.tlsMode).join(', '),
        after: e.tlsMode });
    }
    const blocks = e.onlyRemoteIpBlocks;
    const wider = prev.some((p) => p.onlyRemoteIpBlocks && (!blocks || blocks.some((x) => !p.onlyRemoteIpBlocks!.some((o) => cidrCovers(o, x)))));
    if (wider) {
      out.push({ cluster, subject, kind: 'external-clients-widened', effect: 'widened',
        before: prev.flatMap((p) => p.onlyRemoteIpBlocks ?? []).join(', '), after: blocks ? blocks.join(', ') : 'any client address' });
    }
  }
  for (const e of b) {
    if (!a.some((x) => sameEntry(x, e))) out.push({ cluster, subject: `${e.host}:${e.port}`, kind: 'external-access-removed',
      effect: 'narrowed', before: entryText(e) });
  }
  return out;
}

export function diffGateways(cluster: string, b: ClusterAccess | undefined, a: ClusterAccess | undefined): AccessChange[] {
  return [...eastWestChanges(cluster, b?.eastWest ?? [], a?.eastWest ?? []), ...entryChanges(cluster, b?.entryPoints ?? [], a?.entryPoints ?? [])]
    .sort((x, y) => byCodeUnit(x.subject, y.subject));
}
