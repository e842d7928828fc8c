export enum PayerKind {
  MEDICARE = 'MEDICARE',
  MEDICAID = 'MEDICAID',
  COMMERCIAL = 'COMMERCIAL',
  TRICARE = 'TRICARE',
  WORKERS_COMP = 'WORKERS_COMP',
  SELF_PAY = 'SELF_PAY',
  OTHER = 'OTHER',
}

/**
 * Days allowed from identification to refund when a payer has no deadline of its own.
 * Medicare and Medicaid: the 60-day report-and-return rule (42 CFR 401.305); commercial contracts
 * commonly allow 30-45 days, and we take the stricter end of the common range the seeds describe.
 */
export function defaultRefundDeadlineDays(kind: PayerKind): number {
  return kind === PayerKind.COMMERCIAL ? 45 : 60;
}

/** Offsetting a payer's credit against what it owes: off for Medicare and Medicaid (refund, do not net). */
export function defaultAllowOffset(kind: PayerKind): boolean {
  return kind !== PayerKind.MEDICARE && kind !== PayerKind.MEDICAID;
}
