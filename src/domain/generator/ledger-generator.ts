import { AccountDraft, externalIdOf } from './account-draft.js';
import { formatCents } from './cents.js';
import { pickLines, type Encounter } from './encounter.js';
import { postEncounterFlow } from './encounter-flow.js';
import type { LedgerRow } from './ledger-row.js';
import { Prng, hash32, seedKey } from './prng.js';
import { scenarioPlanAt } from './scenario.js';
import { needsPayer, postScenario } from './scenario-postings.js';
import { coverageOf, otherCommercial } from './synthetic-payers.js';

export interface LedgerOptions {
  /** Number of accounts (encounters) to generate. */
  accounts: number;
  seed: number;
  /** Nothing is posted after this instant; the ledger spans about 18 months before it. */
  asOf: Date;
}

const DAY_MS = 86_400_000;
const MAX_ACCOUNTS = 100_000_000;
/** Ordinary encounters start 4 to 544 days before `asOf`: charges always land, the rest may not yet. */
const HISTORY_DAYS = 541;
const ACCOUNT_SALT = 0xacc7;
const PATIENT_SALT = 0x9a71;

/** The patient of account `index`, among `patients`: a pure function, so any account can name another's. */
export function patientIndexOf(key: number, index: number, patients: number): number {
  return hash32(key, index, PATIENT_SALT) % patients;
}

const ZEROS = '0000000000';

/** `prefix` and `n` zero-padded to `width` digits (wider numbers keep all their digits). */
function padded(prefix: string, n: number, width: number): string {
  const digits = String(n);
  return digits.length >= width ? prefix + digits : prefix + ZEROS.slice(0, width - digits.length) + digits;
}

/** Account number of the account at `index` (0-based), e.g. `A00000001`. */
export function accountNumberOf(index: number): string {
  return padded('A', index + 1, 8);
}

/** The claim number the account at `index` is billed under, e.g. `CLM00000001`. */
export function claimNumberOf(index: number): string {
  return padded('CLM', index + 1, 8);
}

// Households: each block of 131 patients has 100 guarantors, 80 of them for one patient, 12 for two,
// 5 for three and 3 for four (a parent with children), shuffled once so families are spread out.
const HOUSEHOLD_BLOCK = 131;
const GUARANTORS_PER_BLOCK = 100;
const HOUSEHOLD_OF_SLOT: readonly number[] = (() => {
  const sizes = [...Array<number>(80).fill(1), ...Array<number>(12).fill(2), ...Array<number>(5).fill(3), 4, 4, 4];
  const shuffler = new Prng(0x40e5);
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = shuffler.int(i + 1);
    [sizes[i], sizes[j]] = [sizes[j]!, sizes[i]!];
  }
  return sizes.flatMap((size, household) => Array<number>(size).fill(household));
})();

/** The guarantor of a patient: about 1.3 patients per guarantor, some households of up to four. */
export function guarantorIndexOf(patientIndex: number): number {
  const slot = patientIndex % HOUSEHOLD_BLOCK;
  return ((patientIndex - slot) / HOUSEHOLD_BLOCK) * GUARANTORS_PER_BLOCK + HOUSEHOLD_OF_SLOT[slot]!;
}

/** Number of patients for a run: about 2.5 accounts each. */
export function patientCountFor(accounts: number): number {
  return Math.max(1, Math.round(accounts / 2.5));
}

// Timestamps are assembled from cached parts: Date#toISOString was a quarter of the generator's
// time. A run touches a few hundred days; the time-of-day table fills up to 86,400 short strings.
const dayCache = new Map<number, string>();
const clockCache: (string | undefined)[] = new Array<string | undefined>(86_400).fill(undefined);

function isoDay(day: number): string {
  let text = dayCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayCache.size >= 10_000) dayCache.clear();
    dayCache.set(day, text);
  }
  return text;
}

/** `HH:MM:SS` of a second of the day. */
function clock(second: number): string {
  let text = clockCache[second];
  if (text === undefined) {
    text = new Date(second * 1000).toISOString().slice(11, 19);
    clockCache[second] = text;
  }
  return text;
}

function validate(options: LedgerOptions): void {
  const { accounts, asOf } = options;
  if (!Number.isSafeInteger(accounts) || accounts < 0 || accounts > MAX_ACCOUNTS) {
    throw new RangeError(`accounts must be an integer from 0 to ${MAX_ACCOUNTS}, got ${accounts}`);
  }
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new RangeError('asOf must be a valid Date');
  seedKey(options.seed); // validates the seed
}

/**
 * Streams the ledger of a synthetic practice, account by account, each account's entries in posting
 * order. Every account is a pure function of (seed, index, accounts, asOf): the same options give
 * byte-identical rows, and memory stays flat however many accounts are asked for.
 */
export function* generateLedger(options: LedgerOptions): Generator<LedgerRow, void, undefined> {
  validate(options);
  const { accounts } = options;
  const key = seedKey(options.seed);
  const patients = patientCountFor(accounts);
  const asOfMs = options.asOf.getTime();
  const asOfDay = Math.floor(asOfMs / DAY_MS);
  const rng = new Prng();
  const draft = new AccountDraft(rng);

  for (let index = 0; index < accounts; index++) {
    rng.reseed(hash32(key, index, ACCOUNT_SALT));
    draft.reset();
    const patientIndex = patientIndexOf(key, index, patients);
    const accountNumber = accountNumberOf(index);
    const plan = scenarioPlanAt(key, index);
    let coverage = coverageOf(key, patientIndex);
    if (plan && coverage.primary === '' && needsPayer(plan.kind)) {
      // Coverage found after the visit: this encounter is billed to a plan after all.
      coverage = { ...coverage, primary: otherCommercial(rng, ''), copayCents: 2_500, coinsurancePermille: 200 };
    }
    const enc: Encounter = {
      draft,
      rng,
      accountNumber,
      claimNumber: claimNumberOf(index),
      lines: pickLines(rng, plan?.tier ?? null),
      primary: coverage.primary,
      coverage,
    };

    let startDay: number;
    if (plan) {
      postScenario(enc, plan, foreignClaimFor(key, index, patientIndex, accounts, patients, rng));
      // Slide the account so that its last entry is `ageDays` before the day of asOf.
      startDay = asOfDay - plan.ageDays - draft.lastDay;
    } else {
      postEncounterFlow(enc, { settle: false });
      startDay = asOfDay - 4 - rng.int(HISTORY_DAYS);
    }

    const serviceDate = isoDay(startDay - rng.int(3));
    const patientId = padded('P', patientIndex + 1, 7);
    const guarantorId = padded('G', guarantorIndexOf(patientIndex) + 1, 7);
    const { entries } = draft;
    for (let seq = 0; seq < entries.length; seq++) {
      const e = entries[seq]!;
      const day = startDay + e.day;
      if (day * DAY_MS + e.second * 1000 > asOfMs) break; // not posted yet: the account is still open
      yield {
        externalId: externalIdOf(accountNumber, seq),
        accountNumber,
        patientId,
        guarantorId,
        payerCode: e.payerCode,
        kind: e.kind,
        amount: formatCents(e.cents),
        postedAt: `${isoDay(day)}T${clock(e.second)}Z`,
        serviceDate: e.lineLevel ? serviceDate : '',
        claimNumber: e.claimNumber,
        reference: e.reference,
        reasonCode: e.reasonCode,
      };
    }
  }
}

/** The claim number of a nearby account that belongs to another patient, or '' if there is none. */
function foreignClaimFor(
  key: number,
  index: number,
  patientIndex: number,
  accounts: number,
  patients: number,
  rng: Prng,
): string {
  if (accounts < 2 || patients < 2) return '';
  for (let attempt = 0; attempt < 8; attempt++) {
    const other = (index + 1 + rng.int(Math.min(accounts - 1, 1000))) % accounts;
    if (patientIndexOf(key, other, patients) !== patientIndex) return claimNumberOf(other);
  }
  return '';
}
