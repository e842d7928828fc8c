import type { EntryKind } from '../ledger/entry-kind.js';
import type { Prng } from './prng.js';

/**
 * One entry of an account before it is placed in time: `day` counts from the day the charges were
 * posted (day 0), so a scenario can be built first and then slid to the credit age it aims at.
 */
export interface DraftEntry {
  day: number;
  /** Second of the (UTC) day. */
  second: number;
  payerCode: string;
  kind: `${EntryKind}`;
  cents: number;
  claimNumber: string;
  reference: string;
  reasonCode: string;
  /** Line-level entries carry the encounter's service date. */
  lineLevel: boolean;
}

/** The idempotency key of the `seq`-th entry (0-based) of an account. */
export function externalIdOf(accountNumber: string, seq: number): string {
  return `${accountNumber}-${seq < 9 ? '0' : ''}${seq + 1}`;
}

const OPENING = 8 * 3600;
const BUSINESS_DAY = 10 * 3600;
const LAST_SECOND = 86_399;

/**
 * The entries of one account, in posting order. Entries are added in batches (`at(day)`), each batch
 * at a later time than the one before, so the draft is always chronological.
 */
export class AccountDraft {
  readonly entries: DraftEntry[] = [];
  private day = 0;
  private second = 0;

  constructor(private readonly rng: Prng) {}

  reset(): void {
    this.entries.length = 0;
    this.day = 0;
    this.second = 0;
  }

  /** The day of the latest batch. */
  get lastDay(): number {
    return this.day;
  }

  /** Index the next entry will have: its sequence number within the account. */
  get nextIndex(): number {
    return this.entries.length;
  }

  /** Opens a posting batch on `day` (never earlier than the previous batch) during business hours. */
  at(day: number): this {
    if (day < this.day) throw new RangeError(`batch on day ${day} after one on day ${this.day}`);
    if (day > this.day || this.entries.length === 0) {
      this.second = OPENING + this.rng.int(BUSINESS_DAY);
    } else {
      // Same day: a little later, so the order of batches is also the order of their timestamps.
      this.second = Math.min(LAST_SECOND, this.second + 60 + this.rng.int(3600));
    }
    this.day = day;
    return this;
  }

  add(
    kind: `${EntryKind}`,
    cents: number,
    payerCode: string,
    claimNumber: string,
    reference: string,
    reasonCode = '',
    lineLevel = false,
  ): this {
    if (cents === 0) return this; // a zero line is noise in a ledger
    this.entries.push({
      day: this.day,
      second: this.second,
      payerCode,
      kind,
      cents,
      claimNumber,
      reference,
      reasonCode,
      lineLevel,
    });
    return this;
  }

  /** Sum of all entries so far, in cents: the account balance once everything is posted. */
  balance(): number {
    let total = 0;
    for (const e of this.entries) total += e.cents;
    return total;
  }
}
