import { Decimal } from 'decimal.js';
import { Complexity } from './credit-enums.js';
import { PayerKind } from '../payers/payer-kind.js';
import { computeDeadline, DEFAULT_DEADLINE_POLICY } from './deadline-policy.js';

const identifiedAt = new Date('2026-11-01T00:00:00Z');
const days = (d: Date) => (d.getTime() - identifiedAt.getTime()) / 86_400_000;
const medicare = { code: 'MCR-J15', kind: PayerKind.MEDICARE, refundDeadlineDays: null };
const policy = { ...DEFAULT_DEADLINE_POLICY, complexityDays: { LOW: 90, MEDIUM: 90, HIGH: 90 } };

describe('computeDeadline', () => {
  it('uses the payer deadline, with defaults by kind (Medicare 60, commercial 45)', () => {
    const r = computeDeadline({ identifiedAt, amount: new Decimal('250'), complexity: Complexity.LOW, payer: medicare, suspendedDays: 0 }, policy);
    expect([days(r.dueAt), r.reason]).toEqual([60, 'MCR-J15 refund deadline: 60 days from identification']);
    const c = computeDeadline({ identifiedAt, amount: new Decimal('250'), complexity: Complexity.LOW, payer: { code: 'BCBS', kind: PayerKind.COMMERCIAL, refundDeadlineDays: null }, suspendedDays: 0 }, policy);
    expect(days(c.dueAt)).toBe(45);
    const own = computeDeadline({ identifiedAt, amount: new Decimal('250'), complexity: Complexity.LOW, payer: { code: 'X', kind: PayerKind.OTHER, refundDeadlineDays: 21 }, suspendedDays: 0 }, policy);
    expect(days(own.dueAt)).toBe(21);
  });

  it('gives $1,000 and more 10 days, whatever the payer allows', () => {
    const r = computeDeadline({ identifiedAt, amount: new Decimal('1000.00'), complexity: Complexity.LOW, payer: medicare, suspendedDays: 0 }, policy);
    expect([days(r.dueAt), r.reason]).toEqual([10, 'high-value credit (≥ $1000.00): 10 days']);
    expect(days(computeDeadline({ identifiedAt, amount: new Decimal('999.99'), complexity: Complexity.LOW, payer: medicare, suspendedDays: 0 }, policy).dueAt)).toBe(60);
  });

  it('lets the complexity target win when it is earlier', () => {
    const r = computeDeadline({ identifiedAt, amount: new Decimal('50'), complexity: Complexity.LOW, payer: medicare, suspendedDays: 0 });
    expect([days(r.dueAt), r.reason]).toEqual([30, 'low-complexity target: 30 days']);
  });

  it('suspends the Medicare clock for an investigation, at most 180 days, and never a commercial one', () => {
    const r = computeDeadline({ identifiedAt, amount: new Decimal('50'), complexity: Complexity.HIGH, payer: medicare, suspendedDays: 400 }, { ...policy, complexityDays: { LOW: 999, MEDIUM: 999, HIGH: 999 } });
    expect([days(r.dueAt), r.reason]).toEqual([240, 'MCR-J15 refund deadline: 60 days from identification + 180 days suspended for investigation']);
    const c = computeDeadline({ identifiedAt, amount: new Decimal('50'), complexity: Complexity.HIGH, payer: { code: 'BCBS', kind: PayerKind.COMMERCIAL, refundDeadlineDays: null }, suspendedDays: 30 }, { ...policy, complexityDays: { LOW: 999, MEDIUM: 999, HIGH: 999 } });
    expect(days(c.dueAt)).toBe(45);
  });

  it('gives money owed to the patient the practice policy (60 days)', () => {
    const r = computeDeadline({ identifiedAt, amount: new Decimal('50'), complexity: Complexity.LOW, payer: null, suspendedDays: 0 }, policy);
    expect([days(r.dueAt), r.reason]).toEqual([60, 'patient refund policy: 60 days']);
  });
});
