import { isAboveZero, isBelowZero, sumMoney, type Decimal } from '../money/money.js';
import { Complexity, RootCauseCode } from '../credits/credit-enums.js';
import { allocateCredit, partyBalances, PATIENT, type OwnerPortion, type RuleEntry } from './party-ledger.js';
import { RULES, ruleContext, type Finding } from './rules.js';

export { Complexity };

export interface Classification {
  rootCause: RootCauseCode;
  explanation: string;
  /** The primary finding first, then the secondary ones. Empty when UNDETERMINED. */
  findings: Finding[];
  portions: OwnerPortion[];
  /** Who the money is owed to: the payer of the largest payer portion; null for the patient or nobody. */
  refundPayerId: string | null;
  complexity: Complexity;
}

/** Seed 000's complexity tiers: duplicates and posting errors are quick, COB and partials take longer. */
const COMPLEXITY: Record<RootCauseCode, Complexity> = {
  [RootCauseCode.DUPLICATE_PAYMENT]: Complexity.LOW,
  [RootCauseCode.POSTING_ERROR]: Complexity.LOW,
  [RootCauseCode.INCORRECT_ADJUSTMENT]: Complexity.LOW,
  [RootCauseCode.PATIENT_OVERPAYMENT]: Complexity.LOW,
  [RootCauseCode.COB_ERROR]: Complexity.MEDIUM,
  [RootCauseCode.PAYER_OVERPAYMENT]: Complexity.MEDIUM,
  [RootCauseCode.UNDETERMINED]: Complexity.HIGH,
};

/**
 * Explains one credit from its account's entries: every rule runs, the first in RULES order is the
 * root cause and the others stay as secondary findings; the credit is split among the parties that
 * overpaid. Pure: the same entries always give the same classification.
 */
export function classifyCredit(entries: readonly RuleEntry[], label: (party: string) => string): Classification {
  const balances = partyBalances(entries);
  // The account's balance is the sum of its parties' parts (a handful), not of its entries again.
  const credit = sumMoney(balances.values()).neg();
  const ctx = ruleContext(entries, balances, label);
  // Sentences start with a capital even when they open on "the patient".
  const findings = RULES.map(({ rule }) => rule(ctx))
    .filter((f): f is Finding => f !== null)
    .map((f) => ({ ...f, explanation: f.explanation.charAt(0).toUpperCase() + f.explanation.slice(1) }));
  const primary = findings[0];
  const rootCause = primary?.code ?? RootCauseCode.UNDETERMINED;
  const noneParties = new Set(findings.filter((f) => f.code === RootCauseCode.INCORRECT_ADJUSTMENT).map((f) => f.party));
  const portions = isAboveZero(credit) ? allocateCredit(credit, balances, rootCause === RootCauseCode.INCORRECT_ADJUSTMENT ? noneParties : new Set()) : [];
  const payerPortions = portions.filter((p) => p.ownerKind === 'PAYER').sort((a, b) => b.amount.cmp(a.amount));
  const multiPayer = payerPortions.length > 1;
  return {
    rootCause,
    explanation: primary?.explanation ?? undeterminedExplanation(balances),
    findings,
    portions,
    refundPayerId: payerPortions[0]?.payerId ?? null,
    complexity: multiPayer ? Complexity.HIGH : COMPLEXITY[rootCause],
  };
}

function undeterminedExplanation(balances: ReadonlyMap<string, Decimal>): string {
  const negative = [...balances.entries()].filter(([, b]) => isBelowZero(b)).map(([p]) => (p === PATIENT ? 'the patient' : 'a payer'));
  return negative.length
    ? `No rule explains the credit (overpaid part: ${negative.join(', ')}); an analyst must review the account`
    : 'No rule explains the credit; an analyst must review the account';
}
