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

const fmt = (d: Decimal): string => d.toFixed(Math.max(2, d.decimalPlaces()));

/**
 * SVC02 − SVC03 = Σ line CAS. A warning when it does not hold, since payers do send
 * unbalanced lines and the paid amounts are still what they paid.
 */
export function checkServiceBalance(service: ServiceLine835): X12Issue | undefined {
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
