import { Decimal } from 'decimal.js';

// Sums over millions of entries need more than decimal.js's default 20 significant digits.
Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

export { Decimal };

/** At most 12 integer digits and 2 fraction digits: what numeric(14,2) holds. */
const MONEY_TEXT = /^-?(\d{1,12})(\.\d{1,2})?$/;

/** Whether a text is a valid amount (cheaper than parsing, for streaming validation). */
export function isMoneyText(text: string): boolean {
  return MONEY_TEXT.test(text);
}

export class MoneyFormatError extends Error {
  constructor(readonly input: string) {
    super(
      `"${input}" is not a valid amount: use a decimal string with at most 12 integer digits and 2 fraction digits, e.g. "125.40"`,
    );
    this.name = 'MoneyFormatError';
  }
}

/**
 * Parses an exact money amount. Accepts strings, and JS numbers only when their shortest
 * representation is already a valid amount (so 12.5 passes and 0.1 + 0.2 does not).
 */
export function parseMoney(input: unknown): Decimal {
  let text: string;
  if (typeof input === 'string') text = input.trim();
  else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else if (input instanceof Decimal && input.isFinite()) text = input.toString();
  else throw new MoneyFormatError(String(input));
  if (!MONEY_TEXT.test(text)) throw new MoneyFormatError(text);
  return new Decimal(text);
}

/** Canonical text of an amount: always two fraction digits. Refuses what numeric(14,2) cannot hold. */
export function formatMoney(value: Decimal): string {
  // `e` is the decimal exponent: |value| ≥ 10¹² exactly when e ≥ 12 (a comparison that allocates nothing,
  // unlike abs().gte(), on every amount of every response).
  if (!value.isFinite() || value.decimalPlaces() > 2 || value.e >= 12) {
    throw new MoneyFormatError(value.toString());
  }
  return value.toFixed(2);
}

/** Reads a PostgreSQL numeric (returned as text by the driver) without passing through a float. */
export function moneyFromDb(value: string | null | undefined): Decimal {
  return new Decimal(value ?? '0');
}

/**
 * Sign tests that allocate nothing: `d.lt(0)` builds a Decimal for the 0 on every call, which the
 * classification rules do millions of times per detection run. Zero (and -0) is neither.
 */
export const isBelowZero = (d: Decimal): boolean => d.isNeg() && !d.isZero();
export const isAboveZero = (d: Decimal): boolean => !d.isNeg() && !d.isZero();

export function sumMoney(values: Iterable<Decimal>): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(v);
  return total;
}
