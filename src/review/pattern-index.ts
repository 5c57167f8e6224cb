/**
 * Items named by match patterns (gateway routes by host, external hosts, gateway rules by SNI),
 * indexed by their exact patterns. Comparing one host with every pattern of every item made
 * the model quadratic in the number of hosts; an exact pattern matches only the value equal to
 * it, so a map lookup finds those items and only items with a wildcard pattern are compared.
 */
import { appendTo } from './access-types';
import { PatternField, comparableValue, isExactPattern } from './patterns';

export class PatternIndex<T> {
  /** Comparable form of an exact pattern → positions of the items that have it. */
  private readonly exact = new Map<string, number[]>();
  /** Positions of the items with a pattern that is not exact. */
  private readonly wildcard: number[] = [];

  constructor(private readonly items: readonly T[], patternsOf: (item: T) => readonly string[], private readonly field: PatternField) {
    items.forEach((item, position) => {
      const patterns = patternsOf(item);
      const keys = new Set(patterns.filter((p) => isExactPattern(p, field)).map((p) => comparableValue(p, field)));
      for (const key of keys) appendTo(this.exact, key, position);
      if (patterns.some((p) => !isExactPattern(p, field))) this.wildcard.push(position);
    });
  }

  /**
   * The items `matches` accepts, in their order, when `matches` accepts every item with an
   * exact pattern equal to `value` and no other item whose patterns are all exact.
   */
  matching(value: string, matches: (item: T) => boolean): T[] {
    const found = new Set(this.exact.get(comparableValue(value, this.field)) ?? []);
    for (const p of this.wildcard) if (!found.has(p) && matches(this.items[p])) found.add(p);
    return [...found].sort((a, b) => a - b).map((p) => this.items[p]);
  }

  /** Every item `matches` accepts, in their order (for a value that is itself a wildcard). */
  filter(matches: (item: T) => boolean): T[] {
    return this.items.filter(matches);
  }
}
