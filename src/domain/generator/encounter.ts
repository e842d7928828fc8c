import { PayerKind } from '../payers/payer-kind.js';
import type { AccountDraft } from './account-draft.js';
import { dollars, perMille } from './cents.js';
import type { Prng } from './prng.js';
import type { CreditTier } from './scenario.js';
import { allowedPermilleOf, payerKindOf, type Coverage } from './synthetic-payers.js';

/** A billed service line of an encounter. */
export interface ChargeLine {
  cpt: string;
  cents: number;
  /** An office visit (E/M): the line a copay applies to. */
  visit: boolean;
}

function line(cpt: string, amount: number, visit = false): ChargeLine {
  return { cpt, cents: dollars(amount), visit };
}

// A small fee schedule (the practice's billed charges, whole dollars).
const VISITS = [line('99213', 145, true), line('99214', 215, true), line('99203', 190, true), line('99204', 290, true)];
const PREVENTIVE = line('99396', 260, true);
const ANCILLARY = [
  line('80053', 58),
  line('85025', 38),
  line('83036', 42),
  line('93000', 85),
  line('71046', 120),
  line('90471', 40),
  line('20610', 310),
];
const THERAPY = line('97110', 95);
const IMAGING = [line('73721', 1650), line('74177', 2100), line('70551', 1900)];
const PROCEDURES = [line('45380', 2450), line('29881', 6800), line('11042', 420), line('64483', 1350)];

// Per-tier menus: what a small, a middling and a large credit typically grows from.
const LOW_TESTS = ANCILLARY.slice(0, 4);
const MID_ADD_ONS = [line('20610', 310), line('71046', 120), line('11042', 420)];
const HIGH_PROCEDURES = PROCEDURES.filter((p) => p.cents >= dollars(1000));
const EXTRA_LINES: readonly (readonly [number, number])[] = [
  [0, 35],
  [1, 30],
  [2, 22],
  [3, 13],
];

/** The service lines of one encounter. A tier, when given, steers the encounter toward a credit size. */
export function pickLines(rng: Prng, tier: CreditTier | null): ChargeLine[] {
  if (tier === 'LOW') return [rng.chance(0.7) ? rng.pick(VISITS) : rng.pick(LOW_TESTS)];
  if (tier === 'MID') return [rng.pick(VISITS), rng.pick(MID_ADD_ONS)];
  if (tier === 'HIGH') return [rng.chance(0.5) ? rng.pick(HIGH_PROCEDURES) : rng.pick(IMAGING)];
  const kind = rng.next();
  const lines: ChargeLine[] = [];
  if (kind < 0.7) {
    lines.push(rng.chance(0.12) ? PREVENTIVE : rng.pick(VISITS));
    const extras = rng.weighted(EXTRA_LINES);
    for (let i = 0; i < extras; i++) lines.push(rng.pick(ANCILLARY));
  } else if (kind < 0.8) {
    const units = rng.between(2, 4);
    for (let i = 0; i < units; i++) lines.push(THERAPY);
  } else if (kind < 0.9) {
    if (rng.chance(0.4)) lines.push(rng.pick(VISITS));
    lines.push(rng.pick(PROCEDURES));
  } else {
    lines.push(rng.pick(IMAGING));
  }
  return lines;
}

/** How a payer settled one line: charge = paid + contractual + patient responsibility. */
export interface LineResult {
  line: ChargeLine;
  allowed: number;
  paid: number;
  contractual: number;
  /** Patient responsibility, sent on to the secondary payer or the patient. */
  responsibility: number;
  /** CARC of the responsibility: 1 deductible, 2 coinsurance, 3 copay. */
  responsibilityCode: string;
  /** CARC the remittance puts on the payment line ('' for none). */
  paymentReason: string;
}

export interface AdjudicationOptions {
  /** Whether the deductible may apply (scenarios keep it off so that the payer always pays something). */
  deductible: boolean;
  /** Copay only, no coinsurance: a plan where everything the patient owes is known at check-in. */
  copayOnly: boolean;
}

/** Adjudicates every line the way `payer` would for a patient with `coverage`. */
export function adjudicate(
  rng: Prng,
  lines: readonly ChargeLine[],
  payer: string,
  coverage: Coverage,
  options: AdjudicationOptions,
): LineResult[] {
  const permille = allowedPermilleOf(payer);
  let deductible = options.deductible && rng.chance(0.35) ? coverage.deductibleCents : 0;
  let copayDue = coverage.copayCents;
  return lines.map((l) => {
    const allowed = perMille(l.cents, permille);
    let responsibility = 0;
    let responsibilityCode = '';
    if (deductible > 0) {
      responsibility = Math.min(allowed, deductible);
      responsibilityCode = '1';
      deductible -= responsibility;
    } else if (l.visit && copayDue > 0) {
      responsibility = Math.min(allowed, copayDue);
      responsibilityCode = '3';
      copayDue = 0;
    } else if (!options.copayOnly && coverage.coinsurancePermille > 0) {
      responsibility = perMille(allowed, coverage.coinsurancePermille);
      responsibilityCode = '2';
    }
    return {
      line: l,
      allowed,
      paid: allowed - responsibility,
      contractual: l.cents - allowed,
      responsibility,
      responsibilityCode,
      paymentReason: '',
    };
  });
}

export function eftReference(rng: Prng): string {
  return `EFT ${rng.digits(10)}`;
}

export function patientReference(rng: Prng): string {
  const method = rng.int(4);
  if (method === 0) return `CC *${rng.digits(4)}`;
  if (method === 1) return `CHK ${rng.between(1001, 9999)}`;
  if (method === 2) return `ONLINE ${rng.digits(8)}`;
  return 'CASH';
}

/** Everything a flow needs about the account being drafted. */
export interface Encounter {
  draft: AccountDraft;
  accountNumber: string;
  rng: Prng;
  claimNumber: string;
  lines: readonly ChargeLine[];
  /** The payer billed first; '' for self-pay. */
  primary: string;
  coverage: Coverage;
}

export function postCharges(enc: Encounter, day: number): void {
  enc.draft.at(day);
  for (const l of enc.lines) {
    enc.draft.add('CHARGE', l.cents, enc.primary, enc.claimNumber, `CPT ${l.cpt}`, '', true);
  }
}

/**
 * Posts a remittance: per line the payment, the contractual write-off (CO-45) and the patient
 * responsibility moved from the payer to `responsibleParty` (the secondary payer, or '' the patient).
 */
export function postRemittance(
  enc: Encounter,
  day: number,
  payer: string,
  results: readonly LineResult[],
  responsibleParty: string,
): void {
  const { draft, claimNumber } = enc;
  const trace = eftReference(enc.rng);
  draft.at(day);
  for (const r of results) {
    draft.add('PAYMENT', -r.paid, payer, claimNumber, trace, r.paymentReason, true);
    draft.add('ADJUSTMENT', -r.contractual, payer, claimNumber, 'CO-45', '45', true);
    if (r.responsibility > 0) {
      const code = r.responsibilityCode;
      draft.add('TRANSFER', -r.responsibility, payer, claimNumber, `PR-${code}`, code, true);
      draft.add('TRANSFER', r.responsibility, responsibleParty, claimNumber, `PR-${code}`, code, true);
    }
  }
}

/**
 * The secondary payer's remittance on what the primary left to the patient. Returns what is still
 * the patient's: Medicaid writes its remainder off (the patient cannot be billed), others pass it on.
 */
export function postSecondary(enc: Encounter, day: number, secondary: string, results: readonly LineResult[]): number {
  const { draft, rng, claimNumber } = enc;
  const trace = eftReference(rng);
  const medicaid = payerKindOf(secondary) === PayerKind.MEDICAID;
  let toPatient = 0;
  draft.at(day);
  for (const r of results) {
    if (r.responsibility === 0) continue;
    const paid = rng.chance(0.75) ? r.responsibility : perMille(r.responsibility, 800);
    const rest = r.responsibility - paid;
    draft.add('PAYMENT', -paid, secondary, claimNumber, trace, '', true);
    if (rest === 0) continue;
    if (medicaid) {
      draft.add('ADJUSTMENT', -rest, secondary, claimNumber, 'CO-45', '45', true);
    } else {
      draft.add('TRANSFER', -rest, secondary, claimNumber, 'PR-2', '2', true);
      draft.add('TRANSFER', rest, '', claimNumber, 'PR-2', '2', true);
      toPatient += rest;
    }
  }
  return toPatient;
}

export function postPatientPayment(enc: Encounter, day: number, cents: number, reference?: string): void {
  enc.draft.at(day).add('PAYMENT', -cents, '', '', reference ?? patientReference(enc.rng));
}

export function sumOf(results: readonly LineResult[], field: 'paid' | 'contractual' | 'responsibility'): number {
  let total = 0;
  for (const r of results) total += r[field];
  return total;
}
