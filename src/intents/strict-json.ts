/**
 * The fast way to read a bundle that is plain JSON. YAML is a superset of JSON, so every bundle
 * can go through the YAML parser, but on a large generated bundle (megabytes of JSON) that costs
 * seconds where `JSON.parse` costs milliseconds. A text takes this path only when it is strict
 * JSON (no comments, no trailing commas) with no key repeated inside one object: then the YAML
 * parser would read the very same data (and `JSON.parse` silently keeps the last of repeated
 * keys, where the YAML parser reports them). Anything else goes through the YAML parser, whose
 * messages (line and column of a syntax error, a repeated key) stay as they are.
 */
import { visit } from 'jsonc-parser';

/** The data of a strict-JSON text whose objects repeat no key; undefined for any other text. */
export function strictJsonData(text: string): { data: unknown } | undefined {
  if (!/^\s*[[{]/.test(text) || !isStrictUniqueJson(text)) return undefined;
  try {
    return { data: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Whether the text scans as strict JSON in which no object has the same key twice. */
function isStrictUniqueJson(text: string): boolean {
  let ok = true;
  const keysOfOpenObjects: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => {
      keysOfOpenObjects.push(new Set());
    },
    onObjectProperty: (key) => {
      const keys = keysOfOpenObjects[keysOfOpenObjects.length - 1];
      if (keys.has(key)) ok = false;
      keys.add(key);
    },
    onObjectEnd: () => {
      keysOfOpenObjects.pop();
    },
    onComment: () => {
      ok = false;
    },
    onError: () => {
      ok = false;
    },
  }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return ok;
}
