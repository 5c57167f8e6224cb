/**
 * The indexes the access model looks workloads' policies and gateways' hosts up in answer
 * exactly what a scan of every item would, in the same order (the connectivity files must not
 * change by a byte because of them).
 */
import * as fc from 'fast-check';
import { PatternIndex } from '../../src/review/pattern-index';
import { patternMatches, patternsIntersect } from '../../src/review/patterns';
import { isSubset, SelectorIndex } from '../../src/selector-index';

interface Item { readonly id: number; readonly namespace: string; readonly selector?: Readonly<Record<string, string>> }

const namespace = fc.constantFrom<string>('root', 'shop', 'pay');
const labels = fc.dictionary(fc.constantFrom('app', 'version', 'istio'), fc.constantFrom('a', 'b', 'c'), { maxKeys: 3 });
const items = fc.array(fc.record({ namespace, selector: fc.option(labels, { nil: undefined }) }), { maxLength: 25 })
  .map((list) => list.map((x, id): Item => ({ id, namespace: x.namespace, ...(x.selector ? { selector: x.selector } : {}) })));
const ids = (list: readonly Item[]) => list.map((x) => x.id);

describe('SelectorIndex', () => {
  it('finds the items of some namespaces without a selector or with one the labels satisfy, in order', () => {
    fc.assert(fc.property(items, fc.array(namespace, { maxLength: 3 }), fc.option(labels, { nil: undefined }), (list, namespaces, wanted) => {
      const expected = list.filter((p) => namespaces.includes(p.namespace) && (!p.selector || (wanted !== undefined && isSubset(p.selector, wanted))));
      expect(ids(new SelectorIndex(list).attachedTo(namespaces, wanted))).toEqual(ids(expected));
    }));
  });

  it('finds a namespace\'s items without a selector, and those whose selector the labels satisfy, in order', () => {
    fc.assert(fc.property(items, namespace, labels, (list, ns, wanted) => {
      const index = new SelectorIndex(list);
      expect(ids(index.namespaceWide(ns))).toEqual(ids(list.filter((p) => p.namespace === ns && !p.selector)));
      expect(ids(index.selecting(ns, wanted))).toEqual(ids(list.filter((p) => p.namespace === ns && p.selector && isSubset(p.selector, wanted))));
    }));
  });
});

describe('PatternIndex', () => {
  const pattern = fc.constantFrom('a.example.com', 'A.Example.com', 'b.example.com', '*.example.com', '*', 'a.*', 'a*b', '');
  const named = fc.array(fc.array(pattern, { maxLength: 3 }), { maxLength: 20 });

  it('finds the items with a host that intersects an exact host, in order, ignoring case like Istio', () => {
    const exactHost = fc.constantFrom('a.example.com', 'A.EXAMPLE.COM', 'b.example.com', 'c.example.com', 'a*b', '');
    fc.assert(fc.property(named, exactHost, (list, host) => {
      const intersects = (patterns: readonly string[]) => patterns.some((p) => patternsIntersect(p, host, 'host'));
      expect(new PatternIndex(list, (x) => x, 'host').matching(host, intersects)).toEqual(list.filter(intersects));
    }));
  });

  it('finds the items with a text pattern matching any value, in order, case-sensitively', () => {
    const value = fc.constantFrom('a.example.com', 'A.Example.com', 'x.example.com', '*', 'a*b', 'ab');
    fc.assert(fc.property(named, value, (list, v) => {
      const matches = (patterns: readonly string[]) => patterns.some((p) => patternMatches(p, v, 'text'));
      expect(new PatternIndex(list, (x) => x, 'text').matching(v, matches)).toEqual(list.filter(matches));
    }));
  });
});
