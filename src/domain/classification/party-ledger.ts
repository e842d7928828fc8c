import { Decimal, isAboveZero, isBelowZero } from '../money/money.js';
import type { EntryKind } from '../ledger/entry-kind.js';

/** One ledger entry as the rules see it: amounts exact, the party it moves, the evidence it carries. */
export interface RuleEntry {
  id: string;
  kind: EntryKind;
  amount: Decimal;
  postedAt: Date;
  /** The payer whose sub-balance the entry moves; null: the patient / guarantor. */
  payerId: string | null;
  claimNumber: string | null;
  serviceDate: string | null;
  reference: string | null;
  reasonCode: string | null;
}

/** Who a portion of a credit belongs to. NONE: nobody is owed, a posting must be corrected. */
export type OwnerKind = 'PAYER' | 'PATIENT' | 'NONE';

export interface OwnerPortion {
  ownerKind: OwnerKind;
  payerId: string | null;
  amount: Decimal;
}

export const PATIENT = 'patient';

/**
 * Balances by responsible party. Every entry moves the sub-balance of its party (its payer, or the
 * patient): a charge billed to a payer raises the payer's part, the payer's payment and
 * adjustments lower it, a TRANSFER moves responsibility from one party to another. A party whose
 * part is negative has paid (or been credited) more than it owed: that is where a credit lives.
 */
export function partyBalances(entries: readonly RuleEntry[]): Map<string, Decimal> {
  const balances = new Map<string, Decimal>();
  for (const e of entries) {
    const party = e.payerId ?? PATIENT;
    balances.set(party, (balances.get(party) ?? new Decimal(0)).plus(e.amount));
  }
  return balances;
}

/**
 * Splits a credit among the parties that overpaid, largest overpayment first, each up to what it
 * overpaid, until the credit is covered. The portions always add up exactly to the credit; what no
 * party explains (possible only when rules disagree with the ledger) is left to NONE.
 */
export function allocateCredit(credit: Decimal, balances: ReadonlyMap<string, Decimal>, noneParties: ReadonlySet<string> = new Set()): OwnerPortion[] {
  const overpaid = [...balances.entries()]
    .filter(([, b]) => isBelowZero(b))
    .sort(([pa, a], [pb, b]) => a.cmp(b) || pa.localeCompare(pb));
  const portions: OwnerPortion[] = [];
  let left = credit;
  for (const [party, balance] of overpaid) {
    if (!isAboveZero(left)) break;
    const take = Decimal.min(left, balance.neg());
    const ownerKind: OwnerKind = noneParties.has(party) ? 'NONE' : party === PATIENT ? 'PATIENT' : 'PAYER';
    portions.push({ ownerKind, payerId: ownerKind === 'PAYER' ? party : null, amount: take });
    left = left.minus(take);
  }
  if (isAboveZero(left)) portions.push({ ownerKind: 'NONE', payerId: null, amount: left });
  // One portion per owner: merge NONE portions that came from several parties.
  const merged = new Map<string, OwnerPortion>();
  for (const p of portions) {
    const key = `${p.ownerKind}:${p.payerId ?? ''}`;
    const prior = merged.get(key);
    merged.set(key, prior ? { ...prior, amount: prior.amount.plus(p.amount) } : p);
  }
  return [...merged.values()];
}
