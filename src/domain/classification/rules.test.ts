import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { RootCauseCode } from '../credits/credit-enums.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { classifyCredit } from './classify.js';
import { allocateCredit, PATIENT, type RuleEntry } from './party-ledger.js';

let seq = 0;
/** A minimal entry: kind, signed amount, party (payer code or null for the patient), day of month. */
function e(kind: keyof typeof EntryKind, amount: string, payer: string | null, day: number, extra: Partial<RuleEntry> = {}): RuleEntry {
  seq += 1;
  return {
    id: `e${seq}`,
    kind: EntryKind[kind],
    amount: new Decimal(amount),
    postedAt: new Date(Date.UTC(2026, 7, day)),
    payerId: payer,
    claimNumber: 'CLM1',
    serviceDate: '2026-07-30',
    reference: null,
    reasonCode: null,
    ...extra,
  };
}
const classify = (entries: RuleEntry[]) => classifyCredit(entries, (p) => (p === PATIENT ? 'the patient' : p));

describe('root-cause rules on minimal ledgers', () => {
  it('DUPLICATE_PAYMENT: the same payer pays the same claim line twice; the payer is owed the repeat', () => {
    const first = e('PAYMENT', '-80.00', 'MCR', 10);
    const again = e('PAYMENT', '-80.00', 'MCR', 12, { reasonCode: '18' });
    const result = classify([e('CHARGE', '100.00', 'MCR', 1), first, e('ADJUSTMENT', '-20.00', 'MCR', 10), again]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.DUPLICATE_PAYMENT, refundPayerId: 'MCR', complexity: 'LOW' });
    expect(result.findings[0]!.evidence).toEqual([first.id, again.id]);
    expect(result.explanation).toMatch(/MCR paid claim CLM1 twice .*\$80\.00 paid again, CARC 18/);
    expect(result.portions.map((p) => [p.ownerKind, p.payerId, p.amount.toFixed(2)])).toEqual([['PAYER', 'MCR', '80.00']]);
  });

  it('a payment reversed is not a duplicate', () => {
    const result = classify([
      e('CHARGE', '100.00', 'MCR', 1),
      e('PAYMENT', '-100.00', 'MCR', 10),
      e('PAYMENT', '-100.00', 'MCR', 11),
      e('PAYMENT', '100.00', 'MCR', 12),
      e('PAYMENT', '-5.00', null, 13),
    ]);
    expect(result.rootCause).toBe(RootCauseCode.PATIENT_OVERPAYMENT);
  });

  it('PAYER_OVERPAYMENT: one payer pays more than the charge less adjustments and patient share', () => {
    const result = classify([
      e('CHARGE', '200.00', 'BCBS', 1),
      e('PAYMENT', '-190.00', 'BCBS', 20, { reasonCode: '94' }),
      e('ADJUSTMENT', '-40.00', 'BCBS', 20),
      e('TRANSFER', '-10.00', 'BCBS', 20),
      e('TRANSFER', '10.00', null, 20),
      e('PAYMENT', '-10.00', null, 25),
    ]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.PAYER_OVERPAYMENT, refundPayerId: 'BCBS', complexity: 'MEDIUM' });
    expect(result.explanation).toMatch(/BCBS paid \$190\.00, \$40\.00 more than its share .*CARC 94/);
  });

  it('COB_ERROR: the secondary pays what the primary already settled; the secondary is owed', () => {
    const result = classify([
      e('CHARGE', '100.00', 'MCR', 1),
      e('PAYMENT', '-80.00', 'MCR', 10),
      e('TRANSFER', '-20.00', 'MCR', 10),
      e('TRANSFER', '20.00', 'AETNA', 10),
      e('PAYMENT', '-100.00', 'AETNA', 20, { reasonCode: '23' }),
    ]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.COB_ERROR, refundPayerId: 'AETNA' });
    expect(result.explanation).toMatch(/MCR and AETNA both paid; AETNA .* \$80\.00 more .*CARC 23/);
    expect(result.findings.map((f) => f.code)).toEqual([RootCauseCode.COB_ERROR, RootCauseCode.PAYER_OVERPAYMENT]);
  });

  it('PATIENT_OVERPAYMENT: a copay collected up front, then the payer paid in full; the patient is owed', () => {
    const result = classify([e('CHARGE', '150.00', 'UHC', 1), e('PAYMENT', '-30.00', null, 1), e('PAYMENT', '-120.00', 'UHC', 20), e('ADJUSTMENT', '-30.00', 'UHC', 20)]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.PATIENT_OVERPAYMENT, refundPayerId: null });
    expect(result.portions.map((p) => [p.ownerKind, p.amount.toFixed(2)])).toEqual([['PATIENT', '30.00']]);
  });

  it('INCORRECT_ADJUSTMENT: a write-off posted twice; nobody is owed, the posting is corrected', () => {
    const result = classify([
      e('CHARGE', '100.00', 'BCBS', 1),
      e('PAYMENT', '-70.00', 'BCBS', 10),
      e('ADJUSTMENT', '-30.00', 'BCBS', 10, { reasonCode: '45' }),
      e('ADJUSTMENT', '-30.00', 'BCBS', 30, { reasonCode: '45' }),
    ]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.INCORRECT_ADJUSTMENT, refundPayerId: null });
    expect(result.portions.map((p) => [p.ownerKind, p.amount.toFixed(2)])).toEqual([['NONE', '30.00']]);
  });

  it('INCORRECT_ADJUSTMENT: an adjustment larger than the charge', () => {
    const result = classify([e('CHARGE', '100.00', 'BCBS', 1), e('PAYMENT', '-20.00', 'BCBS', 10), e('ADJUSTMENT', '-800.00', 'BCBS', 10)]);
    expect(result.rootCause).toBe(RootCauseCode.INCORRECT_ADJUSTMENT);
    expect(result.explanation).toMatch(/\$800\.00 exceeds the \$100\.00 charged/);
  });

  it('POSTING_ERROR: a payment on an account with no charge, or for a claim not billed here', () => {
    expect(classify([e('PAYMENT', '-55.00', 'MCD', 3)]).rootCause).toBe(RootCauseCode.POSTING_ERROR);
    const foreign = classify([e('CHARGE', '50.00', 'MCD', 1), e('PAYMENT', '-50.00', 'MCD', 9), e('PAYMENT', '-75.00', 'MCD', 12, { claimNumber: 'CLM9' })]);
    expect(foreign).toMatchObject({ rootCause: RootCauseCode.POSTING_ERROR, refundPayerId: 'MCD' });
    expect(foreign.explanation).toMatch(/claim CLM9, which is not billed on this account/);
  });

  it('UNDETERMINED when no rule matches, never a guess', () => {
    const result = classify([e('CHARGE', '100.00', null, 1), e('REFUND', '-120.00', null, 2)]);
    expect(result).toMatchObject({ rootCause: RootCauseCode.UNDETERMINED, findings: [], complexity: 'HIGH' });
  });

  it('splits a credit owed to two payers and the patient, largest first, and marks it HIGH', () => {
    const result = classify([
      e('CHARGE', '100.00', 'MCR', 1),
      e('PAYMENT', '-150.00', 'MCR', 10),
      e('PAYMENT', '-20.00', 'AETNA', 11),
      e('PAYMENT', '-10.00', null, 12),
    ]);
    expect(result.portions.map((p) => [p.ownerKind, p.payerId, p.amount.toFixed(2)])).toEqual([
      ['PAYER', 'MCR', '50.00'],
      ['PAYER', 'AETNA', '20.00'],
      ['PATIENT', null, '10.00'],
    ]);
    expect(result.complexity).toBe('HIGH');
  });
});

describe('allocateCredit', () => {
  const cents = (n: number) => new Decimal(n).div(100);
  it('always adds up exactly to the credit, never gives a party more than it overpaid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -500_000, max: 500_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        (parts, creditCents) => {
          const balances = new Map(parts.map((c, i) => [i === 0 ? PATIENT : `P${i}`, cents(c)]));
          const credit = cents(creditCents);
          const portions = allocateCredit(credit, balances);
          expect(portions.reduce((s, p) => s.plus(p.amount), new Decimal(0)).eq(credit)).toBe(true);
          for (const p of portions) {
            expect(p.amount.gt(0)).toBe(true);
            if (p.ownerKind !== 'NONE') expect(p.amount.lte(balances.get(p.payerId ?? PATIENT)!.neg())).toBe(true);
          }
        },
      ),
    );
  });
});
