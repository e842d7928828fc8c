import { RootCauseCode } from '../credits/credit-enums.js';
import { seedKey, uniformAt } from './prng.js';

/**
 * What was injected into a synthetic account. The six credit kinds leave a negative balance with the
 * evidence a classifier needs; REVERSAL and REFUNDED look like credits at some point but end at zero.
 */
export enum ScenarioKind {
  DUPLICATE_PAYMENT = 'DUPLICATE_PAYMENT',
  PAYER_OVERPAYMENT = 'PAYER_OVERPAYMENT',
  COB_ERROR = 'COB_ERROR',
  PATIENT_OVERPAYMENT = 'PATIENT_OVERPAYMENT',
  INCORRECT_ADJUSTMENT = 'INCORRECT_ADJUSTMENT',
  POSTING_ERROR = 'POSTING_ERROR',
  /** A payment posted and then reversed with the opposite sign: no credit remains. */
  REVERSAL = 'REVERSAL',
  /** A credit that was already refunded: the balance is back at zero. */
  REFUNDED = 'REFUNDED',
}

/** Share of all accounts per scenario, in basis points (1/10,000). Credit kinds add up to 5%. */
export const SCENARIO_MIX: readonly (readonly [ScenarioKind, number])[] = [
  [ScenarioKind.DUPLICATE_PAYMENT, 120],
  [ScenarioKind.PAYER_OVERPAYMENT, 90],
  [ScenarioKind.COB_ERROR, 70],
  [ScenarioKind.PATIENT_OVERPAYMENT, 100],
  [ScenarioKind.INCORRECT_ADJUSTMENT, 60],
  [ScenarioKind.POSTING_ERROR, 60],
  [ScenarioKind.REVERSAL, 150],
  [ScenarioKind.REFUNDED, 150],
];

const CREDIT_KINDS = new Set<ScenarioKind>([
  ScenarioKind.DUPLICATE_PAYMENT,
  ScenarioKind.PAYER_OVERPAYMENT,
  ScenarioKind.COB_ERROR,
  ScenarioKind.PATIENT_OVERPAYMENT,
  ScenarioKind.INCORRECT_ADJUSTMENT,
  ScenarioKind.POSTING_ERROR,
]);

/** Whether the scenario leaves the account with a negative (credit) balance. */
export function isCreditScenario(kind: ScenarioKind | null): boolean {
  return kind !== null && CREDIT_KINDS.has(kind);
}

/** The root cause a correct classifier should report for the account, or null when no credit remains. */
export function expectedRootCause(kind: ScenarioKind | null): RootCauseCode | null {
  if (!isCreditScenario(kind)) return null;
  return RootCauseCode[kind as keyof typeof RootCauseCode];
}

/** Dollar tiers the worklists use: < $100, $100–$999.99, ≥ $1,000. */
export type CreditTier = 'LOW' | 'MID' | 'HIGH';

export interface ScenarioPlan {
  kind: ScenarioKind;
  /** Whole days between the scenario's last entry and the day of `asOf` (≥ 1). */
  ageDays: number;
  /** The dollar tier the scenario aims at (the exact credit follows from the account's charges). */
  tier: CreditTier;
  /** A uniform draw in [0, 1) that picks between the scenario's variants. */
  variant: number;
}

const KIND_SALT = 0x5c3a;
const AGE_SALT = 0xa9e1;
const TIER_SALT = 0x71e2;
const VARIANT_SALT = 0x7a21;

// Credit ages by aging bucket (0-30, 31-60, 61-90, 90+), kept clear of the bucket edges.
const AGE_BUCKETS: readonly (readonly [number, number, number])[] = [
  [0.4, 1, 28],
  [0.2, 33, 58],
  [0.15, 63, 88],
  [0.25, 93, 400],
];

function pickKind(u: number): ScenarioKind | null {
  let bps = u * 10_000;
  for (const [kind, share] of SCENARIO_MIX) {
    if (bps < share) return kind;
    bps -= share;
  }
  return null;
}

function pickAge(u: number): number {
  let rest = u;
  for (const [share, lo, hi] of AGE_BUCKETS) {
    if (rest < share) return lo + Math.floor((rest / share) * (hi - lo + 1));
    rest -= share;
  }
  return 1;
}

/** The scenario of account `accountIndex` (0-based) for a seed key from `seedKey`. */
export function scenarioPlanAt(key: number, accountIndex: number): ScenarioPlan | null {
  const kind = pickKind(uniformAt(key, accountIndex, KIND_SALT));
  if (kind === null) return null;
  const t = uniformAt(key, accountIndex, TIER_SALT);
  return {
    kind,
    ageDays: pickAge(uniformAt(key, accountIndex, AGE_SALT)),
    tier: t < 0.4 ? 'LOW' : t < 0.8 ? 'MID' : 'HIGH',
    variant: uniformAt(key, accountIndex, VARIANT_SALT),
  };
}

/**
 * Which scenario, if any, the generator injects into account `accountIndex` (0-based, the order
 * in which `generateLedger` emits accounts) for `seed`. A pure function: it does not depend on the
 * number of accounts, so tests can ask about any account without generating the ledger.
 */
export function scenarioOf(accountIndex: number, seed: number): ScenarioKind | null {
  return scenarioPlanAt(seedKey(seed), accountIndex)?.kind ?? null;
}

/** Same as `scenarioOf`, with the aimed credit age, tier and variant. */
export function scenarioPlanOf(accountIndex: number, seed: number): ScenarioPlan | null {
  return scenarioPlanAt(seedKey(seed), accountIndex);
}
