import { Decimal } from 'decimal.js';
import { generateLedger, scenarioOf, expectedRootCause, type LedgerRow } from '../generator/index.js';
import { RootCauseCode } from '../credits/credit-enums.js';
import type { EntryKind } from '../ledger/entry-kind.js';
import { classifyCredit } from './classify.js';
import type { RuleEntry } from './party-ledger.js';

/**
 * The classifier against the synthetic practice's ground truth: every injected credit scenario
 * must come out with the root cause it was built to show, and its owner portions must add up to
 * the credit exactly.
 */
function* accounts(count: number, seed: number): Generator<{ index: number; rows: LedgerRow[] }> {
  let current: LedgerRow[] = [];
  let index = 0;
  for (const row of generateLedger({ accounts: count, seed, asOf: new Date('2026-11-01T00:00:00Z') })) {
    if (current.length && current[0]!.accountNumber !== row.accountNumber) {
      yield { index: Number(current[0]!.accountNumber.slice(1)) - 1, rows: current };
      current = [];
      index += 1;
    }
    current.push(row);
  }
  if (current.length) yield { index: Number(current[0]!.accountNumber.slice(1)) - 1, rows: current };
}

const toEntries = (rows: LedgerRow[]): RuleEntry[] =>
  rows.map((r) => ({
    id: r.externalId,
    kind: r.kind as EntryKind,
    amount: new Decimal(r.amount),
    postedAt: new Date(r.postedAt),
    payerId: r.payerCode || null,
    claimNumber: r.claimNumber || null,
    serviceDate: r.serviceDate || null,
    reference: r.reference || null,
    reasonCode: r.reasonCode || null,
  }));

it.each([7, 11])('explains every injected credit of a 4,000-account practice (seed %i)', (seed) => {
  const wrong: string[] = [];
  let credits = 0;
  for (const { index, rows } of accounts(4000, seed)) {
    const entries = toEntries(rows);
    const balance = entries.reduce((s, e) => s.plus(e.amount), new Decimal(0));
    if (!balance.lt(0)) continue;
    credits += 1;
    const result = classifyCredit(entries, (p) => p);
    const expected = expectedRootCause(scenarioOf(index, seed)) ?? RootCauseCode.UNDETERMINED;
    if (result.rootCause !== expected) wrong.push(`${rows[0]!.accountNumber}: expected ${expected}, got ${result.rootCause} (${result.explanation})`);
    const total = result.portions.reduce((s, p) => s.plus(p.amount), new Decimal(0));
    expect(total.eq(balance.neg())).toBe(true);
    if (result.rootCause !== RootCauseCode.UNDETERMINED) expect(result.findings[0]!.evidence.length).toBeGreaterThan(0);
  }
  expect(credits).toBeGreaterThan(150);
  expect(wrong).toEqual([]);
});

it('never produces an empty owner portion', () => {
  for (const { rows } of accounts(1500, 3)) {
    const entries = toEntries(rows);
    const credit = entries.reduce((s, e) => s.plus(e.amount), new Decimal(0)).neg();
    if (!credit.gt(0)) continue;
    for (const p of classifyCredit(entries, (x) => x).portions) expect(p.amount.gt(0)).toBe(true);
  }
});
