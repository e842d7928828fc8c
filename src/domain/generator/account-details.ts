import { PayerKind } from '../payers/payer-kind.js';
import { accountNumberOf, claimNumberOf, guarantorIndexOf, patientCountFor, patientIndexOf } from './ledger-generator.js';
import { Prng, hash32, seedKey } from './prng.js';
import { coverageOf, payerKindOf } from './synthetic-payers.js';

/**
 * The reporting details of the synthetic practice's accounts: location, names, member id, state,
 * and the claim's type of bill, length of stay and ICN. Like the ledger, every value is a pure
 * function of (seed, index, accounts), and a patient keeps one name and member id across accounts.
 */
export interface SyntheticAccountDetails {
  accountNumber: string;
  location: string;
  patientName: string;
  guarantorName: string;
  payerMemberId: string | null;
  state: string;
  claim: { claimNumber: string; typeOfBill: string; stayDays: number; icn: string | null };
}

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Karen', 'Carlos', 'Maria', 'Wei', 'Aisha',
  'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Hiroshi', 'Fatima'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Nguyen', 'Patel'];
/** Facility codes with their share of encounters (per 100). */
const LOCATIONS: readonly (readonly [string, number])[] = [['MAIN', 50], ['NORTH', 25], ['EAST', 15], ['ASC-1', 10]];
const STATES: readonly (readonly [string, number])[] = [['OH', 60], ['KY', 15], ['IN', 10], ['PA', 10], ['FL', 5]];
/** MBI letters: A–Z without S, L, O, I, B, Z (CMS's format, so the ids look like real ones). */
const MBI_LETTERS = 'ACDEFGHJKMNPQRTUVWXY';
const DIGITS = '0123456789';
const ALNUM = MBI_LETTERS + DIGITS;

const PATIENT_NAME_SALT = 0x9a7e;
const GUARANTOR_NAME_SALT = 0x6a7e;
const DETAILS_SALT = 0xde7a;

function weighted(table: readonly (readonly [string, number])[], draw: number): string {
  let left = draw % 100;
  for (const [value, share] of table) {
    if (left < share) return value;
    left -= share;
  }
  return table[0]![0];
}

function nameOf(key: number, index: number, salt: number): string {
  const h = hash32(key, index, salt);
  return `${LAST[h % LAST.length]}, ${FIRST[(h >>> 8) % FIRST.length]}`;
}

/** An 11-character Medicare Beneficiary Identifier in CMS's layout (C A AN N A AN N A A N N). */
function mbiOf(rng: Prng): string {
  const pick = (set: string) => set[rng.int(set.length)]!;
  return '123456789'[rng.int(9)]! + pick(MBI_LETTERS) + pick(ALNUM) + pick(DIGITS) + pick(MBI_LETTERS) + pick(ALNUM) +
    pick(DIGITS) + pick(MBI_LETTERS) + pick(MBI_LETTERS) + pick(DIGITS) + pick(DIGITS);
}

/** The details of the account at `index` of a practice of `accounts` accounts generated with `seed`. */
export function syntheticAccountDetails(seed: number, index: number, accounts: number): SyntheticAccountDetails {
  const key = seedKey(seed);
  const patientIndex = patientIndexOf(key, index, patientCountFor(accounts));
  const coverage = coverageOf(key, patientIndex);
  const patient = new Prng(hash32(key, patientIndex, DETAILS_SALT));
  const kind = coverage.primary ? payerKindOf(coverage.primary) : null;
  const memberId = kind === PayerKind.MEDICARE ? mbiOf(patient) : kind ? `${coverage.primary.slice(0, 3)}${100_000_000 + patient.int(900_000_000)}` : null;
  const state = weighted(STATES, patient.int(100));
  const rng = new Prng(hash32(key, index, DETAILS_SALT));
  const inpatient = rng.int(100) < 20;
  return {
    accountNumber: accountNumberOf(index),
    location: weighted(LOCATIONS, rng.int(100)),
    patientName: nameOf(key, patientIndex, PATIENT_NAME_SALT),
    guarantorName: nameOf(key, guarantorIndexOf(patientIndex), GUARANTOR_NAME_SALT),
    payerMemberId: memberId,
    state,
    claim: {
      claimNumber: claimNumberOf(index),
      // 111: hospital inpatient, admit through discharge; 131: hospital outpatient.
      typeOfBill: inpatient ? '111' : '131',
      stayDays: inpatient ? 1 + rng.int(7) : 0,
      icn: kind ? String(10_000_000_000_000 + rng.int(1_000_000) * 10_000_000 + rng.int(10_000_000)).slice(1) : null,
    },
  };
}
