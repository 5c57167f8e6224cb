/** The access diff as a PR comment (markdown), as data (json) or as plain lines (text). */
import { byCodeUnit } from './access-types';
import { AccessChange, AccessDiff, ChangeKind, Effect } from './diff';

export type DiffFormat = 'markdown' | 'json' | 'text';
export const DIFF_FORMATS: readonly DiffFormat[] = ['markdown', 'json', 'text'];
export const DIFF_SCHEMA_VERSION = 1;

const KIND_TEXT: Record<ChangeKind, string> = {
  'caller-added': 'caller added', 'caller-removed': 'caller removed', 'rule-widened': 'rule widened', 'rule-narrowed': 'rule narrowed',
  'service-added': 'service added', 'service-removed': 'service removed', 'mtls-weakened': 'mTLS weakened', 'mtls-strengthened': 'mTLS strengthened',
  'dry-run-on': 'dry-run turned on', 'dry-run-off': 'dry-run turned off', 'deny-removed': 'DENY policy removed', 'deny-added': 'DENY policy added',
  'deny-narrowed': 'DENY rule narrowed', 'east-west-host-exposed': 'host exposed east-west', 'east-west-host-removed': 'east-west host removed',
  'east-west-callers-widened': 'east-west callers widened', 'external-access-added': 'external access added',
  'external-access-removed': 'external access removed', 'external-tls-weakened': 'external TLS weakened',
  'external-clients-widened': 'external clients widened', 'cannot-decide': 'cannot decide',
};
const EFFECT_ORDER: readonly Effect[] = ['widened', 'undecided', 'narrowed', 'info'];

function headline(diff: AccessDiff): string {
  const c = diff.counts;
  if (diff.changes.length === 0) return 'No access changes.';
  return `${c.widened} widened, ${c.undecided} cannot decide, ${c.narrowed} narrowed, ${c.info} other`;
}

const sortForReading = (changes: readonly AccessChange[]) => [...changes].sort((a, b) =>
  byCodeUnit(a.cluster, b.cluster) || EFFECT_ORDER.indexOf(a.effect) - EFFECT_ORDER.indexOf(b.effect) || byCodeUnit(a.subject, b.subject));

const mdCell = (s: string | undefined) => (s === undefined || s === '' ? '—' : `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'")}\``);

function markdown(diff: AccessDiff): string {
  const lines = [`### Access changes: ${headline(diff)}`, ''];
  const clusters = [...new Set(diff.changes.map((c) => c.cluster))].sort(byCodeUnit);
  for (const cluster of clusters) {
    lines.push(`#### ${cluster}`, '', '| effect | change | subject | caller | before | after |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of sortForReading(diff.changes.filter((x) => x.cluster === cluster))) {
      const effect = c.effect === 'widened' ? '**widened**' : c.effect === 'undecided' ? '**cannot decide**' : c.effect;
      lines.push(`| ${effect} | ${KIND_TEXT[c.kind]} | ${mdCell(c.subject)} | ${mdCell(c.caller)} | ${mdCell(c.before)} | ${mdCell(c.after)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function text(diff: AccessDiff): string {
  const lines = sortForReading(diff.changes).map((c) => {
    const who = c.caller ? ` ${c.caller}:` : '';
    const change = [c.before ?? '', c.after ?? ''].some((x) => x !== '') ? ` ${c.before ?? '-'} -> ${c.after ?? '-'}` : '';
    return `${c.cluster} ${c.subject}: ${c.effect.toUpperCase()} ${KIND_TEXT[c.kind]}${who}${change}`;
  });
  return `${[...lines, headline(diff)].join('\n')}\n`;
}

function json(diff: AccessDiff): string {
  const doc = {
    schemaVersion: DIFF_SCHEMA_VERSION, widened: diff.widened, counts: diff.counts,
    changes: diff.changes.map((c) => ({
      cluster: c.cluster, subject: c.subject, kind: c.kind, effect: c.effect,
      ...(c.caller !== undefined ? { caller: c.caller } : {}), ...(c.before !== undefined ? { before: c.before }
        : {}), ...(c.after !== undefined ? { after: c.after } : {}),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function formatDiff(diff: AccessDiff, format: DiffFormat): string {
  return format === 'json' ? json(diff) : format === 'text' ? text(diff) : markdown(diff);
}
