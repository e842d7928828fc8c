import { createHash } from 'node:crypto';
import { Decimal, formatMoney } from '../money/money.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { contentHash, type StagedEntry } from '../ledger/ledger-entry-validation.js';
import type { Adjustment835, Claim835, Remittance835, ServiceLine835 } from './x12/index.js';
import { elementIssue, type X12Issue } from './x12/x12-issue.js';

/**
 * How one 835 claim becomes ledger entries (pure, no database):
 *  - CLP02 = 4 (denied): nothing is posted; the claim is recorded only.
 *  - PAYMENT: one per service line (SVC03) when the lines add up to CLP04, else one for CLP04.
 *  - ADJUSTMENT: one per CAS triplet of group CO, OA, PI (and CR, the 4010 correction group).
 *    PR is patient responsibility: recorded on the remittance, not an adjustment.
 *  - Amounts are the 835's with the sign turned (a payment of 80 lowers the balance by 80), so a
 *    CLP02 = 22 reversal, whose amounts the payer sends negated, posts the reversing entries.
 * External ids depend on payer, trace, claim position and line only, never on the file: the same
 * remittance re-sent in another file maps to the same ids and posts nothing twice.
 */

/** CAS groups that become ADJUSTMENT entries. */
const ADJUSTING_GROUPS = new Set(['CO', 'OA', 'PI', 'CR']);
export const DENIED_STATUS = '4';
export const REVERSAL_STATUS = '22';

/** The remittance-level facts every entry of a set carries. */
export interface EraSetFacts {
  /** The tenant payer the 835 payer mapped to. */
  readonly payerCode: string;
  /** TRN02: the check or EFT trace number. */
  readonly traceNumber: string;
  /** ISO timestamp the entries are posted at (the payment date). */
  readonly postedAt: string;
}

/** The account a claim matched (CLP01 = account number). */
export interface MatchedAccount {
  readonly accountNumber: string;
  readonly patientId: string;
  readonly guarantorId: string;
}

export type EraEntry = Omit<StagedEntry, 'line'>;

const MAX_EXTERNAL_ID = 128;

/** `era:<payer>:<trace>:<claim>#<index>:<line>:<P|A><seq>`, hashed when it would exceed 128 characters. */
export function eraExternalId(set: EraSetFacts, claim: Claim835, claimIndex: number, line: number, tag: string): string {
  const id = `era:${set.payerCode}:${set.traceNumber}:${claim.patientControlNumber}#${claimIndex}:${line}:${tag}`;
  return id.length <= MAX_EXTERNAL_ID ? id : `era:h:${createHash('sha256').update(id).digest('hex')}`;
}

/** The claim number entries carry: the payer's claim control number (CLP07), else CLP01. */
export function eraClaimNumber(claim: Claim835): string {
  return (claim.payerClaimControlNumber ?? claim.patientControlNumber).slice(0, 64);
}

// 835 amounts are X12 decimals ("-.5", "0070", "12.50"): read as text, not through a float. The
// string forms below avoid a Decimal per amount, which dominated the CPU of a 100k-claim import.
const X12_AMOUNT = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/;
// Most amounts are canonical already ("70.00", "-20.00"): those need no capture groups.
const CANONICAL = /^-?(?:0|[1-9]\d{0,11})\.\d\d$/;

/** Canonical money text of an X12 amount, sign optionally turned; null when numeric(14,2) cannot hold it. */
function moneyText(text: string, negate: boolean): string | null {
  if (CANONICAL.test(text)) {
    const minus = text.charCodeAt(0) === 45; // '-'
    const body = minus ? text.slice(1) : text;
    if (body === '0.00') return '0.00';
    return minus !== negate ? `-${body}` : body;
  }
  const m = X12_AMOUNT.exec(text);
  if (!m) return null;
  const [, minus, int, frac = ''] = m;
  if (int!.length > 12 || frac.length > 2) return null;
  const body = `${int || '0'}.${frac.padEnd(2, '0')}`;
  if (body === '0.00') return '0.00';
  return (minus === '-') !== negate ? `-${body}` : body;
}

/** Exact integer cents of a canonical money text (at most 12 + 2 digits: a safe integer). */
const centsOf = (money: string): number => Number(money.replace('.', ''));

/** Canonical money text of an X12 amount (`-.5` → `-0.50`), without a Decimal when it fits numeric(14,2). */
export function eraMoneyText(amount: string): string {
  return moneyText(amount, false) ?? new Decimal(amount).toFixed(2);
}

const negated = (amount: string): string => {
  const text = moneyText(amount, true);
  return text ?? formatMoney(new Decimal(amount).neg()); // formatMoney throws the precise error
};
const lineDate = (line: ServiceLine835 | undefined, claim: Claim835): string | null =>
  line?.serviceDate ?? line?.serviceFrom ?? claim.statementFrom ?? null;

/**
 * Ledger entries of one matched claim, in posting order (payments, then adjustments). Payments carry
 * CARC 18 (exact duplicate claim) when the payer says so on the claim, or when `paidBefore`: the
 * same payer already paid this claim for the same amount in an earlier remittance, not reversed.
 * That is the evidence the DUPLICATE_PAYMENT classification reads.
 */
export function claimEntries(claim: Claim835, claimIndex: number, set: EraSetFacts, account: MatchedAccount, paidBefore = false): EraEntry[] {
  if (claim.status === DENIED_STATUS) return [];
  const entries: EraEntry[] = [];
  const claimNumber = eraClaimNumber(claim);
  const reference = set.traceNumber.slice(0, 64);
  const duplicate = paidBefore || claim.adjustments.some((a) => a.reason === '18');
  const push = (kind: EntryKind, amount: string, line: number, tag: string, serviceDate: string | null, reasonCode: string | null) => {
    if (moneyText(amount, false) === '0.00') return;
    const entry: EraEntry = {
      externalId: eraExternalId(set, claim, claimIndex, line, tag),
      accountNumber: account.accountNumber,
      patientId: account.patientId,
      guarantorId: account.guarantorId,
      guarantorGiven: false,
      payerCode: set.payerCode,
      kind,
      amount: negated(amount),
      postedAt: set.postedAt,
      serviceDate,
      claimNumber,
      reference,
      reasonCode: reasonCode?.slice(0, 16) ?? null,
      contentHash: '',
    };
    entry.contentHash = contentHash(entry);
    entries.push(entry);
  };

  if (claim.services.length > 0 && linesPayClaim(claim)) {
    claim.services.forEach((s, i) => push(EntryKind.PAYMENT, s.paidAmount, i + 1, 'P', lineDate(s, claim), duplicate ? '18' : null));
  } else {
    push(EntryKind.PAYMENT, claim.paidAmount, 0, 'P', lineDate(claim.services[0], claim), duplicate ? '18' : null);
  }
  const adjust = (adjustments: readonly Adjustment835[], line: number, serviceDate: string | null) =>
    adjustments.forEach((a, seq) => {
      if (ADJUSTING_GROUPS.has(a.group)) push(EntryKind.ADJUSTMENT, a.amount, line, `A${seq + 1}`, serviceDate, a.reason);
    });
  adjust(claim.adjustments, 0, lineDate(claim.services[0], claim));
  claim.services.forEach((s, i) => adjust(s.adjustments, i + 1, lineDate(s, claim)));
  return entries;
}

/** Whether the service lines' paid amounts (SVC03) add up to the claim's (CLP04): exact cents, else Decimal. */
function linesPayClaim(claim: Claim835): boolean {
  const claimPaid = moneyText(claim.paidAmount, false);
  let total = 0;
  for (const s of claim.services) {
    const paid = moneyText(s.paidAmount, false);
    if (paid === null || claimPaid === null) return linesPayClaimExactly(claim);
    total += centsOf(paid);
  }
  // Beyond 2^53 cents integer sums stop being exact: leave those to decimal.js.
  if (!Number.isSafeInteger(total)) return linesPayClaimExactly(claim);
  return total === centsOf(claimPaid!);
}

function linesPayClaimExactly(claim: Claim835): boolean {
  return claim.services.reduce((sum, s) => sum.plus(s.paidAmount), new Decimal(0)).eq(claim.paidAmount);
}

/** Whether an 835 amount fits numeric(14,2) (the parser accepts any X12 decimal of 18 digits). */
export function isStorableAmount(text: string | undefined): boolean {
  if (text === undefined) return true;
  return moneyText(text, false) !== null;
}

/**
 * Errors for amounts a set carries that the ledger cannot hold exactly: the set is rejected whole
 * rather than rounded.
 */
export function unstorableAmounts(claims: readonly Claim835[]): X12Issue[] {
  const issues: X12Issue[] = [];
  const check = (text: string | undefined, ordinal: number, segmentId: string, element: string) => {
    if (!isStorableAmount(text)) {
      issues.push(elementIssue('error', 'BAD_AMOUNT', { ordinal, id: segmentId }, element, `"${text}" cannot be stored as an amount (at most 12 integer and 2 fraction digits)`));
    }
  };
  const checkCas = (adjustments: readonly Adjustment835[]) => adjustments.forEach((a) => check(a.amount, a.ordinal, 'CAS', 'CAS03'));
  for (const claim of claims) {
    check(claim.chargeAmount, claim.ordinal, 'CLP', 'CLP03');
    check(claim.paidAmount, claim.ordinal, 'CLP', 'CLP04');
    check(claim.patientResponsibility, claim.ordinal, 'CLP', 'CLP05');
    checkCas(claim.adjustments);
    for (const s of claim.services) {
      check(s.chargeAmount, s.ordinal, 'SVC', 'SVC02');
      check(s.paidAmount, s.ordinal, 'SVC', 'SVC03');
      checkCas(s.adjustments);
    }
  }
  return issues;
}

/**
 * The identifiers under which a tenant may have registered the 835 payer, in order of preference:
 * N1*PR N104 (payer id), REF*2U (payer identification), TRN03 (originating company id). A set
 * maps to the tenant payer whose `code` is the first of these that exists.
 */
export function payerIdentifiers(remittance: Remittance835): string[] {
  const ids = [
    remittance.payer.id,
    ...remittance.payer.references.filter((r) => r.qualifier === '2U').map((r) => r.value),
    remittance.trace.payerId,
  ];
  return [...new Set(ids.map((id) => id?.trim()).filter((id): id is string => !!id))];
}

/**
 * When the set's entries are posted: the payment date (BPR16), else the production date (DTM*405),
 * else `fallback`; never after `fallback` (the upload time), so an EFT dated ahead does not post
 * into the future. Deterministic for a given upload, so a retried import computes the same entries.
 */
export function eraPostedAt(remittance: Remittance835, fallback: Date): string {
  const date = remittance.payment.date ?? remittance.dates.find((d) => d.qualifier === '405')?.date;
  if (!date) return fallback.toISOString();
  const at = new Date(`${date}T00:00:00.000Z`);
  return at.getTime() > fallback.getTime() ? fallback.toISOString() : at.toISOString();
}
