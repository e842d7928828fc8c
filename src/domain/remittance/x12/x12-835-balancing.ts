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

// Nearly every 835 amount has at most two decimals: those are checked as exact integer cents (BigInt),
// which costs a fraction of decimal.js objects over 100,000 claims. Any other amount takes the Decimal path.
const CENTS = /^(-?)(\d*)(?:\.(\d{0,2}))?$/;
function cents(text: string): bigint | null {
  const m = CENTS.exec(text);
  if (!m || (m[2] === '' && !m[3])) return null;
  const value = BigInt(`${m[2] || '0'}${(m[3] ?? '').padEnd(2, '0')}`);
  return m[1] ? -value : value;
}

/** Whether charge − paid = Σ adjustments, in cents; null when some amount is not plain cents. */
function balancesInCents(charge: string, paid: string, adjustments: readonly (readonly Adjustment835[])[]): boolean | null {
  const [c, p] = [cents(charge), cents(paid)];
  if (c === null || p === null) return null;
  let total = 0n;
  for (const list of adjustments) {
    for (const a of list) {
      const v = cents(a.amount);
      if (v === null) return null;
      total += v;
    }
  }
  return c - p === total;
}

const fmt = (d: Decimal): string => d.toFixed(Math.max(2, d.decimalPlaces()));

/** Whether BPR02 (signed) = Σ CLP04 − Σ PLB, in cents; null when some amount is not plain cents. */
function paymentBalancesInCents(remittance: Remittance835): boolean | null {
  let total = 0n;
  for (const [texts, sign] of [[remittance.claims.map((c) => c.paidAmount), 1n], [remittance.providerAdjustments.map((p) => p.amount), -1n]] as const) {
    for (const text of texts) {
      const v = cents(text);
      if (v === null) return null;
      total += sign * v;
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
