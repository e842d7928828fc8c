import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { formatCents, perMille } from './cents.js';

describe('formatCents', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [12_340, '123.40'],
    [-100, '-1.00'],
    [99_999_999_999_999, '999999999999.99'],
  ])('formats %p cents as %p', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('agrees with decimal.js for any amount numeric(14,2) holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999_999, max: 99_999_999_999_999 }), (cents) => {
        expect(formatCents(cents)).toBe(new Decimal(cents).div(100).toFixed(2));
      }),
    );
  });

  it('refuses what it cannot represent exactly instead of rounding', () => {
    expect(() => formatCents(0.5)).toThrow(RangeError);
    expect(() => formatCents(100_000_000_000_000)).toThrow(RangeError);
  });
});

describe('perMille', () => {
  it('rounds half up, in integers', () => {
    expect(perMille(14_500, 450)).toBe(6_525);
    expect(perMille(1, 500)).toBe(1);
    expect(perMille(1, 499)).toBe(0);
  });

  it('agrees with decimal.js', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 2_000 }), (cents, pm) => {
        const exact = new Decimal(cents).mul(pm).div(1000).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
        expect(perMille(cents, pm)).toBe(exact);
      }),
    );
  });
});
