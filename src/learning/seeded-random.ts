/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) so that every random choice the
 * learners make — validation split, row and column subsampling, bootstrap — is reproduced exactly by
 * the same seed. Math.random cannot be seeded, and a model must be rebuilt bit-for-bit from its seed.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32: spreads a small integer seed over the whole state.
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform integer in [0, bound), without modulo bias. */
  nextInt(bound: number): number {
    if (bound <= 0) throw new RangeError('bound must be positive');
    if (bound <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % bound);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % bound;
      }
    }
    return Math.floor(this.nextFloat() * bound);
  }

  /** k distinct integers from [0, n), ascending (partial Fisher–Yates on a scratch array). */
  sampleWithoutReplacement(n: number, k: number, scratch?: Int32Array): Int32Array {
    const pool = scratch && scratch.length >= n ? scratch : new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    const take = Math.min(k, n);
    for (let i = 0; i < take; i++) {
      const j = i + this.nextInt(n - i);
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
    }
    return pool.slice(0, take).sort();
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A seed for the i-th independent stream of a run (per tree, per fold), so streams do not overlap in use. */
export function deriveSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}
