/**
 * Small, fast, seedable randomness for the synthetic ledger. Nothing here is for security: the point
 * is that every draw is a pure function of (seed, account index), so any account can be regenerated
 * on its own and the same inputs always give the same output on every platform.
 */

const TWO_POW_32 = 4_294_967_296;

/** The murmur3 finalizer: a cheap bijection on 32-bit integers with good avalanche. */
function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes up to three 32-bit integers into one. Order matters: hash32(1, 2) ≠ hash32(2, 1). */
export function hash32(a: number, b = 0, c = 0): number {
  let h = fmix32((a ^ 0x9e37_79b9) >>> 0);
  h = fmix32((h ^ Math.imul(b ^ 0x7f4a_7c15, 0x2c1b_3c6d)) >>> 0);
  h = fmix32((h ^ Math.imul(c ^ 0x1656_67b1, 0x297a_2d39)) >>> 0);
  return h;
}

/** Folds a user-supplied seed (any safe integer) into a 32-bit key. */
export function seedKey(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  return hash32(seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0, 0x5eed);
}

/** A uniform draw in [0, 1) that depends only on its three inputs. */
export function uniformAt(key: number, index: number, salt: number): number {
  return hash32(key, index, salt) / TWO_POW_32;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand,
 * and costs a handful of integer operations per draw. Reseedable so one instance serves every account.
 */
export class Prng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed = 0) {
    this.reseed(seed);
  }

  reseed(seed: number): this {
    this.a = 0x9e37_79b9;
    this.b = 0x243f_6a88;
    this.c = 0xb7e1_5162;
    this.d = seed | 0;
    // Warm-up so that nearby seeds (consecutive account indexes) diverge immediately.
    for (let i = 0; i < 12; i++) this.nextUint32();
    return this;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi], both ends included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Picks from `[item, weight]` pairs; weights need not sum to anything in particular. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let u = this.next() * total;
    for (const [item, w] of choices) {
      if (u < w) return item;
      u -= w;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** A run of decimal digits, e.g. for check and EFT trace numbers. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(10));
    return out;
  }
}
