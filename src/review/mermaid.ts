/**
 * The view graph as a Mermaid flowchart: a subgraph per cluster and per namespace in it,
 * callers (mesh identities, not bound to a cluster) on their own, external entry points as
 * stadium-shaped nodes. Node ids are assigned in sorted order, so the text is stable.
 */
import { appendTo } from './access-types';
import { ViewGraph, ViewNode } from './graph-view';

/** Mermaid entity codes keep quotes and angle brackets of names out of the syntax. */
const escape = (s: string) => s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
const label = (lines: readonly string[]) => `"${lines.map(escape).join('<br/>')}"`;

function nodeText(id: string, n: ViewNode): string {
  if (n.kind === 'entry') return `${id}([${label(n.lines)}])`;
  if (n.kind === 'caller') return `${id}[/${label(n.lines)}/]`;
  return `${id}[${label(n.lines)}]`;
}

const CLASS_DEFS = [
  'classDef nosidecar fill:#fff4e5,stroke:#b35c00',
  'classDef dryrun stroke-dasharray: 5 5,stroke:#b00020',
  'classDef open fill:#fdecea,stroke:#b00020',
  'classDef weak stroke:#b00020,stroke-width:2px',
  'classDef undecided fill:#f3e8fd,stroke:#6a1b9a',
  'classDef entry fill:#e8f0fe,stroke:#1a56db',
];

export function renderMermaid(view: ViewGraph): string {
  const ids = new Map<string, string>();
  const idFor = (n: ViewNode, prefix: string) => {
    if (!ids.has(n.key)) ids.set(n.key, `${prefix}${ids.size + 1}`);
    return ids.get(n.key)!;
  };
  const out = ['flowchart LR'];
  const classed: Array<[string, string]> = [];
  view.clusters.forEach((c, ci) => {
    out.push(`  subgraph k${ci + 1}[${label([`cluster ${c.name}`])}]`);
    c.namespaces.forEach((ns, ni) => {
      out.push(`    subgraph k${ci + 1}n${ni + 1}[${label([`namespace ${ns.name}`])}]`);
      for (const n of ns.nodes) {
        out.push(`      ${nodeText(idFor(n, 's'), n)}`);
        for (const cls of n.classes) classed.push([cls, idFor(n, 's')]);
      }
      out.push('    end');
    });
    for (const e of c.entries) out.push(`    ${nodeText(idFor(e, 'e'), e)}`);
    out.push('  end');
  });
  if (view.callers.length > 0) {
    out.push(`  subgraph callers[${label(['callers (mesh identities)'])}]`);
    for (const n of view.callers) out.push(`    ${nodeText(idFor(n, 'c'), n)}`);
    out.push('  end');
  }
  for (const e of view.edges) {
    const arrow = e.dashed ? '-.->' : '-->';
    out.push(`  ${ids.get(e.from)} ${arrow}|${label(e.lines)}| ${ids.get(e.to)}`);
  }
  out.push(...CLASS_DEFS.map((d) => `  ${d}`));
  const byClass = new Map<string, string[]>();
  for (const [cls, id] of classed) appendTo(byClass, cls, id);
  for (const [cls, members] of byClass) out.push(`  class ${members.join(',')} ${cls}`);
  const entries = view.clusters.flatMap((c) => c.entries).map((e) => ids.get(e.key)!);
  if (entries.length > 0) out.push(`  class ${entries.join(',')} entry`);
  return `${out.join('\n')}\n`;
}
