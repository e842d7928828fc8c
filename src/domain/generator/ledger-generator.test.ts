import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { CSV_COLUMNS, toCsvLine, type LedgerRow } from './ledger-row.js';
import { accountNumberOf, claimNumberOf, generateLedger, guarantorIndexOf } from './ledger-generator.js';
import { ScenarioKind, isCreditScenario, scenarioOf } from './scenario.js';
import { generatePayers } from './synthetic-payers.js';

const AS_OF = new Date('2026-11-01T00:00:00Z');
const ACCOUNTS = 2_000;
const SEED = 7;
const DAY_MS = 86_400_000;

const AMOUNT = /^-?\d{1,12}\.\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KINDS = new Set(['CHARGE', 'PAYMENT', 'ADJUSTMENT', 'REFUND', 'TRANSFER']);

function collect(accounts: number, seed: number, asOf = AS_OF): LedgerRow[] {
  return [...generateLedger({ accounts, seed, asOf })];
}

function byAccount(rows: readonly LedgerRow[]): Map<string, LedgerRow[]> {
  const out = new Map<string, LedgerRow[]>();
  for (const row of rows) {
    const list = out.get(row.accountNumber);
    if (list) list.push(row);
    else out.set(row.accountNumber, [row]);
  }
  return out;
}

function sum(rows: readonly LedgerRow[], keep: (row: LedgerRow) => boolean = () => true): Decimal {
  return rows.filter(keep).reduce((total, row) => total.plus(row.amount), new Decimal(0));
}

function bucketOf(postedAt: string): string {
  const days = (AS_OF.getTime() - Date.parse(postedAt)) / DAY_MS;
  return days <= 30 ? '0-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '90+';
}

function tierOf(credit: Decimal): string {
  return credit.lt(100) ? '<100' : credit.lt(1000) ? '100-999.99' : '>=1000';
}

// One run shared by the read-only assertions below (~0.2 s).
const rows = collect(ACCOUNTS, SEED);
const accounts = byAccount(rows);
const rowsOf = (index: number): LedgerRow[] => accounts.get(accountNumberOf(index)) ?? [];

describe('generateLedger: determinism', () => {
  it('gives byte-identical output for the same options', () => {
    const again = collect(ACCOUNTS, SEED);
    expect(again.map(toCsvLine).join('\n')).toBe(rows.map(toCsvLine).join('\n'));
  });

  it('is pinned: a change to the generated data is a deliberate one', () => {
    // Demos, benchmarks and other tests rely on a seed meaning the same ledger. If a change to the
    // generator is intended, update this digest in the same commit and say so in its message.
    const csv = collect(300, SEED).map(toCsvLine).join('\n');
    const digest = createHash('sha256').update(csv).digest('hex');
    expect(digest).toBe('ba9f5fe71ccd1573c1c712eaa5fec0e727c582608ec8cb9f786b55889e87ceb6');
  });

  it('gives a different ledger for a different seed', () => {
    const csv = (seed: number) => collect(300, seed).map(toCsvLine).join('\n');
    expect(csv(SEED + 1)).not.toBe(csv(SEED));
  });

  it('slides with asOf: moving it by whole days shifts every date and keeps ids and amounts', () => {
    const later = collect(300, SEED, new Date(AS_OF.getTime() + 30 * DAY_MS));
    const earlier = collect(300, SEED);
    expect(later.map((r) => `${r.externalId} ${r.amount}`)).toEqual(earlier.map((r) => `${r.externalId} ${r.amount}`));
    const shiftOf = (row: LedgerRow, i: number) => Date.parse(row.postedAt) - Date.parse(earlier[i]!.postedAt);
    const unshifted = later.filter((row, i) => shiftOf(row, i) !== 30 * DAY_MS);
    expect(unshifted).toEqual([]);
  });

  it('streams: the first rows of a huge run come without generating the rest', () => {
    const started = performance.now();
    const iterator = generateLedger({ accounts: 50_000_000, seed: SEED, asOf: AS_OF });
    for (let i = 0; i < 100; i++) expect(iterator.next().done).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses invalid options', () => {
    expect(() => generateLedger({ accounts: -1, seed: 1, asOf: AS_OF }).next()).toThrow(RangeError);
    expect(() => generateLedger({ accounts: 1.5, seed: 1, asOf: AS_OF }).next()).toThrow(RangeError);
    expect(() => generateLedger({ accounts: 1, seed: 0.5, asOf: AS_OF }).next()).toThrow(RangeError);
    expect(() => generateLedger({ accounts: 1, seed: 1, asOf: new Date('nope') }).next()).toThrow(RangeError);
  });
});

describe('generateLedger: every row is valid', () => {
  const payerCodes = new Set(generatePayers().map((p) => p.code));

  // Checks collect the offending rows so that one failure names them all (and 20,000 rows stay fast).
  it('has the documented shape and formats', () => {
    const invalid = rows.filter(
      (row) =>
        Object.keys(row).length !== CSV_COLUMNS.length ||
        !AMOUNT.test(row.amount) ||
        new Decimal(row.amount).isZero() ||
        !INSTANT.test(row.postedAt) ||
        Number.isNaN(Date.parse(row.postedAt)) ||
        (row.serviceDate !== '' && (!DATE.test(row.serviceDate) || row.serviceDate > row.postedAt.slice(0, 10))) ||
        !KINDS.has(row.kind) ||
        (row.payerCode !== '' && !payerCodes.has(row.payerCode)),
    );
    expect(invalid).toEqual([]);
  });

  it('posts nothing after asOf and spreads entries over ~18 months', () => {
    const times = rows.map((r) => Date.parse(r.postedAt));
    expect(Math.max(...times)).toBeLessThanOrEqual(AS_OF.getTime());
    const oldestDays = (AS_OF.getTime() - Math.min(...times)) / DAY_MS;
    expect(oldestDays).toBeGreaterThan(450);
    expect(oldestDays).toBeLessThan(650);
  });

  it('has unique external ids', () => {
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(rows.length);
  });

  it('lists each account in posting order, accounts in index order', () => {
    const numbers = [...accounts.keys()];
    expect(numbers).toEqual([...numbers].sort());
    const outOfOrder = (list: LedgerRow[]) => list.some((r, i) => i > 0 && list[i - 1]!.postedAt > r.postedAt);
    const unordered = [...accounts.values()].filter(outOfOrder);
    expect(unordered).toEqual([]);
  });

  it('signs amounts by kind: charges and refunds positive, write-offs negative', () => {
    const negative = (row: LedgerRow) => row.amount.startsWith('-');
    const wrong = rows.filter(
      (row) =>
        ((row.kind === 'CHARGE' || row.kind === 'REFUND') && negative(row)) ||
        (row.kind === 'ADJUSTMENT' && !negative(row)),
    );
    expect(wrong).toEqual([]);
  });
});

describe('generateLedger: a plausible practice', () => {
  it('averages about ten rows per account', () => {
    const perAccount = rows.length / ACCOUNTS;
    expect(perAccount).toBeGreaterThan(8);
    expect(perAccount).toBeLessThan(12);
  });

  it('has about 2.5 accounts per patient and 1.3 patients per guarantor', () => {
    const patients = new Set(rows.map((r) => r.patientId));
    const guarantors = new Set(rows.map((r) => r.guarantorId));
    expect(patients.size).toBeGreaterThan(ACCOUNTS / 2.5 * 0.85);
    expect(patients.size).toBeLessThanOrEqual(ACCOUNTS / 2.5);
    expect(patients.size / guarantors.size).toBeGreaterThan(1.15);
    expect(patients.size / guarantors.size).toBeLessThan(1.45);
    // Some households hold several patients.
    const sizes = new Map<number, number>();
    for (let p = 0; p < 10_000; p++) sizes.set(guarantorIndexOf(p), (sizes.get(guarantorIndexOf(p)) ?? 0) + 1);
    expect(Math.max(...sizes.values())).toBe(4);
  });

  it('bills a plausible payer mix, one patient always to the same primary', () => {
    const kindOf = new Map(generatePayers().map((p) => [p.code, p.kind]));
    const primaryOf = new Map<string, string>();
    const counts = new Map<string, number>();
    for (const [, list] of accounts) {
      const charge = list.find((r) => r.kind === 'CHARGE');
      if (!charge) continue;
      const kind = charge.payerCode === '' ? 'SELF_PAY' : kindOf.get(charge.payerCode)!;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    for (const index of Array.from({ length: ACCOUNTS }, (_, i) => i)) {
      if (scenarioOf(index, SEED) !== null) continue; // scenarios may bill a plan to a self-pay patient
      const charge = rowsOf(index).find((r) => r.kind === 'CHARGE');
      if (!charge) continue;
      const known = primaryOf.get(charge.patientId);
      if (known !== undefined) expect(charge.payerCode).toBe(known);
      primaryOf.set(charge.patientId, charge.payerCode);
    }
    const share = (kind: string) => (counts.get(kind) ?? 0) / ACCOUNTS;
    expect(share('MEDICARE')).toBeGreaterThan(0.22);
    expect(share('MEDICARE')).toBeLessThan(0.38);
    expect(share('MEDICAID')).toBeGreaterThan(0.09);
    expect(share('MEDICAID')).toBeLessThan(0.21);
    expect(share('COMMERCIAL')).toBeGreaterThan(0.37);
    expect(share('COMMERCIAL')).toBeLessThan(0.53);
    for (const kind of ['TRICARE', 'WORKERS_COMP', 'OTHER', 'SELF_PAY']) expect(share(kind)).toBeGreaterThan(0);
  });

  it('shows the remittance evidence: CO-45 write-offs, PR transfers, secondary payers, open A/R', () => {
    const reasons = new Set(rows.map((r) => r.reasonCode));
    for (const code of ['45', '1', '2', '3', '18', '94', '22', '23']) expect(reasons.has(code)).toBe(true);
    const transfers = rows.filter((r) => r.kind === 'TRANSFER');
    expect(transfers.length).toBeGreaterThan(0);
    expect(sum(transfers).isZero()).toBe(true); // a transfer moves responsibility, not money
    let open = 0;
    let zero = 0;
    for (const [, list] of accounts) {
      const balance = sum(list);
      if (balance.gt(0)) open++;
      if (balance.isZero()) zero++;
    }
    expect(open / ACCOUNTS).toBeGreaterThan(0.05);
    expect(zero / ACCOUNTS).toBeGreaterThan(0.6);
  });
});

describe('generateLedger: injected scenarios', () => {
  const credits: { index: number; kind: ScenarioKind; list: LedgerRow[]; credit: Decimal }[] = [];
  for (let index = 0; index < ACCOUNTS; index++) {
    const kind = scenarioOf(index, SEED);
    const list = rowsOf(index);
    if (kind !== null && isCreditScenario(kind)) credits.push({ index, kind, list, credit: sum(list).neg() });
  }

  it('injects credits into about 5% of accounts', () => {
    expect(credits.length / ACCOUNTS).toBeGreaterThan(0.035);
    expect(credits.length / ACCOUNTS).toBeLessThan(0.065);
  });

  it('leaves a negative balance exactly where a credit scenario was injected', () => {
    const wrong: { index: number; kind: ScenarioKind | null; balance: string }[] = [];
    for (let index = 0; index < ACCOUNTS; index++) {
      const kind = scenarioOf(index, SEED);
      const balance = sum(rowsOf(index));
      if (isCreditScenario(kind) !== balance.isNegative()) wrong.push({ index, kind, balance: balance.toFixed(2) });
    }
    expect(wrong).toEqual([]);
  });

  it('brings reversed and refunded accounts back to exactly zero', () => {
    let reversals = 0;
    let refunds = 0;
    for (let index = 0; index < ACCOUNTS; index++) {
      const kind = scenarioOf(index, SEED);
      if (kind !== ScenarioKind.REVERSAL && kind !== ScenarioKind.REFUNDED) continue;
      const list = rowsOf(index);
      expect(sum(list).isZero()).toBe(true);
      if (kind === ScenarioKind.REVERSAL) {
        reversals++;
        expect(list.some((r) => r.kind === 'PAYMENT' && !r.amount.startsWith('-'))).toBe(true);
      } else {
        refunds++;
        expect(list.some((r) => r.kind === 'REFUND')).toBe(true);
      }
    }
    expect(reversals).toBeGreaterThan(0);
    expect(refunds).toBeGreaterThan(0);
  });

  it('covers every credit kind, every aging bucket and every dollar tier', () => {
    expect(new Set(credits.map((c) => c.kind)).size).toBe(6);
    expect(new Set(credits.map((c) => bucketOf(c.list[c.list.length - 1]!.postedAt)))).toEqual(
      new Set(['0-30', '31-60', '61-90', '90+']),
    );
    expect(new Set(credits.map((c) => tierOf(c.credit)))).toEqual(new Set(['<100', '100-999.99', '>=1000']));
  });

  it('leaves the evidence a classifier needs', () => {
    const patientOfClaim = new Map<string, string>();
    for (const row of rows) if (row.kind === 'CHARGE') patientOfClaim.set(row.claimNumber, row.patientId);
    const payments = (list: LedgerRow[]) => list.filter((r) => r.kind === 'PAYMENT' && r.amount.startsWith('-'));

    for (const { index, kind, list } of credits) {
      const payerPayments = payments(list).filter((r) => r.payerCode !== '');
      const context = { index, kind };
      switch (kind) {
        case ScenarioKind.DUPLICATE_PAYMENT: {
          // The same payer paid the same claim and amount twice.
          const keys = payerPayments.map((r) => `${r.payerCode}|${r.claimNumber}|${r.amount}`);
          expect({ ...context, repeated: new Set(keys).size < keys.length }).toEqual({ ...context, repeated: true });
          break;
        }
        case ScenarioKind.PAYER_OVERPAYMENT: {
          // The payer paid more than it allowed (charges less its CO-45 less patient responsibility).
          const payer = payerPayments[0]!.payerCode;
          const allowedDue = sum(list, (r) => r.kind === 'CHARGE')
            .plus(sum(list, (r) => r.payerCode === payer && (r.kind === 'ADJUSTMENT' || r.kind === 'TRANSFER')));
          const paid = sum(payerPayments).neg();
          expect({ ...context, overpaid: paid.gt(allowedDue) }).toEqual({ ...context, overpaid: true });
          break;
        }
        case ScenarioKind.COB_ERROR:
          expect({ ...context, payers: new Set(payerPayments.map((r) => r.payerCode)).size }).toEqual({
            ...context,
            payers: 2,
          });
          break;
        case ScenarioKind.PATIENT_OVERPAYMENT: {
          // The patient side (payer '') is in credit: paid more than was moved to the patient.
          const patientSide = sum(list, (r) => r.payerCode === '');
          expect({ ...context, patientCredit: patientSide.isNegative() }).toEqual({ ...context, patientCredit: true });
          break;
        }
        case ScenarioKind.INCORRECT_ADJUSTMENT: {
          const adjustments = list.filter((r) => r.reasonCode === '45');
          const keys = adjustments.map((r) => `${r.claimNumber}|${r.serviceDate}|${r.amount}`);
          const maxCharge = Decimal.max(...list.filter((r) => r.kind === 'CHARGE').map((r) => new Decimal(r.amount)));
          const twice = new Set(keys).size < keys.length;
          const tooLarge = adjustments.some((r) => new Decimal(r.amount).neg().gt(maxCharge));
          expect({ ...context, evidence: twice || tooLarge }).toEqual({ ...context, evidence: true });
          break;
        }
        case ScenarioKind.POSTING_ERROR: {
          const noCharge = !list.some((r) => r.kind === 'CHARGE');
          const own = claimNumberOf(index);
          const otherPatients = (r: LedgerRow) =>
            patientOfClaim.has(r.claimNumber) && patientOfClaim.get(r.claimNumber) !== r.patientId;
          const foreign = payerPayments.some((r) => r.claimNumber !== own && otherPatients(r));
          expect({ ...context, evidence: noCharge || foreign }).toEqual({ ...context, evidence: true });
          break;
        }
        default:
          throw new Error(`unexpected credit kind ${kind}`);
      }
    }
  });
});
