export enum CreditStatus {
  OPEN = 'OPEN',
  IN_REVIEW = 'IN_REVIEW',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}

/** Statuses in which a credit still holds money that is owed: at most one such credit per account. */
export const ACTIVE_CREDIT_STATUSES: readonly CreditStatus[] = [
  CreditStatus.OPEN,
  CreditStatus.IN_REVIEW,
  CreditStatus.PENDING_APPROVAL,
];

export enum RootCauseCode {
  DUPLICATE_PAYMENT = 'DUPLICATE_PAYMENT',
  PAYER_OVERPAYMENT = 'PAYER_OVERPAYMENT',
  COB_ERROR = 'COB_ERROR',
  PATIENT_OVERPAYMENT = 'PATIENT_OVERPAYMENT',
  INCORRECT_ADJUSTMENT = 'INCORRECT_ADJUSTMENT',
  POSTING_ERROR = 'POSTING_ERROR',
  UNDETERMINED = 'UNDETERMINED',
}

export enum ResolutionKind {
  REFUND = 'REFUND',
  ADJUSTMENT = 'ADJUSTMENT',
  TRANSFER = 'TRANSFER',
  OFFSET = 'OFFSET',
  AUTO_ADJUSTMENT = 'AUTO_ADJUSTMENT',
  /** Paid to a state as unclaimed property after the dormancy and due-diligence periods. */
  ESCHEATMENT = 'ESCHEATMENT',
}

/** Seed 000's complexity tiers: how much work a credit takes to resolve. */
export enum Complexity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
