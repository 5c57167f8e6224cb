/**
 * Istio's match values for AuthorizationPolicy fields, as sets of strings, so that two rules
 * can be compared by what they match rather than by their text.
 *
 * istio 1.30.3 pilot/pkg/security/authz/matcher/string.go:100-115 (StringMatcherWithPrefix):
 * `*` is any non-empty value (regex `.+`), a leading `*` a suffix match, a trailing `*` a
 * prefix match, anything else exact. Methods and hosts use the same rule
 * (matcher/header.go:25-90; hosts ignore case). Paths may also be templates with `{*}` (one
 * segment) and `{**}` (any rest) (model/generator.go:408-411). Namespaces are globs whose `*`
 * may appear anywhere (model/generator.go:179-186).
 */
export type PatternField = 'principal' | 'namespace' | 'method' | 'path' | 'host' | 'text';

type Shape =
  | { kind: 'any' }
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  | { kind: 'suffix'; value: string }
  | { kind: 'regex'; source: string; regex: RegExp };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function templateRegex(path: string): string {
  return path.split(/(\{\*\*\}|\{\*\})/).map((part) => {
    if (part === '{**}') return '.*';
    if (part === '{*}') return '[^/]+';
    return escapeRegex(part);
  }).join('');
}

function shapeOf(pattern: string, field: PatternField): Shape {
  const value = field === 'host' ? pattern.toLowerCase() : pattern;
  if (field === 'path' && /\{\*\*?\}/.test(value)) {
    const source = templateRegex(value);
    return { kind: 'regex', source, regex: new RegExp(`^${source}$`) };
  }
  if (field === 'namespace' && value !== '*' && value.indexOf('*') > 0 && value.indexOf('*') < value.length - 1) {
    const source = value.split('*').map(escapeRegex).join('.*');
    return { kind: 'regex', source, regex: new RegExp(`^${source}$`) };
  }
  if (value === '*') return { kind: 'any' };
  if (value.startsWith('*')) return { kind: 'suffix', value: value.slice(1) };
  if (value.endsWith('*')) return { kind: 'prefix', value: value.slice(0, -1) };
  return { kind: 'exact', value };
}

/** Whether a pattern matches exactly one value: the value whose comparable form equals the pattern's. */
export function isExactPattern(pattern: string, field: PatternField): boolean {
  return shapeOf(pattern, field).kind === 'exact';
}

/** The form in which values and exact patterns are compared (hosts ignore case). */
export const comparableValue = (value: string, field: PatternField) => (field === 'host' ? value.toLowerCase() : value);

/** Whether a concrete value (a method, a path, ...) is matched by a pattern. */
export function patternMatches(pattern: string, value: string, field: PatternField): boolean {
  const s = shapeOf(pattern, field);
  const v = field === 'host' ? value.toLowerCase() : value;
  switch (s.kind) {
    case 'any': return v.length > 0;
    case 'exact': return v === s.value;
    case 'prefix': return v.startsWith(s.value);
    case 'suffix': return v.endsWith(s.value);
    case 'regex': return s.regex.test(v);
  }
}

/**
 * Whether every value matched by `inner` is also matched by `outer` (`/api/*` covers `/api/x`
 * and `/api/v1/*`). Templates and mid-string globs are compared exactly when both sides are
 * patterns: "not known to be covered" is the safe answer for a reviewer.
 */
export function patternCovers(outer: string, inner: string, field: PatternField): boolean {
  const o = shapeOf(outer, field);
  const i = shapeOf(inner, field);
  if (o.kind === 'any') return true;
  if (i.kind === 'exact') return patternMatches(outer, i.value, field) && i.value.length > 0;
  if (o.kind === 'regex' || i.kind === 'regex') return o.kind === 'regex' && i.kind === 'regex' && o.source === i.source;
  if (o.kind === 'prefix' && i.kind === 'prefix') return i.value.startsWith(o.value);
  if (o.kind === 'suffix' && i.kind === 'suffix') return i.value.endsWith(o.value);
  return false;
}

/** Whether some value is matched by both patterns (when unsure: yes). */
export function patternsIntersect(a: string, b: string, field: PatternField): boolean {
  const x = shapeOf(a, field);
  const y = shapeOf(b, field);
  if (x.kind === 'exact') return patternMatches(b, x.value, field);
  if (y.kind === 'exact') return patternMatches(a, y.value, field);
  if (x.kind === 'prefix' && y.kind === 'prefix') return x.value.startsWith(y.value) || y.value.startsWith(x.value);
  if (x.kind === 'suffix' && y.kind === 'suffix') return x.value.endsWith(y.value) || y.value.endsWith(x.value);
  return true;
}
