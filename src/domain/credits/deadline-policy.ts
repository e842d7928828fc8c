import { Decimal } from '../money/money.js';
import { PayerKind, defaultRefundDeadlineDays } from '../payers/payer-kind.js';
import { Complexity } from './credit-enums.js';

/** A tenant's deadline policy; every field has a default (DEFAULT_DEADLINE_POLICY). */
export interface DeadlinePolicy {
  /** Credits at or above this amount are due within `highValueDays` (seed 000: $1,000 in 7-10 days). */
  highValueThreshold: Decimal;
  highValueDays: number;
  /** Money owed to the patient / guarantor: no payer contract, the practice's own policy. */
  patientRefundDays: number;
  /** Internal targets by complexity tier (the earlier deadline wins). */
  complexityDays: Record<Complexity, number>;
  /** Longest suspension of the Medicare clock for a documented investigation (the 2025 rule). */
  maxSuspensionDays: number;
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  highValueThreshold: new Decimal('1000.00'),
  highValueDays: 10,
  patientRefundDays: 60,
  complexityDays: { [Complexity.LOW]: 30, [Complexity.MEDIUM]: 45, [Complexity.HIGH]: 60 },
  maxSuspensionDays: 180,
};

export interface DeadlineInput {
  identifiedAt: Date;
  amount: Decimal;
  complexity: Complexity;
  /** The refund payer's kind and deadline; null when the money is the patient's or nobody's. */
  payer: { code: string; kind: PayerKind; refundDeadlineDays: number | null } | null;
  /** Days the payer clock is suspended for a documented investigation (0 when none). */
  suspendedDays: number;
}

export interface Deadline {
  dueAt: Date;
  /** Which rule set the date, in words: "MCR-J15 refund deadline: 60 days from identification". */
  reason: string;
}

const DAY = 86_400_000;

/**
 * The credit's due date: the earliest of the payer's refund deadline (suspension extends only that
 * clock, and only for Medicare and Medicaid), the dollar-tier deadline and the complexity target.
 */
export function computeDeadline(input: DeadlineInput, policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): Deadline {
  const candidates: { days: number; reason: string }[] = [];
  if (input.payer) {
    const days = input.payer.refundDeadlineDays ?? defaultRefundDeadlineDays(input.payer.kind);
    const suspendable = input.payer.kind === PayerKind.MEDICARE || input.payer.kind === PayerKind.MEDICAID;
    const suspended = suspendable ? Math.min(input.suspendedDays, policy.maxSuspensionDays) : 0;
    candidates.push({
      days: days + suspended,
      reason: `${input.payer.code} refund deadline: ${days} days from identification${suspended ? ` + ${suspended} days suspended for investigation` : ''}`,
    });
  } else {
    candidates.push({ days: policy.patientRefundDays, reason: `patient refund policy: ${policy.patientRefundDays} days` });
  }
  if (input.amount.gte(policy.highValueThreshold)) {
    candidates.push({ days: policy.highValueDays, reason: `high-value credit (≥ $${policy.highValueThreshold.toFixed(2)}): ${policy.highValueDays} days` });
  }
  candidates.push({ days: policy.complexityDays[input.complexity], reason: `${input.complexity.toLowerCase()}-complexity target: ${policy.complexityDays[input.complexity]} days` });
  const earliest = candidates.reduce((a, b) => (b.days < a.days ? b : a));
  return { dueAt: new Date(input.identifiedAt.getTime() + earliest.days * DAY), reason: earliest.reason };
}
