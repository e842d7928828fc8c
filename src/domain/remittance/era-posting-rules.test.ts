import { Decimal } from '../money/money.js';
import { claimEntries, eraExternalId, eraMoneyText, eraPostedAt, isStorableAmount, payerIdentifiers, unstorableAmounts } from './era-posting-rules.js';
import { writeEra, type EraClaimSpec } from './era-writer.js';
import { parse835, type Claim835 } from './x12/index.js';
import { x12Fixture } from './x12/x12-test-fixtures.js';

const facts = { payerCode: 'P1', traceNumber: 'T1', postedAt: '2026-01-15T00:00:00.000Z' };
const account = { accountNumber: 'A1', patientId: 'PT1', guarantorId: 'G1' };

function claimOf(spec: EraClaimSpec): Claim835 {
  const result = parse835(writeEra([{ payerId: 'P1', trace: 'T1', claims: [spec] }]));
  expect(result.rejected).toEqual([]);
  return result.parsed[0]!.remittance.claims[0]!;
}
const brief = (claim: Claim835, paidBefore = false) =>
  claimEntries(claim, 0, facts, account, paidBefore).map((e) => [e.kind, e.amount, e.reasonCode, e.serviceDate]);

describe('claimEntries', () => {
  it('posts line payments when the lines add up to CLP04, CO/OA/PI adjustments, and no PR', () => {
    const claim = claimOf({
      pcn: 'A1', charge: '300', paid: '200', patientResponsibility: '40', icn: 'ICN1',
      lines: [
        { code: '99213', charge: '200', paid: '150', date: '20260110', cas: [['CO', '45', '30'], ['PR', '1', '20']] },
        { code: '99214', charge: '100', paid: '50', date: '20260111', cas: [['OA', '23', '10'], ['PI', '96', '20'], ['PR', '2', '20']] },
      ],
    });
    expect(brief(claim)).toEqual([
      ['PAYMENT', '-150.00', null, '2026-01-10'],
      ['PAYMENT', '-50.00', null, '2026-01-11'],
      ['ADJUSTMENT', '-30.00', '45', '2026-01-10'],
      ['ADJUSTMENT', '-10.00', '23', '2026-01-11'],
      ['ADJUSTMENT', '-20.00', '96', '2026-01-11'],
    ]);
    const [first] = claimEntries(claim, 0, facts, account);
    expect(first).toMatchObject({ externalId: 'era:P1:T1:A1#0:1:P', claimNumber: 'ICN1', reference: 'T1', payerCode: 'P1', accountNumber: 'A1', patientId: 'PT1' });
  });

  it('posts one claim-level payment when the lines do not add up to CLP04', () => {
    const claim = claimOf({ pcn: 'A1', charge: '100', paid: '90', lines: [{ code: '99213', charge: '100', paid: '80' }] });
    expect(brief(claim)).toEqual([['PAYMENT', '-90.00', null, null]]);
  });

  it('posts nothing for a denial, the reversing entries for a reversal', () => {
    expect(brief(claimOf({ pcn: 'A1', status: '4', charge: '100', paid: '0', cas: [['CO', '29', '100']] }))).toEqual([]);
    expect(brief(claimOf({ pcn: 'A1', status: '22', charge: '-100', paid: '-80', cas: [['CO', '45', '-20']] }))).toEqual([
      ['PAYMENT', '80.00', null, null],
      ['ADJUSTMENT', '20.00', '45', null],
    ]);
  });

  it('carries CARC 18 on the payment when the payer says duplicate or the claim was paid before', () => {
    expect(brief(claimOf({ pcn: 'A1', charge: '100', paid: '100' }), true)).toEqual([['PAYMENT', '-100.00', '18', null]]);
    expect(brief(claimOf({ pcn: 'A1', charge: '100', paid: '60', cas: [['OA', '18', '40']] }))).toEqual([
      ['PAYMENT', '-60.00', '18', null],
      ['ADJUSTMENT', '-40.00', '18', null],
    ]);
  });

  it('posts, over the full fixture, exactly what the 835 says was paid and adjusted (no PR)', () => {
    const claims = parse835(x12Fixture('full-5010.835')).parsed[0]!.remittance.claims;
    const entries = claims.flatMap((c, i) => claimEntries(c, i, facts, account));
    const paid = claims.filter((c) => c.status !== '4').reduce((s, c) => s.plus(c.paidAmount), new Decimal(0));
    const posted = entries.filter((e) => e.kind === 'PAYMENT').reduce((s, e) => s.minus(e.amount), new Decimal(0));
    expect(posted.toFixed(2)).toBe(paid.toFixed(2));
    expect(new Set(entries.map((e) => e.externalId)).size).toBe(entries.length);
  });
});

describe('identifiers, dates, amounts', () => {
  it('hashes external ids that would exceed 128 characters', () => {
    const claim = claimOf({ pcn: 'X'.repeat(38), charge: '1', paid: '1' });
    const id = eraExternalId({ ...facts, payerCode: 'P'.repeat(64), traceNumber: 'T'.repeat(50) }, claim, 0, 0, 'P');
    expect(id).toMatch(/^era:h:[0-9a-f]{64}$/);
  });

  it('maps the payer by N104, then REF*2U, then TRN03', () => {
    const r = parse835(x12Fixture('full-5010.835')).parsed[0]!.remittance;
    expect(payerIdentifiers(r)).toEqual(['PAYER01', '1512345678']);
  });

  it('posts at the payment date, never after the upload', () => {
    const r = parse835(x12Fixture('full-5010.835')).parsed[0]!.remittance;
    expect(eraPostedAt(r, new Date('2026-01-01T00:00:00Z'))).toBe('2024-01-16T00:00:00.000Z');
    expect(eraPostedAt(r, new Date('2024-01-10T12:00:00Z'))).toBe('2024-01-10T12:00:00.000Z');
  });

  it('rejects amounts numeric(14,2) cannot hold rather than rounding them', () => {
    const claim = claimOf({ pcn: 'A1', charge: '100.005', paid: '1234567890123' });
    expect(unstorableAmounts([claim]).map((i) => i.element)).toEqual(['CLP03', 'CLP04']);
  });
});

describe('amount text', () => {
  it('normalizes X12 decimals exactly and refuses what numeric(14,2) cannot hold', () => {
    const claim = (paid: string) => claimOf({ pcn: 'A1', charge: '999999999999', paid });
    const paidEntry = (paid: string) => claimEntries(claim(paid), 0, facts, account)[0]?.amount;
    expect(['70', '70.5', '0070.50', '.5', '-.5', '-80.00', '12.340', '999999999999.99'].map(paidEntry)).toEqual([
      '-70.00', '-70.50', '-70.50', '-0.50', '0.50', '80.00', '-12.34', '-999999999999.99',
    ]);
    expect(paidEntry('0.00')).toBeUndefined();
    expect(paidEntry('-0')).toBeUndefined();
    expect(['1.005', '1000000000000', '12.3456'].map((t) => isStorableAmount(t))).toEqual([false, false, false]);
    expect(['0', '-0.0', '000123.4500', '999999999999.99'].map((t) => isStorableAmount(t))).toEqual([true, true, true, true]);
  });
});

describe('eraMoneyText', () => {
  it('writes X12 amounts as Decimal would, to two places', () => {
    for (const text of ['70', '70.00', '0070.5', '-.5', '.05', '0', '-0', '-0.00', '123456789012.34', '-15.10', '1.005', '1234567890123']) {
      expect([text, eraMoneyText(text)]).toEqual([text, new Decimal(text).toFixed(2)]);
    }
  });
});
