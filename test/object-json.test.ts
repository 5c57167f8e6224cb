/**
 * The JSON recorded for rendered objects (object-json.ts) is what the checks and the YAML
 * threads would have made from the object itself: JSON.stringify's bytes, given only for values
 * whose JSON is faithful (parsing it gives back a value YAML writes the same and the checks see
 * the same).
 */
import * as fc from 'fast-check';
import { App } from 'cdk8s';
import { synthClusters, withWarningSink } from '../src';
import { Yaml } from 'cdk8s';
import { manifestText } from '../src/output/manifests';
import { jsonText } from '../src/output/yaml-entry';
import { faithfulJson, recordedJson, wholeJson } from '../src/render/object-json';
import { APPS } from '../apps/registry';

class Point {
  public constructor(public readonly x: number) {}
}

test('values whose JSON is not faithful are not given JSON', () => {
  const shared = { a: 1 };
  const holey = [1, 2];
  delete holey[0];
  const unfaithful: Array<[string, unknown]> = [
    ['-0', { spec: { z: -0 } }], ['NaN', { spec: { z: NaN } }], ['Infinity', { spec: [Infinity] }],
    ['undefined value', { spec: { u: undefined } }], ['undefined entry', { spec: undefined }], ['array hole', { spec: holey }],
    ['bigint', { spec: { n: 1n } }], ['function', { spec: { f: () => 1 } }], ['symbol', { spec: { s: Symbol('s') } }],
    ['Date', { spec: { d: new Date(0) } }], ['Map', { spec: { m: new Map() } }], ['class instance', { spec: new Point(1) }],
    ['object met twice', { spec: { a: shared, b: shared } }], ['shared across entries', { metadata: shared, spec: shared }],
    ['toJSON', { spec: { toJSON: () => 'x' } }], ['null prototype', { spec: Object.create(null) }],
    ['empty object', {}], ['not an object literal', [{ a: 1 }]], ['a string', 'x'], ['null', null],
  ];
  for (const [what, value] of unfaithful) expect({ what, json: faithfulJson(value) }).toEqual({ what, json: undefined });
});

test('a faithful object gives JSON.stringify\'s bytes, whole and without one key, and parses back to an equal object', () => {
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (generated) => {
    const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>; // object literals, no -0
    const json = faithfulJson(obj);
    expect(json).toBeDefined();
    expect(wholeJson(json!)).toBe(JSON.stringify(obj));
    const [first] = Object.keys(obj);
    const { [first]: _omitted, ...rest } = obj;
    expect(wholeJson(json!, first)).toBe(JSON.stringify(rest));
    const parsed = Object.fromEntries(json!.keys.map((k, i) => [k, JSON.parse(json!.values[i])]));
    expect(manifestText(parsed)).toBe(manifestText(obj));
  }), { numRuns: 100 });
});

test('every object an example mesh renders has its JSON recorded', () => {
  for (const define of Object.values(APPS)) {
    const app = new App();
    define(app);
    const objects = withWarningSink(() => undefined, () => synthClusters(app)).flatMap((c) => [...c.files.values()]);
    const meshObjects = objects.filter((o) => o.apiVersion.includes('istio.io'));
    expect(meshObjects.length).toBeGreaterThan(0);
    for (const obj of meshObjects) expect(wholeJson(recordedJson(obj)!)).toBe(JSON.stringify(obj));
  }
});

test('YAML made entry by entry from the JSON, at every depth and from a cache shared across objects, is one stringify of the object', () => {
  const blocks = new Map<string, Map<string, string>>(); // shared: later objects reuse what earlier ones made
  const text = fc.oneof(fc.string(), fc.constantFrom('', 'a\n\nb\n', 'yes', 'on', '1.0', '- x', 'k: v', '#', ' lead', 'null'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
      fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'b')), tie('node'), { maxKeys: 4 })),
  })).node;
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('metadata', 'spec', 'data', 'x y', ''), value, { minKeys: 1 }), (generated) => {
    const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
    const json = faithfulJson(obj)!;
    expect(jsonText(Yaml, json.keys, json.values, blocks)).toBe(manifestText(obj));
  }), { numRuns: 300 });
});
