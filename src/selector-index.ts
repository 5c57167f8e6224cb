/**
 * Objects that select workloads by namespace and labels (AuthorizationPolicies,
 * PeerAuthentications), indexed so that finding those that apply to one workload does not test
 * every object of the cluster: that made the model quadratic in the number of services.
 * Every lookup answers in the order of the list the index was built from.
 */
import { appendTo } from './review/access-types';

export type Labels = Readonly<Record<string, string>>;

/** Whether every label of `sub` is in `labels` with the same value. */
export const isSubset = (sub: Labels, labels: Labels) => Object.entries(sub).every(([k, v]) => labels[k] === v);

interface Selecting {
  readonly namespace: string;
  /** Absent: the whole namespace. */
  readonly selector?: Labels;
}

function nested<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const value = create();
  map.set(key, value);
  return value;
}

const byPosition = (a: number, b: number) => a - b;

export class SelectorIndex<T extends Selecting> {
  /** namespace → positions of the items without a selector. */
  private readonly wide = new Map<string, number[]>();
  /** namespace → positions of the items with an empty selector (`{}` selects every workload of the namespace). */
  private readonly empty = new Map<string, number[]>();
  /**
   * namespace → first label of the selector → its value → positions. A selector can only hold
   * for labels that have its first label, so a workload's labels name every candidate.
   */
  private readonly byFirstLabel = new Map<string, Map<string, Map<string, number[]>>>();

  constructor(private readonly items: readonly T[]) {
    items.forEach((item, position) => {
      if (!item.selector) return appendTo(this.wide, item.namespace, position);
      const first = Object.entries(item.selector)[0];
      if (!first) return appendTo(this.empty, item.namespace, position);
      const byLabel = nested(this.byFirstLabel, item.namespace, () => new Map<string, Map<string, number[]>>());
      appendTo(nested(byLabel, first[0], () => new Map<string, number[]>()), first[1], position);
    });
  }

  /** Items of the namespace without a selector. */
  namespaceWide(namespace: string): T[] {
    return (this.wide.get(namespace) ?? []).map((p) => this.items[p]);
  }

  /** Items of the namespace with a selector that `labels` satisfy. */
  selecting(namespace: string, labels: Labels): T[] {
    return this.selectingPositions(namespace, labels).sort(byPosition).map((p) => this.items[p]);
  }

  /** Items of these namespaces without a selector, or with one that `labels` satisfy (none when the labels are unknown). */
  attachedTo(namespaces: readonly string[], labels: Labels | undefined): T[] {
    const positions = [...new Set(namespaces)].flatMap((ns) => [...(this.wide.get(ns) ?? []),
      ...(labels === undefined ? [] : this.selectingPositions(ns, labels))]);
    return positions.sort(byPosition).map((p) => this.items[p]);
  }

  private selectingPositions(namespace: string, labels: Labels): number[] {
    const byLabel = this.byFirstLabel.get(namespace);
    const candidates = [...(this.empty.get(namespace) ?? [])];
    if (byLabel) for (const [k, v] of Object.entries(labels)) candidates.push(...(byLabel.get(k)?.get(v) ?? []));
    return candidates.filter((p) => isSubset(this.items[p].selector!, labels));
  }
}
