import { ConflictError } from '../errors.js';
import { CreditStatus } from './credit-enums.js';
import { CreditEvent, nextStatus, TRANSITIONS } from './credit-lifecycle.js';

const { OPEN, IN_REVIEW, PENDING_APPROVAL, RESOLVED, CLOSED } = CreditStatus;

/** Every (status, event) pair, written out: the table below is the specification. */
const EXPECTED: Record<CreditEvent, Record<CreditStatus, CreditStatus | 'CONFLICT'>> = {
  START_REVIEW: { OPEN: IN_REVIEW, IN_REVIEW: 'CONFLICT', PENDING_APPROVAL: 'CONFLICT', RESOLVED: 'CONFLICT', CLOSED: 'CONFLICT' },
  REQUEST_APPROVAL: { OPEN: PENDING_APPROVAL, IN_REVIEW: PENDING_APPROVAL, PENDING_APPROVAL: PENDING_APPROVAL, RESOLVED: 'CONFLICT', CLOSED: 'CONFLICT' },
  APPROVAL_WITHDRAWN: { OPEN: 'CONFLICT', IN_REVIEW: 'CONFLICT', PENDING_APPROVAL: IN_REVIEW, RESOLVED: 'CONFLICT', CLOSED: 'CONFLICT' },
  RESOLVE: { OPEN: RESOLVED, IN_REVIEW: RESOLVED, PENDING_APPROVAL: RESOLVED, RESOLVED: 'CONFLICT', CLOSED: 'CONFLICT' },
  REOPEN: { OPEN: 'CONFLICT', IN_REVIEW: 'CONFLICT', PENDING_APPROVAL: 'CONFLICT', RESOLVED: IN_REVIEW, CLOSED: 'CONFLICT' },
  CLOSE: { OPEN: 'CONFLICT', IN_REVIEW: 'CONFLICT', PENDING_APPROVAL: 'CONFLICT', RESOLVED: CLOSED, CLOSED: 'CONFLICT' },
};

describe('credit lifecycle', () => {
  for (const event of Object.values(CreditEvent)) {
    for (const status of Object.values(CreditStatus)) {
      const expected = EXPECTED[event][status];
      it(`${status} --${event}--> ${expected}`, () => {
        if (expected === 'CONFLICT') {
          expect(() => nextStatus(status, event)).toThrow(ConflictError);
          expect(() => nextStatus(status, event)).toThrow(new RegExp(`credit is ${status}`));
        } else {
          expect(nextStatus(status, event)).toBe(expected);
        }
      });
    }
  }

  it('never leaves CLOSED, and CLOSED is reachable only from RESOLVED', () => {
    for (const event of Object.values(CreditEvent)) expect(TRANSITIONS[event][CLOSED]).toBeUndefined();
    const into = Object.values(TRANSITIONS).flatMap((t) => Object.entries(t).filter(([, to]) => to === CLOSED).map(([from]) => from));
    expect(into).toEqual([RESOLVED]);
    expect(OPEN).toBe('OPEN');
  });
});
