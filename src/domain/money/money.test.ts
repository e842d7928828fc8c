import fc from 'fast-check';
import { Decimal, formatMoney, MoneyFormatError, parseMoney, sumMoney } from './money.js';

describe('parseMoney', () => {
  it.each(['0', '0.5', '125.40', '-125.4', '999999999999.99', ' 12.00 '])('accepts %s', (text) => {
    expect(parseMoney(text).eq(new Decimal(text.trim()))).toBe(true);
  });

  it.each(['', 'abc', '1.234', '1e3', 'NaN', 'Infinity', '1000000000000', '12.', '.5', '--1', '1,000.00'])(
    'rejects %p',
    (text) => {
      expect(() => parseMoney(text)).toThrow(MoneyFormatError);
    },
  );

  it('accepts a JS number only when its shortest form is an exact amount', () => {
    expect(parseMoney(12.5).toFixed(2)).toBe('12.50');
    expect(() => parseMoney(0.1 + 0.2)).toThrow(MoneyFormatError);
    expect(() => parseMoney(Number.NaN)).toThrow(MoneyFormatError);
  });
});

describe('formatMoney', () => {
  it('always prints two fraction digits', () => {
    expect(formatMoney(new Decimal('7'))).toBe('7.00');
    expect(formatMoney(new Decimal('-0.5'))).toBe('-0.50');
  });

  it('refuses amounts numeric(14,2) cannot hold instead of rounding them', () => {
    expect(() => formatMoney(new Decimal('0.001'))).toThrow(MoneyFormatError);
    expect(() => formatMoney(new Decimal('1e12'))).toThrow(MoneyFormatError);
    expect(() => formatMoney(new Decimal('-1000000000000.00'))).toThrow(MoneyFormatError);
    expect(formatMoney(new Decimal('999999999999.99'))).toBe('999999999999.99');
    expect(formatMoney(new Decimal('-999999999999.99'))).toBe('-999999999999.99');
    expect(formatMoney(new Decimal('0'))).toBe('0.00');
  });
});

describe('money arithmetic', () => {
  const cents = fc.integer({ min: -99_999_999_999, max: 99_999_999_999 });

  it('sums exactly: the sum of amounts equals the sum of their cents', () => {
    fc.assert(
      fc.property(fc.array(cents, { maxLength: 200 }), (values) => {
        const amounts = values.map((c) => parseMoney(new Decimal(c).div(100).toFixed(2)));
        const expectedCents = values.reduce((a, b) => a + BigInt(b), 0n);
        expect(sumMoney(amounts).times(100).toFixed(0)).toBe(expectedCents.toString());
      }),
    );
  });

  it('round-trips through its text form', () => {
    fc.assert(
      fc.property(cents, (c) => {
        const text = new Decimal(c).div(100).toFixed(2);
        expect(formatMoney(parseMoney(text))).toBe(text);
      }),
    );
  });
});
