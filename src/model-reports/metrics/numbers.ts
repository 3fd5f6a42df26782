/** JSON has no NaN or ±Infinity: the report writes an undefined measure as null. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** a / b, or null when b is 0 (a rate over no rows is undefined, not 0). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
