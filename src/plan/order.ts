/**
 * Output order never depends on the locale: strings compare by UTF-16 code unit
 * (`localeCompare` would sort `a-b` and `ab` differently under, e.g., da_DK).
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
