import { externalIdOf } from './account-draft.js';
import { perMille } from './cents.js';
import { eftReference, postPatientPayment, sumOf, type Encounter, type LineResult } from './encounter.js';
import { postEncounterFlow } from './encounter-flow.js';
import type { Prng } from './prng.js';
import { ScenarioKind, type CreditTier, type ScenarioPlan } from './scenario.js';
import { allowedPermilleOf, otherCommercial } from './synthetic-payers.js';

/** Scenarios that need an insurer on the account; a self-pay patient gets one for this encounter. */
export function needsPayer(kind: ScenarioKind): boolean {
  return (
    kind === ScenarioKind.DUPLICATE_PAYMENT ||
    kind === ScenarioKind.PAYER_OVERPAYMENT ||
    kind === ScenarioKind.COB_ERROR ||
    kind === ScenarioKind.INCORRECT_ADJUSTMENT ||
    kind === ScenarioKind.POSTING_ERROR
  );
}

/**
 * Drafts an account with the injected scenario. Every flow first settles the ordinary part of the
 * account, so the scenario's own entries are the last ones and decide the final balance.
 * `foreignClaim` is the claim number of another patient's account ('' if there is none).
 */
export function postScenario(enc: Encounter, plan: ScenarioPlan, foreignClaim: string): void {
  switch (plan.kind) {
    case ScenarioKind.DUPLICATE_PAYMENT:
      return duplicatePayment(enc, plan);
    case ScenarioKind.PAYER_OVERPAYMENT:
      return payerOverpayment(enc, plan);
    case ScenarioKind.COB_ERROR:
      return cobError(enc, plan);
    case ScenarioKind.PATIENT_OVERPAYMENT:
      return patientOverpayment(enc, plan);
    case ScenarioKind.INCORRECT_ADJUSTMENT:
      return incorrectAdjustment(enc, plan);
    case ScenarioKind.POSTING_ERROR:
      return postingError(enc, plan, foreignClaim);
    case ScenarioKind.REVERSAL:
      return reversal(enc, plan);
    case ScenarioKind.REFUNDED:
      return refunded(enc, plan);
  }
}

/** An amount in the tier's range, for credits that do not follow from the charges. */
function tierAmount(rng: Prng, tier: CreditTier): number {
  if (tier === 'LOW') return rng.between(1_500, 9_500);
  if (tier === 'MID') return rng.between(12_000, 95_000);
  return rng.between(100_000, 400_000);
}

function wholeDollars(cents: number): number {
  return cents - (cents % 100);
}

/** The payer sends the same remittance again: same claim, same amounts, a new trace number. */
function repostPayments(enc: Encounter, day: number, results: readonly LineResult[], reason: string): number {
  const trace = eftReference(enc.rng);
  enc.draft.at(day);
  for (const r of results) enc.draft.add('PAYMENT', -r.paid, enc.primary, enc.claimNumber, trace, reason, true);
  return sumOf(results, 'paid');
}

function duplicatePayment(enc: Encounter, plan: ScenarioPlan): void {
  const { results } = postEncounterFlow(enc, { settle: true });
  // CARC 18 ("exact duplicate claim/service") is on some of the second remittances, not all.
  repostPayments(enc, enc.draft.lastDay + enc.rng.between(7, 45), results, plan.variant < 0.6 ? '18' : '');
}

function payerOverpayment(enc: Encounter, plan: ScenarioPlan): void {
  const { rng } = enc;
  const wrongRate = plan.variant < 0.6;
  postEncounterFlow(enc, {
    settle: true,
    copayOnly: true,
    adjust: (results) => {
      const r = results[0];
      if (!r) return;
      if (wrongRate) {
        // Paid on the wrong fee schedule: more than allowed, while the CO-45 follows the contract.
        r.paid += perMille(r.allowed, rng.between(300, 1000));
      } else {
        // Paid above the billed charge itself, which the remittance flags with CARC 94.
        r.paid = r.line.cents + perMille(r.line.cents, rng.between(50, 600));
        r.contractual = 0;
        r.responsibility = 0;
        r.responsibilityCode = '';
        r.paymentReason = '94';
      }
    },
  });
}

function cobError(enc: Encounter, plan: ScenarioPlan): void {
  const { rng, draft } = enc;
  const secondary = enc.coverage.secondary || otherCommercial(rng, enc.primary);
  const { results } = postEncounterFlow(enc, { settle: true, secondary, skipSecondary: true });
  // The secondary pays as if it were primary, ignoring what the primary already paid.
  const permille = allowedPermilleOf(secondary);
  const reason = plan.variant < 0.4 ? '23' : plan.variant < 0.7 ? '22' : '';
  const trace = eftReference(rng);
  draft.at(draft.lastDay + rng.between(7, 25));
  for (const r of results) {
    draft.add('PAYMENT', -perMille(r.line.cents, permille), secondary, enc.claimNumber, trace, reason, true);
  }
}

function patientOverpayment(enc: Encounter, plan: ScenarioPlan): void {
  const { rng, draft } = enc;
  if (enc.primary !== '' && plan.variant < 0.7) {
    // Collected up front (a copay or an estimate), then the payer pays in full or leaves less.
    const paysInFull = plan.variant < 0.35;
    postEncounterFlow(enc, {
      settle: true,
      copayOnly: true,
      checkInExtraCents: wholeDollars(tierAmount(rng, plan.tier)), // front desks collect round amounts
      adjust: (results) => {
        if (!paysInFull) return;
        for (const r of results) {
          r.paid = r.allowed;
          r.responsibility = 0;
          r.responsibilityCode = '';
        }
      },
    });
    return;
  }
  // The statement paid twice (say online and by mailed check).
  const { statementPaid } = postEncounterFlow(enc, { settle: true });
  const amount = statementPaid > 0 ? statementPaid : tierAmount(rng, plan.tier);
  postPatientPayment(enc, draft.lastDay + rng.between(3, 20), amount);
}

function incorrectAdjustment(enc: Encounter, plan: ScenarioPlan): void {
  const { rng, draft } = enc;
  if (plan.variant < 0.6) {
    // The contractual write-off posted twice.
    const { results } = postEncounterFlow(enc, { settle: true });
    draft.at(draft.lastDay + rng.between(5, 40));
    for (const r of results) draft.add('ADJUSTMENT', -r.contractual, enc.primary, enc.claimNumber, 'CO-45', '45', true);
    return;
  }
  // A keying error (one digit too many): the write-off is larger than the charge.
  postEncounterFlow(enc, {
    settle: true,
    copayOnly: true,
    adjust: (results) => {
      const r = results[0];
      if (r) r.contractual *= 10;
    },
  });
}

function postingError(enc: Encounter, plan: ScenarioPlan, foreignClaim: string): void {
  const { rng, draft } = enc;
  const amount = tierAmount(rng, plan.tier);
  if (foreignClaim === '' || plan.variant < 0.5) {
    // A payment on an account that has no charge at all.
    draft.at(0);
    if (plan.variant < 0.25) postPatientPayment(enc, 0, amount);
    else draft.add('PAYMENT', -amount, enc.primary, enc.claimNumber, eftReference(rng));
    return;
  }
  // Settled account, then a remittance for another patient's claim posted here.
  postEncounterFlow(enc, { settle: true });
  draft.at(draft.lastDay + rng.between(5, 40)).add('PAYMENT', -amount, enc.primary, foreignClaim, eftReference(rng));
}

function reversal(enc: Encounter, plan: ScenarioPlan): void {
  const { rng, draft } = enc;
  const { results, statementPaid } = postEncounterFlow(enc, { settle: true });
  if (statementPaid > 0 && (plan.variant < 0.4 || results.length === 0)) {
    // The statement check bounced: reversed with the opposite sign, then paid again by card.
    const bounced = externalIdOf(enc.accountNumber, draft.nextIndex - 1);
    const day = draft.lastDay + rng.between(3, 12);
    draft.at(day).add('PAYMENT', statementPaid, '', '', `NSF REV ${bounced}`);
    postPatientPayment(enc, day + rng.between(5, 20), statementPaid);
    return;
  }
  // A remittance posted twice, caught and reversed line by line.
  const from = draft.nextIndex;
  repostPayments(enc, draft.lastDay + rng.between(3, 30), results, '');
  const to = draft.nextIndex;
  draft.at(draft.lastDay + rng.between(1, 10));
  for (let i = from; i < to; i++) {
    const e = draft.entries[i];
    if (!e) continue;
    draft.add('PAYMENT', -e.cents, e.payerCode, e.claimNumber, `REV ${externalIdOf(enc.accountNumber, i)}`, '', true);
  }
}

function refunded(enc: Encounter, plan: ScenarioPlan): void {
  const { rng, draft } = enc;
  const { results, statementPaid } = postEncounterFlow(enc, { settle: true });
  const creditDay = draft.lastDay + rng.between(5, 40);
  const refundDay = creditDay + rng.between(14, 60);
  const reference = `REFUND CHK ${rng.digits(6)}`;
  if (results.length > 0 && (plan.variant < 0.6 || statementPaid === 0)) {
    const amount = repostPayments(enc, creditDay, results, plan.variant < 0.3 ? '18' : '');
    draft.at(refundDay).add('REFUND', amount, enc.primary, enc.claimNumber, reference);
    return;
  }
  postPatientPayment(enc, creditDay, statementPaid);
  draft.at(refundDay).add('REFUND', statementPaid, '', '', reference);
}
