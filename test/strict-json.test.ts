import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { loadBundleTexts } from '../src/intents/load';
import { strictJsonData } from '../src/intents/strict-json';
import { CLOUD } from './support/bundle-fixtures';

/** The data the YAML parser reads from a text (the path every bundle took before). */
const yamlData = (text: string) => parseAllDocuments(text)[0]?.toJS();

describe('strictJsonData: the JSON fast path reads what the YAML parser reads', () => {
  test('any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value, undefined, 1);
      const fast = strictJsonData(text);
      if (!/^\s*[[{]/.test(text)) return fast === undefined; // scalars are left to the YAML parser
      expect(fast).toBeDefined();
      expect(fast!.data).toStrictEqual(parse(text));
      return true;
    }), { numRuns: 100 });
  });

  test('escapes, numbers and a __proto__ key read the same', () => {
    const text = '{"a": "\\u00e9\\n\\t\\"\\/", "n": [-0, 1e3, 12345678901234567890, 0.1], "__proto__": {"x": 1}, "e": {}, "l": []}';
    expect(strictJsonData(text)!.data).toStrictEqual(yamlData(text));
    expect(Object.prototype.hasOwnProperty.call(strictJsonData(text)!.data, '__proto__')).toBe(true);
  });

  test.each([
    ['a repeated key', '{"a": 1, "a": 2}'],
    ['a repeated key in a nested object', '{"a": {"b": 1, "c": {"d": 1, "d": 2}}}'],
    ['a comment', '{"a": 1 /* x */}'],
    ['a line comment', '{"a": 1} // x'],
    ['a trailing comma', '{"a": [1, 2,]}'],
    ['YAML', 'a: 1\n'],
    ['YAML flow that is not JSON', '{a: 1}'],
    ['two JSON texts', '{"a": 1}\n{"b": 2}'],
    ['an empty text', ''],
  ])('%s goes to the YAML parser', (_title, text) => {
    expect(strictJsonData(text)).toBeUndefined();
  });

  test('the same key in sibling objects is not a repeat', () => {
    expect(strictJsonData('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]')!.data).toEqual([{ a: 1 }, { a: 2 }, { b: { a: 3 } }]);
  });
});

describe('a JSON bundle is reported as its YAML twin is', () => {
  const yamlBundle = `${CLOUD}inboundServices:\n  - { metadata: { name: httpbin, application: httpbin }, spec: { port: 80, protocol: HTTPS, targetPort: 0 } }\n`;
  const jsonBundle = JSON.stringify(parse(yamlBundle));

  test('schema problems name the same paths', () => {
    const fromYaml = loadBundleTexts([{ file: 'b', text: yamlBundle }]).problems;
    const fromJson = loadBundleTexts([{ file: 'b', text: jsonBundle }]).problems;
    expect(fromYaml.length).toBeGreaterThan(0);
    expect(fromJson).toEqual(fromYaml);
  });

  test('a repeated key in JSON is still an error, as the YAML parser words it', () => {
    const text = jsonBundle.replace('"placement":', '"placement": {}, "placement":');
    expect(loadBundleTexts([{ file: 'b.json', text }]).problems).toEqual([expect.stringMatching(/^b\.json#1: Map keys must be unique/)]);
  });
});
