import { Decimal } from 'decimal.js';
import type { Adjustment835, Claim835, Remittance835, ServiceLine835 } from './x12-835.types.js';
import { segmentIssue, type X12Issue } from './x12-issue.js';

// A private constructor with room for any sum of 18-digit amounts: exact, and no global side effect.
const Dec = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN });

const sum = (values: Iterable<string>): Decimal => {
  let total = new Dec(0);
  for (const v of values) total = total.plus(v);
  return total;
};

const sumAdjustments = (adjustments: readonly Adjustment835[]): Decimal => sum(adjustments.map((a) => a.amount));

// Nearly every 835 amount has at most two decimals: those are checked as exact integer cents (safe
// integers: at most 15 digits, every partial sum checked), which costs a fraction of decimal.js
// objects over 100,000 claims. Any other amount, or a sum past 2^53 cents, takes the Decimal path.
function cents(text: string): number | null {
  // Read by hand: -?digits(.digits)? with at most 13 integer and 2 fraction digits, at least one digit.
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const negative = i === 1;
  let [value, intDigits, fracDigits, point] = [0, 0, 0, false];
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && !point) { // '.'
      point = true;
      continue;
    }
    const digit = c - 48;
    if (digit < 0 || digit > 9) return null;
    if (point ? ++fracDigits > 2 : ++intDigits > 13) return null;
    value = value * 10 + digit;
  }
  if (intDigits + fracDigits === 0) return null;
  if (fracDigits < 2) value *= fracDigits === 1 ? 10 : 100;
  return negative ? -value : value;
}

/** a + b, or null once the sum is no longer an exact integer. */
const add = (a: number, b: number): number | null => {
  const total = a + b;
  return Number.isSafeInteger(total) ? total : null;
};

/** Whether charge − paid = Σ adjustments, in cents; null when some amount is not plain cents. */
function balancesInCents(charge: string, paid: string, adjustments: readonly (readonly Adjustment835[])[]): boolean | null {
  const [c, p] = [cents(charge), cents(paid)];
  if (c === null || p === null) return null;
  let total: number | null = 0;
  for (const list of adjustments) {
    for (const a of list) {
      const v = cents(a.amount);
      if (v === null) return null;
      total = add(total, v);
      if (total === null) return null;
    }
  }
  const expected = add(c, -p);
  return expected === null ? null : expected === total;
}

const fmt = (d: Decimal): string => d.toFixed(Math.max(2, d.decimalPlaces()));

/** Whether BPR02 (signed) = Σ CLP04 − Σ PLB, in cents; null when some amount is not plain cents. */
function paymentBalancesInCents(remittance: Remittance835): boolean | null {
  let total: number | null = 0;
  for (const [texts, sign] of [[remittance.claims.map((c) => c.paidAmount), 1], [remittance.providerAdjustments.map((p) => p.amount), -1]] as const) {
    for (const text of texts) {
      const v = cents(text);
      if (v === null) return null;
      total = add(total, sign * v);
      if (total === null) return null;
    }
  }
  const bpr = cents(remittance.payment.amount);
  if (bpr === null) return null;
  return (remittance.payment.creditDebit === 'D' ? -bpr : bpr) === total;
}

/**
 * SVC02 − SVC03 = Σ line CAS. A warning when it does not hold, since payers do send
 * unbalanced lines and the paid amounts are still what they paid.
 */
export function checkServiceBalance(service: ServiceLine835): X12Issue | undefined {
  if (balancesInCents(service.chargeAmount, service.paidAmount, [service.adjustments])) return undefined;
  const expected = new Dec(service.chargeAmount).minus(service.paidAmount);
  const actual = sumAdjustments(service.adjustments);
  if (expected.eq(actual)) return undefined;
  return segmentIssue(
    'warning',
    'SERVICE_UNBALANCED',
    { ordinal: service.ordinal, id: 'SVC' },
    `service ${service.procedure.code}: SVC02 − SVC03 = ${fmt(expected)} but its CAS adjustments add up to ${fmt(actual)} (difference ${fmt(expected.minus(actual))})`,
  );
}

/** Σ of a claim's claim-level and service-level CAS amounts (PR included, as in 5010). */
export function claimAdjustmentTotal(claim: Claim835): Decimal {
  return claim.services.reduce((t, s) => t.plus(sumAdjustments(s.adjustments)), sumAdjustments(claim.adjustments));
}

/** CLP03 − CLP04 = Σ claim CAS + Σ service CAS (the 5010 rule). */
export function checkClaimBalance(claim: Claim835): X12Issue | undefined {
  const all = [claim.adjustments, ...claim.services.map((s) => s.adjustments)];
  if (balancesInCents(claim.chargeAmount, claim.paidAmount, all)) return undefined;
  const expected = new Dec(claim.chargeAmount).minus(claim.paidAmount);
  const actual = claimAdjustmentTotal(claim);
  if (expected.eq(actual)) return undefined;
  return segmentIssue(
    'warning',
    'CLAIM_UNBALANCED',
    { ordinal: claim.ordinal, id: 'CLP' },
    `claim ${claim.patientControlNumber}: CLP03 − CLP04 = ${fmt(expected)} but claim and service CAS adjustments add up to ${fmt(actual)} (difference ${fmt(expected.minus(actual))})`,
  );
}

/**
 * BPR02 = Σ CLP04 − Σ PLB amounts. BPR03 = D (debit) means the provider pays: the total is then
 * compared with −BPR02.
 */
export function checkPaymentBalance(remittance: Remittance835): X12Issue | undefined {
  if (paymentBalancesInCents(remittance)) return undefined;
  const paid = sum(remittance.claims.map((c) => c.paidAmount));
  const plb = sum(remittance.providerAdjustments.map((p) => p.amount));
  const expected = paid.minus(plb);
  const bpr = new Dec(remittance.payment.amount);
  const signed = remittance.payment.creditDebit === 'D' ? bpr.negated() : bpr;
  if (signed.eq(expected)) return undefined;
  return segmentIssue(
    'warning',
    'PAYMENT_UNBALANCED',
    { ordinal: remittance.payment.ordinal, id: 'BPR' },
    `BPR02 = ${fmt(signed)} but Σ CLP04 (${fmt(paid)}) − Σ PLB (${fmt(plb)}) = ${fmt(expected)} (difference ${fmt(signed.minus(expected))})`,
  );
}

/** All balancing checks of a well-formed set, as warnings in file order of the checked segments. */
export function checkBalances(remittance: Remittance835): X12Issue[] {
  const issues: X12Issue[] = [];
  const add = (i: X12Issue | undefined): void => {
    if (i) issues.push(i);
  };
  add(checkPaymentBalance(remittance));
  for (const claim of remittance.claims) {
    add(checkClaimBalance(claim));
    for (const service of claim.services) add(checkServiceBalance(service));
  }
  return issues;
}
