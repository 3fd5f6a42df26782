/**
 * Seeded pseudo-random numbers for the synthetic world.
 *
 * Why our own generator: Math.random cannot be seeded, and the simulator must give byte-identical
 * output for the same seed, and household i the same life whatever the number of households.
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean up to 2^44 bytes)
 * keeps 128 bits of state in four 32-bit integers, so a generator can be copied for the Monte Carlo
 * truth runs by copying four numbers.
 *
 * Seeds for sub-streams (a household, its cosmetic details, one Monte Carlo run) are derived by
 * hashing the parent seed with labels, so streams never overlap by construction of their seed and
 * adding a new stream never shifts an existing one.
 */

/** Finaliser of Chris Wellons' "lowbias32" hash: a good avalanche for 32-bit integers. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/**
 * Derives a 32-bit seed from a parent seed and labels (numbers or short strings).
 * Parent seeds up to 2^53 are folded in with both halves, so seeds 1 and 2^32 + 1 differ.
 */
export function deriveSeed(parent: number, ...labels: (number | string)[]): number {
  if (!Number.isSafeInteger(parent)) throw new RangeError(`seed must be a safe integer, got ${parent}`);
  const high = Math.floor(Math.abs(parent) / 2 ** 32);
  let h = mix32((parent >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ mix32(high + (parent < 0 ? 0x5bd1e995 : 0)));
  for (const label of labels) {
    if (typeof label === 'number') {
      h = mix32(h ^ mix32((label >>> 0) + 0x7f4a7c15));
      h = mix32(h ^ mix32(Math.floor(label / 2 ** 32) >>> 0));
    } else {
      for (let i = 0; i < label.length; i++) h = mix32(h ^ (label.charCodeAt(i) + 0x85ebca6b));
      h = mix32(h ^ label.length);
    }
  }
  return h;
}

const QUANTILE_COUNT = 4096; // 2^12: the top 12 bits of a draw pick one
const LOG_NORMAL_QUANTILES = new Map<number, Float64Array>();

/** The 4,096 quantiles of a log-normal factor with median 1 and the given spread. */
export function logNormalQuantiles(sigma: number): Float64Array {
  let quantiles = LOG_NORMAL_QUANTILES.get(sigma);
  if (!quantiles) {
    quantiles = new Float64Array(QUANTILE_COUNT);
    for (let i = 0; i < QUANTILE_COUNT; i++) quantiles[i] = Math.exp(sigma * inverseStandardNormal((i + 0.5) / QUANTILE_COUNT));
    LOG_NORMAL_QUANTILES.set(sigma, quantiles);
  }
  return quantiles;
}

/** Inverse of the standard normal distribution function (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseStandardNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseStandardNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // All four words are kept as signed 32-bit integers (`| 0`), so V8 stores them unboxed and every
    // generator shares one object shape; a word above 2^31 would turn the field into a boxed float.
    this.a = 0x9e3779b9 | 0;
    this.b = 0x243f6a88 | 0;
    this.c = 0xb7e15162 | 0;
    this.d = seed | 0;
    // The first outputs of sfc32 still carry the seed's structure; twelve rounds wash it out.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator in the same state: the copy and the original then produce the same numbers. */
  copy(): SeededRandom {
    const twin = new SeededRandom(0);
    twin.a = this.a;
    twin.b = this.b;
    twin.c = this.c;
    twin.d = this.d;
    return twin;
  }

  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** The next output as a signed 32-bit integer (the same bits as nextUint32). */
  nextInt32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.nextInt32() >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  uniform(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** Standard normal by the Marsaglia polar method (the second value is dropped so the state stays four numbers). */
  normal(): number {
    for (;;) {
      const u = this.float() * 2 - 1;
      const v = this.float() * 2 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /**
   * Log-normal with the given median and log-scale spread: the shape of incomes, rents and purchase
   * amounts. Drawn from 4,096 precomputed quantiles per spread, because a shopping trip in every
   * Monte Carlo future cannot afford a logarithm, a square root and an exponential.
   */
  logNormal(median: number, sigma: number): number {
    return median * logNormalQuantiles(sigma)[this.nextUint32() >>> 20]!;
  }

  /**
   * Whole cents, log-normal around a median, from a table made by logNormalQuantiles: the hot-loop
   * form of logNormal. It returns a small integer, which V8 passes without allocating (a float
   * return is boxed on the heap each call).
   */
  logNormalCents(medianCents: number, quantiles: Float64Array): number {
    return Math.round(medianCents * quantiles[this.nextInt32() >>> 20]!) | 0;
  }

  /** Number of days until an event of the given daily probability (at least 1). */
  geometricDays(meanDays: number): number {
    if (meanDays <= 1) return 1;
    const p = 1 / meanDays;
    return 1 + Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Beta(α, β) by two gamma draws; used for traits that live in [0, 1] (literacy, willingness). */
  beta(alpha: number, betaParam: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(betaParam);
    return x / (x + y);
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.float() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Picks by weight; weights need not sum to one. */
  pickWeighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.float() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  /** A version-4-shaped UUID built from this stream, so ids are deterministic yet look like the API's. */
  uuid(): string {
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    const a = hex(this.nextUint32());
    const b = hex(this.nextUint32());
    const c = hex(this.nextUint32());
    const d = hex(this.nextUint32());
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  }
}
