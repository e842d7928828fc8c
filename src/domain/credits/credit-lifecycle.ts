import { ConflictError } from '../errors.js';
import { CreditStatus } from './credit-enums.js';

/** What can happen to a credit; each event is allowed from some statuses only. */
export enum CreditEvent {
  START_REVIEW = 'START_REVIEW',
  REQUEST_APPROVAL = 'REQUEST_APPROVAL',
  APPROVAL_WITHDRAWN = 'APPROVAL_WITHDRAWN',
  RESOLVE = 'RESOLVE',
  REOPEN = 'REOPEN',
  CLOSE = 'CLOSE',
}

const { OPEN, IN_REVIEW, PENDING_APPROVAL, RESOLVED, CLOSED } = CreditStatus;

/**
 * The credit state machine: OPEN → IN_REVIEW → PENDING_APPROVAL → RESOLVED → CLOSED.
 * A pending approval that is rejected (or all its requests end) returns to IN_REVIEW; posting the
 * resolving entries resolves from any open status (an automatic adjustment resolves an OPEN credit
 * directly); a resolution undone (a refund voided) reopens a RESOLVED credit for review; CLOSED is
 * final: a later negative balance is a new credit.
 */
export const TRANSITIONS: Record<CreditEvent, Partial<Record<CreditStatus, CreditStatus>>> = {
  [CreditEvent.START_REVIEW]: { [OPEN]: IN_REVIEW },
  [CreditEvent.REQUEST_APPROVAL]: { [OPEN]: PENDING_APPROVAL, [IN_REVIEW]: PENDING_APPROVAL, [PENDING_APPROVAL]: PENDING_APPROVAL },
  [CreditEvent.APPROVAL_WITHDRAWN]: { [PENDING_APPROVAL]: IN_REVIEW },
  [CreditEvent.RESOLVE]: { [OPEN]: RESOLVED, [IN_REVIEW]: RESOLVED, [PENDING_APPROVAL]: RESOLVED },
  [CreditEvent.REOPEN]: { [RESOLVED]: IN_REVIEW },
  [CreditEvent.CLOSE]: { [RESOLVED]: CLOSED },
};

/** The status after `event`, or a CONFLICT naming the current status. */
export function nextStatus(current: CreditStatus, event: CreditEvent): CreditStatus {
  const next = TRANSITIONS[event][current];
  if (!next) {
    const allowed = Object.keys(TRANSITIONS[event]).join(', ');
    throw new ConflictError(`credit is ${current}: ${event} is allowed only from ${allowed}`, { status: current, event });
  }
  return next;
}

/** The statuses an event may start from, for compare-and-set updates. */
export function fromStatuses(event: CreditEvent): CreditStatus[] {
  return Object.keys(TRANSITIONS[event]) as CreditStatus[];
}
