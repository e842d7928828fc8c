import { Decimal, isAboveZero, isBelowZero } from '../money/money.js';
import { RootCauseCode } from '../credits/credit-enums.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { PATIENT, type RuleEntry } from './party-ledger.js';

/** A rule's conclusion: the cause, the entries that prove it, a sentence an analyst would accept. */
export interface Finding {
  code: RootCauseCode;
  explanation: string;
  evidence: string[];
  /** The party (payer id or PATIENT) whose negative part this finding explains. */
  party: string;
}

/** One party's entries, sorted once per credit into what the rules look at. */
export interface PartyEntries {
  /** Its PAYMENT entries that lower the balance (money received). */
  payments: RuleEntry[];
  /** Its PAYMENT entries that raise it again (reversals, take-backs). */
  paymentReversals: RuleEntry[];
  /** Its ADJUSTMENT entries that lower the balance (write-offs). */
  adjustments: RuleEntry[];
  /** Its ADJUSTMENT entries that raise it (reversed write-offs). */
  adjustmentReversals: RuleEntry[];
  /** Every entry that raises its part (charges, reversals, transfers in). */
  raises: RuleEntry[];
}

export interface RuleContext {
  entries: readonly RuleEntry[];
  balances: ReadonlyMap<string, Decimal>;
  /** The account's CHARGE entries that raise the balance. */
  charges: readonly RuleEntry[];
  /** Each party's entries by role, so that six rules do not each filter the whole ledger again. */
  parties: ReadonlyMap<string, PartyEntries>;
  /** A payer's display code for explanations ("MCR-J15"); the patient is "the patient". */
  label: (party: string) => string;
}

export type Rule = (ctx: RuleContext) => Finding | null;

const partyOf = (e: RuleEntry) => e.payerId ?? PATIENT;
const emptyParty = (): PartyEntries => ({ payments: [], paymentReversals: [], adjustments: [], adjustmentReversals: [], raises: [] });

/** The rules' view of an account's entries: one pass, each entry filed under its party and role. */
export function ruleContext(entries: readonly RuleEntry[], balances: ReadonlyMap<string, Decimal>, label: (party: string) => string): RuleContext {
  const charges: RuleEntry[] = [];
  const parties = new Map<string, PartyEntries>();
  for (const e of entries) {
    const party = partyOf(e);
    let filed = parties.get(party);
    if (!filed) parties.set(party, (filed = emptyParty()));
    const lowers = isBelowZero(e.amount);
    const raises = !lowers && isAboveZero(e.amount);
    if (raises) filed.raises.push(e);
    if (e.kind === EntryKind.CHARGE && raises) charges.push(e);
    else if (e.kind === EntryKind.PAYMENT) {
      if (lowers) filed.payments.push(e);
      else if (raises) filed.paymentReversals.push(e);
    } else if (e.kind === EntryKind.ADJUSTMENT) {
      if (lowers) filed.adjustments.push(e);
      else if (raises) filed.adjustmentReversals.push(e);
    }
  }
  return { entries, balances, charges, parties, label };
}

/** A party with no entries on the account (the rules ask about parties the balances name). */
const NONE: PartyEntries = emptyParty();
const usd = (d: Decimal) => `$${d.abs().toFixed(2)}`;
const day = (d: Date) => d.toISOString().slice(0, 10);
const isNegativeParty = (ctx: RuleContext, party: string) => {
  const balance = ctx.balances.get(party);
  return balance !== undefined && isBelowZero(balance);
};
const own = (ctx: RuleContext, party: string) => ctx.parties.get(party) ?? NONE;
const payments = (ctx: RuleContext, party: string) => own(ctx, party).payments;
const sum = (entries: readonly RuleEntry[]) => entries.reduce((s, e) => s.plus(e.amount), new Decimal(0));
const negativePayers = (ctx: RuleContext) => [...ctx.balances.keys()].filter((p) => p !== PATIENT && isNegativeParty(ctx, p));

/**
 * Groups entries by a key and keeps, per key, the entries beyond the first that no opposite-sign
 * entry (a reversal) cancels: the repeats.
 */
function repeats(entries: readonly RuleEntry[], reversals: readonly RuleEntry[], key: (e: RuleEntry, amount: Decimal) => string): RuleEntry[][] {
  if (entries.length < 2) return [];
  const groups = new Map<string, RuleEntry[]>();
  for (const e of entries) {
    const k = key(e, e.amount);
    const group = groups.get(k);
    if (group) group.push(e);
    else groups.set(k, [e]);
  }
  const reversed = new Map<string, number>();
  for (const r of reversals) {
    const k = key(r, r.amount.neg());
    reversed.set(k, (reversed.get(k) ?? 0) + 1);
  }
  const out: RuleEntry[][] = [];
  for (const [k, group] of groups) {
    const live = group.length - (reversed.get(k) ?? 0);
    if (live >= 2) out.push(group);
  }
  return out;
}

/** A payment with no charge it could belong to: none on the account, or not for any claim billed here. */
export const postingError: Rule = (ctx) => {
  const charges = ctx.charges;
  const claims = new Set(charges.map((c) => c.claimNumber).filter(Boolean));
  for (const party of ctx.balances.keys()) {
    if (!isNegativeParty(ctx, party)) continue;
    const paid = payments(ctx, party);
    // Only where the account's charges name their claims can a payment's claim be foreign to it.
    const stray = charges.length === 0 ? paid : claims.size ? paid.filter((p) => p.claimNumber && !claims.has(p.claimNumber)) : [];
    if (!stray.length) continue;
    const total = usd(sum(stray));
    const explanation =
      charges.length === 0
        ? `${ctx.label(party)} paid ${total} to an account with no charge: the payment belongs to another account`
        : `${ctx.label(party)} paid ${total} on claim ${stray[0]!.claimNumber}, which is not billed on this account: posted to the wrong account`;
    return { code: RootCauseCode.POSTING_ERROR, explanation, evidence: stray.map((e) => e.id), party };
  }
  return null;
};

/** The same payer paid the same claim line twice (same claim and amount), neither payment reversed. */
export const duplicatePayment: Rule = (ctx) => {
  for (const party of negativePayers(ctx)) {
    const paid = payments(ctx, party);
    const dupes = repeats(paid, own(ctx, party).paymentReversals, (e, amount) => `${e.claimNumber ?? e.serviceDate ?? ''}|${amount.toFixed(2)}`);
    const carc18 = paid.filter((e) => e.reasonCode === '18');
    if (!dupes.length && !carc18.length) continue;
    const extra = dupes.flatMap((g) => g.slice(1));
    const evidence = [...new Set([...dupes.flat(), ...carc18].map((e) => e.id))];
    const again = extra[0] ?? carc18[0]!;
    const first = dupes[0]?.[0];
    const claim = again.claimNumber ? `claim ${again.claimNumber}` : 'the same service';
    const when = first ? ` (${day(first.postedAt)} and again ${day(again.postedAt)})` : '';
    const excess = extra.length ? usd(sum(extra)) : usd(sum(carc18));
    return {
      code: RootCauseCode.DUPLICATE_PAYMENT,
      explanation: `${ctx.label(party)} paid ${claim} twice${when}: ${excess} paid again${carc18.length ? ', CARC 18 (exact duplicate) on the remittance' : ''}`,
      evidence,
      party,
    };
  }
  return null;
};

/** Adjustments drove a part below zero: one posted twice, or one larger than everything charged. */
export const incorrectAdjustment: Rule = (ctx) => {
  const charged = sum(ctx.charges);
  for (const party of ctx.balances.keys()) {
    if (!isNegativeParty(ctx, party)) continue;
    const { adjustments, adjustmentReversals } = own(ctx, party);
    const dupes = repeats(adjustments, adjustmentReversals, (e, amount) => `${e.claimNumber ?? ''}|${e.serviceDate ?? ''}|${e.reasonCode ?? ''}|${amount.toFixed(2)}`);
    if (dupes.length) {
      const extra = dupes.flatMap((g) => g.slice(1));
      const code = extra[0]!.reasonCode ? ` (CARC ${extra[0]!.reasonCode})` : '';
      return {
        code: RootCauseCode.INCORRECT_ADJUSTMENT,
        explanation: `A write-off${code} of ${usd(sum(extra))} was posted twice for ${ctx.label(party)}${extra[0]!.claimNumber ? ` on claim ${extra[0]!.claimNumber}` : ''}: reverse the duplicate, nothing is owed`,
        evidence: dupes.flat().map((e) => e.id),
        party,
      };
    }
    const oversized = adjustments.filter((e) => e.amount.abs().gt(charged));
    if (oversized.length) {
      return {
        code: RootCauseCode.INCORRECT_ADJUSTMENT,
        explanation: `An adjustment of ${usd(oversized[0]!.amount)} exceeds the ${usd(charged)} charged on the account: correct the adjustment, nothing is owed`,
        evidence: oversized.map((e) => e.id),
        party,
      };
    }
  }
  return null;
};

const COB_CARCS = new Set(['22', '23']);

/** Two or more payers paid and one of them paid what another had already settled. */
export const cobError: Rule = (ctx) => {
  const payers = [...ctx.parties.keys()].filter((p) => p !== PATIENT && payments(ctx, p).length > 0);
  if (payers.length < 2) return null;
  const firstPaid = (p: string) => Math.min(...payments(ctx, p).map((e) => e.postedAt.getTime()));
  const order = [...payers].sort((a, b) => firstPaid(a) - firstPaid(b) || a.localeCompare(b));
  for (const party of negativePayers(ctx)) {
    const paid = payments(ctx, party);
    const carc = paid.filter((e) => e.reasonCode && COB_CARCS.has(e.reasonCode));
    if (order[0] === party && !carc.length) continue; // the first payer paying is not a COB overpayment
    const primary = order.find((p) => p !== party)!;
    return {
      code: RootCauseCode.COB_ERROR,
      explanation: `${ctx.label(primary)} and ${ctx.label(party)} both paid; ${ctx.label(party)} paid ${usd(sum(paid))} as if it were primary, ${usd(ctx.balances.get(party)!)} more than it owed after coordination of benefits${carc.length ? ` (CARC ${carc[0]!.reasonCode})` : ''}`,
      evidence: [...payments(ctx, primary), ...paid].map((e) => e.id),
      party,
    };
  }
  return null;
};

/** One payer paid more than its share: the charges billed to it less its adjustments and transfers. */
export const payerOverpayment: Rule = (ctx) => {
  for (const party of negativePayers(ctx)) {
    const paid = payments(ctx, party);
    if (!paid.length) continue;
    const carc94 = paid.filter((e) => e.reasonCode === '94');
    return {
      code: RootCauseCode.PAYER_OVERPAYMENT,
      explanation: `${ctx.label(party)} paid ${usd(sum(paid))}, ${usd(ctx.balances.get(party)!)} more than its share after contractual adjustments and patient responsibility${carc94.length ? ' (CARC 94: processed in excess of charges)' : ''}`,
      evidence: paid.map((e) => e.id),
      party,
    };
  }
  return null;
};

/** The patient paid more than the patient responsibility (e.g. a copay, then the payer paid in full). */
export const patientOverpayment: Rule = (ctx) => {
  if (!isNegativeParty(ctx, PATIENT)) return null;
  const paid = payments(ctx, PATIENT);
  if (!paid.length) return null;
  const owed = sum(own(ctx, PATIENT).raises);
  return {
    code: RootCauseCode.PATIENT_OVERPAYMENT,
    explanation: `The patient paid ${usd(sum(paid))} against a responsibility of ${usd(owed)}: ${usd(ctx.balances.get(PATIENT)!)} overpaid`,
    evidence: paid.map((e) => e.id),
    party: PATIENT,
  };
};

/**
 * Precedence, most specific first: a misposted payment is not anyone's overpayment; an exact
 * duplicate explains an excess better than "paid too much"; a wrong adjustment means nobody is
 * owed, whatever else is true; COB names the payer that should not have paid; then a single
 * payer's or the patient's excess.
 */
export const RULES: readonly { code: RootCauseCode; rule: Rule }[] = [
  { code: RootCauseCode.POSTING_ERROR, rule: postingError },
  { code: RootCauseCode.DUPLICATE_PAYMENT, rule: duplicatePayment },
  { code: RootCauseCode.INCORRECT_ADJUSTMENT, rule: incorrectAdjustment },
  { code: RootCauseCode.COB_ERROR, rule: cobError },
  { code: RootCauseCode.PAYER_OVERPAYMENT, rule: payerOverpayment },
  { code: RootCauseCode.PATIENT_OVERPAYMENT, rule: patientOverpayment },
];
