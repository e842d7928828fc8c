import { PayerKind } from '../payers/payer-kind.js';
import { dollars } from './cents.js';
import { Prng, hash32 } from './prng.js';

/** A payer of the synthetic practice, as the payer import expects it. */
export interface PayerSeed {
  code: string;
  name: string;
  kind: PayerKind;
  /** Contractual refund deadline; null means the kind's default (see `defaultRefundDeadlineDays`). */
  refundDeadlineDays: number | null;
}

interface PayerProfile extends PayerSeed {
  /** What the payer allows, per mille of the billed charge: the fee schedule, roughly. */
  allowedPermille: number;
}

function payer(
  code: string,
  name: string,
  kind: PayerKind,
  refundDeadlineDays: number | null,
  allowedPermille: number,
): PayerProfile {
  return { code, name, kind, refundDeadlineDays, allowedPermille };
}

const PAYERS: readonly PayerProfile[] = [
  payer('MCR-J15', 'Medicare Part B (CGS, Jurisdiction 15)', PayerKind.MEDICARE, 60, 450),
  payer('MCR-JH', 'Medicare Part B (Novitas, Jurisdiction H)', PayerKind.MEDICARE, 60, 470),
  payer('MCD-OH', 'Ohio Medicaid', PayerKind.MEDICAID, 60, 360),
  payer('MCD-TX', 'Texas Medicaid (TMHP)', PayerKind.MEDICAID, null, 340),
  payer('BCBS', 'Blue Cross Blue Shield', PayerKind.COMMERCIAL, 45, 620),
  payer('UHC', 'UnitedHealthcare', PayerKind.COMMERCIAL, 45, 580),
  payer('AETNA', 'Aetna', PayerKind.COMMERCIAL, 30, 600),
  payer('CIGNA', 'Cigna Healthcare', PayerKind.COMMERCIAL, null, 640),
  payer('HUMANA', 'Humana', PayerKind.COMMERCIAL, 30, 520),
  payer('TRICARE-E', 'TRICARE East', PayerKind.TRICARE, null, 480),
  payer('WC-STATE', 'State Workers Compensation Fund', PayerKind.WORKERS_COMP, null, 850),
  payer('AUTO-PIP', 'Auto Insurance PIP', PayerKind.OTHER, null, 880),
];

const BY_CODE = new Map(PAYERS.map((p) => [p.code, p]));

/** The synthetic practice's payers: a stable list, the same on every call. */
export function generatePayers(): PayerSeed[] {
  return PAYERS.map(({ code, name, kind, refundDeadlineDays }) => ({ code, name, kind, refundDeadlineDays }));
}

export function allowedPermilleOf(code: string): number {
  const payer = BY_CODE.get(code);
  if (!payer) throw new RangeError(`unknown payer ${code}`);
  return payer.allowedPermille;
}

export function payerKindOf(code: string): PayerKind {
  const payer = BY_CODE.get(code);
  if (!payer) throw new RangeError(`unknown payer ${code}`);
  return payer.kind;
}

/** A patient's insurance as it stands for every encounter of that patient. */
export interface Coverage {
  /** '' for self-pay. */
  primary: string;
  /** '' when there is none. */
  secondary: string;
  /** Copay on office visits, in cents (0 when the plan has none). */
  copayCents: number;
  /** Patient coinsurance on other services, per mille of the allowed amount. */
  coinsurancePermille: number;
  /** Deductible still open at the start of a plan year, in cents (0: none). */
  deductibleCents: number;
  /** Whether the front desk collects this patient's copay at check-in. */
  paysAtCheckIn: boolean;
}

const COMMERCIAL: readonly (readonly [string, number])[] = [
  ['BCBS', 30],
  ['UHC', 25],
  ['AETNA', 18],
  ['CIGNA', 15],
  ['HUMANA', 12],
];

const MEDIGAP: readonly (readonly [string, number])[] = [
  ['BCBS', 40],
  ['AETNA', 25],
  ['HUMANA', 20],
  ['UHC', 15],
];

const SELF_PAY: Coverage = {
  primary: '',
  secondary: '',
  copayCents: 0,
  coinsurancePermille: 0,
  deductibleCents: 0,
  paysAtCheckIn: false,
};

const COVERAGE_SALT = 0xc0e7;
const prng = new Prng();

/**
 * The insurance of patient `patientIndex`: a pure function of the seed key, so every account of
 * one patient sees the same payers. Mix: Medicare ~30% (a third with a secondary), Medicaid ~15%,
 * commercial ~45%, TRICARE, workers' comp and auto ~7%, self-pay ~3%.
 */
export function coverageOf(key: number, patientIndex: number): Coverage {
  const rng = prng.reseed(hash32(key, patientIndex, COVERAGE_SALT));
  // Two regions, each with its Medicare contractor and its state Medicaid.
  const east = rng.chance(0.5);
  const medicare = east ? 'MCR-JH' : 'MCR-J15';
  const medicaid = east ? 'MCD-TX' : 'MCD-OH';
  const paysAtCheckIn = rng.chance(0.55);
  const u = rng.next();
  if (u < 0.3) {
    const s = rng.next();
    const secondary = s < 0.12 ? medicaid : s < 0.4 ? rng.weighted(MEDIGAP) : '';
    const deductibleCents = rng.chance(0.15) ? dollars(257) : 0;
    return { primary: medicare, secondary, copayCents: 0, coinsurancePermille: 200, deductibleCents, paysAtCheckIn };
  }
  if (u < 0.45) {
    const copayCents = rng.chance(0.2) ? dollars(4) : 0;
    return { primary: medicaid, secondary: '', copayCents, coinsurancePermille: 0, deductibleCents: 0, paysAtCheckIn };
  }
  if (u < 0.9) {
    const primary = rng.weighted(COMMERCIAL);
    let secondary = '';
    if (rng.chance(0.06)) {
      secondary = rng.weighted(COMMERCIAL);
      if (secondary === primary) secondary = '';
    }
    return {
      primary,
      secondary,
      copayCents: dollars(rng.pick([20, 25, 30, 40, 50])),
      coinsurancePermille: rng.pick([100, 200, 200, 300]),
      deductibleCents: rng.chance(0.2) ? dollars(rng.pick([500, 1000, 1500, 2000])) : 0,
      paysAtCheckIn,
    };
  }
  if (u < 0.93) {
    const copayCents = dollars(rng.pick([0, 15, 39]));
    return { ...SELF_PAY, primary: 'TRICARE-E', copayCents, paysAtCheckIn };
  }
  if (u < 0.95) {
    return { ...SELF_PAY, primary: 'WC-STATE', paysAtCheckIn };
  }
  if (u < 0.97) {
    return { ...SELF_PAY, primary: 'AUTO-PIP', coinsurancePermille: 200, paysAtCheckIn };
  }
  return { ...SELF_PAY, paysAtCheckIn };
}

/** A commercial payer other than `not`, for scenarios that need a second plan the patient once had. */
export function otherCommercial(rng: Prng, not: string): string {
  for (;;) {
    const code = rng.weighted(COMMERCIAL);
    if (code !== not) return code;
  }
}
