/**
 * Exact division with rounding half up, on BigInt: principal × rate × days reaches 10^17 for a large
 * claim over years, past the 2^53 where a JS number stops being exact, and a cent lost in a float
 * is a cent taken from or given to a debtor.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): number {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('divideRoundHalfUp takes a non-negative numerator and a positive denominator');
  return Number((2n * numerator + denominator) / (2n * denominator));
}
