/** The view graph in Graphviz DOT: clusters and namespaces as `cluster_` subgraphs. */
import { ViewGraph, ViewNode } from './graph-view';

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const label = (lines: readonly string[]) => quote(lines.join('\n')).replace(/\n/g, '\\n');

const SHAPES: Record<ViewNode['kind'], string> = { service: 'box', caller: 'parallelogram', entry: 'oval' };
const STYLE: Record<string, string> = {
  nosidecar: 'fillcolor="#fff4e5"', dryrun: 'style="dashed,filled"', open: 'fillcolor="#fdecea"', weak: 'penwidth=2',
  undecided: 'fillcolor="#f3e8fd"',
};

function nodeLine(id: string, n: ViewNode): string {
  const attrs = [`label=${label(n.lines)}`, `shape=${SHAPES[n.kind]}`, ...n.classes.map((c) => STYLE[c]).filter(Boolean)];
  return `${quote(id)} [${attrs.join(', ')}];`;
}

export function renderDot(view: ViewGraph): string {
  const ids = new Map<string, string>();
  const idFor = (n: ViewNode, prefix: string) => {
    if (!ids.has(n.key)) ids.set(n.key, `${prefix}${ids.size + 1}`);
    return ids.get(n.key)!;
  };
  const out = ['digraph connectivity {', '  rankdir=LR;', '  node [fontname="Helvetica", style=filled, fillcolor=white];',
    '  edge [fontname="Helvetica", fontsize=10];'];
  view.clusters.forEach((c, ci) => {
    out.push(`  subgraph ${quote(`cluster_${ci + 1}`)} {`, `    label=${label([`cluster ${c.name}`])};`);
    c.namespaces.forEach((ns, ni) => {
      out.push(`    subgraph ${quote(`cluster_${ci + 1}_${ni + 1}`)} {`, `      label=${label([`namespace ${ns.name}`])};`);
      for (const n of ns.nodes) out.push(`      ${nodeLine(idFor(n, 's'), n)}`);
      out.push('    }');
    });
    for (const e of c.entries) out.push(`    ${nodeLine(idFor(e, 'e'), e)}`);
    out.push('  }');
  });
  for (const n of view.callers) out.push(`  ${nodeLine(idFor(n, 'c'), n)}`);
  for (const e of view.edges) {
    out.push(`  ${quote(ids.get(e.from)!)} -> ${quote(ids.get(e.to)!)} [label=${label(e.lines)}${e.dashed ? ', style=dashed' : ''}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
