
export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
