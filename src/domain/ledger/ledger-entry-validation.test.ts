import { Decimal } from 'decimal.js';
import { BadInputError, ConflictError } from '../errors.js';
import { EntryKind } from './entry-kind.js';
import { validateLedgerBatch, type LedgerEntryDraft } from './ledger-entry-validation.js';

const now = new Date('2026-11-22T12:00:00Z');
const draft = (over: Partial<LedgerEntryDraft> = {}): LedgerEntryDraft => ({
  externalId: 'e1',
  accountNumber: 'A1',
  patientId: 'P1',
  kind: EntryKind.CHARGE,
  amount: new Decimal('10'),
  postedAt: new Date('2026-11-01T00:00:00Z'),
  ...over,
});

describe('validateLedgerBatch', () => {
  it('normalizes entries: trimmed text, two-digit amounts, guarantor defaulting to the patient', () => {
    const [row] = validateLedgerBatch([draft({ externalId: ' e1 ', payerCode: '  ' })], now);
    expect(row).toMatchObject({ line: 0, externalId: 'e1', amount: '10.00', guarantorId: 'P1', guarantorGiven: false, payerCode: null });
  });

  it('accepts a posting up to a day ahead and refuses one beyond', () => {
    expect(() => validateLedgerBatch([draft({ postedAt: new Date(now.getTime() + 23 * 3600_000) })], now)).not.toThrow();
    expect(() => validateLedgerBatch([draft(), draft({ externalId: 'e2', postedAt: new Date(now.getTime() + 25 * 3600_000) })], now)).toThrow(
      expect.objectContaining({ details: { field: 'entries[1].postedAt' } }),
    );
  });

  it('refuses an amount with more than two decimals instead of rounding it', () => {
    expect(() => validateLedgerBatch([draft({ amount: new Decimal('0.005') })], now)).toThrow(BadInputError);
  });

  it('lets an identical repeat through (it will be skipped) but not a different one', () => {
    expect(validateLedgerBatch([draft(), draft()], now)).toHaveLength(2);
    expect(() => validateLedgerBatch([draft(), draft({ amount: new Decimal('11') })], now)).toThrow(ConflictError);
  });

  it('caps a batch at 5,000 entries', () => {
    const many = Array.from({ length: 5001 }, (_, i) => draft({ externalId: `e${i}` }));
    expect(() => validateLedgerBatch(many, now)).toThrow(/at most 5000/);
  });
});
