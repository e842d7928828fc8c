import { PayerKind } from '../payers/payer-kind.js';
import { seedKey } from './prng.js';
import { coverageOf, generatePayers } from './synthetic-payers.js';

describe('generatePayers', () => {
  const payers = generatePayers();

  it('returns exactly the documented fields', () => {
    for (const payer of payers) {
      expect(Object.keys(payer).sort()).toEqual(['code', 'kind', 'name', 'refundDeadlineDays']);
      expect(payer.code).toMatch(/^[A-Z0-9-]{2,12}$/);
      expect(payer.refundDeadlineDays === null || payer.refundDeadlineDays > 0).toBe(true);
    }
  });

  it('has unique, stable codes and several payers of each main kind', () => {
    expect(new Set(payers.map((p) => p.code)).size).toBe(payers.length);
    expect(generatePayers()).toEqual(payers);
    const count = (kind: PayerKind) => payers.filter((p) => p.kind === kind).length;
    expect(count(PayerKind.MEDICARE)).toBe(2);
    expect(count(PayerKind.MEDICAID)).toBe(2);
    expect(count(PayerKind.COMMERCIAL)).toBeGreaterThanOrEqual(4);
    expect(count(PayerKind.TRICARE)).toBe(1);
    expect(count(PayerKind.WORKERS_COMP)).toBe(1);
    expect(count(PayerKind.OTHER)).toBe(1);
    expect(payers.map((p) => p.code)).toContain('MCR-J15');
  });

  it('hands out copies: callers cannot alter the list', () => {
    generatePayers()[0]!.name = 'changed';
    expect(generatePayers()[0]!.name).not.toBe('changed');
  });
});

describe('coverageOf', () => {
  it('is a pure function of the seed and the patient', () => {
    const key = seedKey(7);
    expect(coverageOf(key, 12)).toEqual(coverageOf(key, 12));
  });

  it('never names the same plan as primary and secondary', () => {
    const key = seedKey(7);
    const coverages = Array.from({ length: 5_000 }, (_, p) => coverageOf(key, p));
    const wrong = coverages.filter(
      (c) => (c.secondary !== '' && c.secondary === c.primary) || (c.primary === '' && c.secondary !== ''),
    );
    expect(wrong).toEqual([]);
    expect(coverages.some((c) => c.secondary !== '')).toBe(true);
  });
});
