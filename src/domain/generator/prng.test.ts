import { Prng, hash32, seedKey, uniformAt } from './prng.js';

describe('Prng', () => {
  it('repeats the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 20 }, () => rng.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('is pinned: the same numbers on every platform and version', () => {
    const rng = new Prng(1);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([24_724_473, 838_574_162, 2_522_700_496]);
  });

  it('stays in range and is roughly uniform', () => {
    const rng = new Prng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]!++;
    expect(counts).toHaveLength(10); // nothing landed outside [0, 10)
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const between = new Set(Array.from({ length: 1_000 }, () => rng.between(3, 5)));
    expect([...between].sort()).toEqual([3, 4, 5]);
  });

  it('picks by weight', () => {
    const rng = new Prng(3);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (rng.weighted([['a', 3], ['b', 1]] as const) === 'a') a++;
    expect(a / 10_000).toBeCloseTo(0.75, 1);
  });
});

describe('hashing', () => {
  it('depends on the order and on every input', () => {
    expect(hash32(1, 2, 3)).not.toBe(hash32(2, 1, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 2, 4));
    expect(hash32(0, 0, 0)).not.toBe(0);
  });

  it('folds seeds beyond 32 bits and refuses non-integers', () => {
    expect(seedKey(1)).not.toBe(seedKey(1 + 2 ** 32));
    expect(seedKey(-1)).not.toBe(seedKey(2 ** 32 - 1));
    expect(() => seedKey(1.5)).toThrow(RangeError);
    expect(() => seedKey(Number.NaN)).toThrow(RangeError);
  });

  it('gives uniform draws in [0, 1)', () => {
    const draws = Array.from({ length: 10_000 }, (_, i) => uniformAt(seedKey(7), i, 1));
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(draws.reduce((t, u) => t + u, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});
