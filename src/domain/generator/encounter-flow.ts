import { dollars, perMille } from './cents.js';
import {
  adjudicate,
  patientReference,
  postCharges,
  postPatientPayment,
  postRemittance,
  postSecondary,
  sumOf,
  type Encounter,
  type LineResult,
} from './encounter.js';

export interface FlowOptions {
  /**
   * Scenario accounts: the ordinary part of the account always completes (no pending claim, no
   * unpaid patient balance, no deductible), so that what the scenario adds is the only thing left.
   */
  settle: boolean;
  /** The patient owes only a copay and pays it at check-in, so the remittance is the last entry. */
  copayOnly?: boolean;
  /** Collected at check-in on top of what the patient turns out to owe (an overpayment). */
  checkInExtraCents?: number;
  /** Overrides the patient's secondary payer ('' for none). */
  secondary?: string;
  /** Leave the secondary's remittance to the caller. */
  skipSecondary?: boolean;
  /** Changes the primary's adjudication before anything is posted. */
  adjust?: (results: LineResult[]) => void;
}

export interface FlowResult {
  /** The primary payer's per-line results; empty for self-pay. */
  results: LineResult[];
  /** The secondary the responsibility went to, or ''. */
  secondary: string;
  /** What the patient paid after a statement, in cents (0 if nothing). */
  statementPaid: number;
}

/**
 * The ordinary life of an encounter: charges on day 0, an optional check-in copay, the primary's
 * remittance two to five weeks later, the secondary's, then the patient's statement payments.
 * Unless `settle`, some claims are still pending and some patients pay late, partly or never.
 */
export function postEncounterFlow(enc: Encounter, options: FlowOptions): FlowResult {
  const { rng, coverage } = enc;
  postCharges(enc, 0);
  if (enc.primary === '') return postSelfPay(enc, options.settle);

  const copayOnly = options.copayOnly ?? false;
  const results = adjudicate(rng, enc.lines, enc.primary, coverage, { deductible: !options.settle, copayOnly });
  options.adjust?.(results);
  const secondary = copayOnly ? '' : (options.secondary ?? coverage.secondary);
  const responsibility = sumOf(results, 'responsibility');

  let collected = 0;
  if (copayOnly) collected = responsibility;
  else if (coverage.paysAtCheckIn && secondary === '') collected = copayOf(results);
  const extra = options.checkInExtraCents ?? 0;
  if (collected + extra > 0) {
    const label = extra >= dollars(100) ? 'DEPOSIT' : 'COPAY';
    postPatientPayment(enc, 0, collected + extra, `${label} ${patientReference(rng)}`);
  }

  let day = rng.between(14, 35);
  if (!options.settle) {
    if (rng.chance(0.03)) return { results, secondary, statementPaid: 0 }; // claim still in follow-up
    if (rng.chance(0.05)) day += rng.between(40, 120); // denied, corrected and resubmitted
  }
  postRemittance(enc, day, enc.primary, results, secondary);

  let owed = responsibility;
  if (secondary !== '') {
    if (options.skipSecondary) return { results, secondary, statementPaid: 0 };
    owed = postSecondary(enc, day + rng.between(7, 25), secondary, results);
  }
  owed -= collected;
  return { results, secondary, statementPaid: postStatementPayments(enc, owed, options.settle) };
}

const STATEMENT_BEHAVIOUR = [
  ['full', 80],
  ['installments', 8],
  ['partial', 5],
  ['never', 7],
] as const;

const SELF_PAY_BEHAVIOUR = [
  ['full', 60],
  ['installments', 25],
  ['never', 15],
] as const;

function copayOf(results: readonly LineResult[]): number {
  for (const r of results) if (r.responsibilityCode === '3') return r.responsibility;
  return 0;
}

/** The patient pays `owed` after statements: usually in full, sometimes in parts, sometimes not at all. */
function postStatementPayments(enc: Encounter, owed: number, settle: boolean): number {
  if (owed <= 0) return 0;
  const { rng, draft } = enc;
  let day = draft.lastDay + rng.between(12, 60);
  const behaviour = settle ? 'full' : rng.weighted(STATEMENT_BEHAVIOUR);
  if (behaviour === 'full') {
    postPatientPayment(enc, day, owed);
    return owed;
  }
  if (behaviour === 'never') {
    // Tiny balances are written off after a few statements rather than chased.
    if (owed <= dollars(10)) draft.at(day + 90).add('ADJUSTMENT', -owed, '', '', 'SMALL BAL W/O');
    return 0;
  }
  const first = perMille(owed, 500);
  postPatientPayment(enc, day, first);
  if (behaviour === 'partial') return first;
  day += rng.between(25, 35);
  postPatientPayment(enc, day, owed - first);
  return owed;
}

/** Self-pay: a prompt-pay discount, then the patient pays in full, in installments, or not yet. */
function postSelfPay(enc: Encounter, settle: boolean): FlowResult {
  const { rng, draft } = enc;
  const total = chargeTotal(enc);
  const discount = perMille(total, 300);
  draft.at(0).add('ADJUSTMENT', -discount, '', '', 'SELF-PAY DISCOUNT');
  const owed = total - discount;
  const behaviour = settle ? 'full' : rng.weighted(SELF_PAY_BEHAVIOUR);
  let day = rng.between(15, 45);
  if (behaviour === 'full') {
    postPatientPayment(enc, day, owed);
    return { results: [], secondary: '', statementPaid: owed };
  }
  if (behaviour === 'never') return { results: [], secondary: '', statementPaid: 0 };
  const part = (owed - (owed % 3)) / 3;
  for (const cents of [part, part, owed - 2 * part]) {
    postPatientPayment(enc, day, cents);
    day += rng.between(28, 33);
  }
  return { results: [], secondary: '', statementPaid: owed };
}

function chargeTotal(enc: Encounter): number {
  let total = 0;
  for (const l of enc.lines) total += l.cents;
  return total;
}
