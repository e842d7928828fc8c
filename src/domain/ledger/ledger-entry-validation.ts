import { BadInputError, ConflictError } from '../errors.js';
import { Decimal, formatMoney } from '../money/money.js';
import { EntryKind } from './entry-kind.js';

/** Most entries one call may post: one transaction, bounded memory and lock time. */
export const MAX_ENTRIES_PER_BATCH = 5000;
/** Clock skew we tolerate between a poster and this service. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const EARLIEST_POSTING = Date.UTC(1970, 0, 1);

export interface LedgerEntryDraft {
  externalId: string;
  accountNumber: string;
  patientId: string;
  guarantorId?: string | null;
  payerCode?: string | null;
  kind: EntryKind;
  amount: Decimal;
  postedAt: Date;
  serviceDate?: string | null;
  claimNumber?: string | null;
  reference?: string | null;
  reasonCode?: string | null;
}

/** A validated entry, every field in its canonical text form, ready for the staging table. */
export interface StagedEntry {
  line: number;
  externalId: string;
  accountNumber: string;
  patientId: string;
  guarantorId: string;
  /** Whether the guarantor was given explicitly (only then a mismatch with the account is a conflict). */
  guarantorGiven: boolean;
  payerCode: string | null;
  kind: EntryKind;
  amount: string;
  postedAt: string;
  serviceDate: string | null;
  claimNumber: string | null;
  reference: string | null;
  reasonCode: string | null;
}

function text(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) {
    if (required) throw new BadInputError(field, 'is required');
    return null;
  }
  if (trimmed.length > max) throw new BadInputError(field, `must be at most ${max} characters`);
  return trimmed;
}

/**
 * Checks one batch as a whole before anything is written: field formats, posting dates, batch size
 * and externalIds repeated inside the batch. Errors name the entry index and field.
 */
export function validateLedgerBatch(entries: readonly LedgerEntryDraft[], now: Date): StagedEntry[] {
  if (entries.length > MAX_ENTRIES_PER_BATCH) {
    throw new BadInputError('entries', `at most ${MAX_ENTRIES_PER_BATCH} entries per call (got ${entries.length})`);
  }
  const latest = now.getTime() + MAX_FUTURE_MS;
  const seen = new Map<string, { index: number; key: string }>();
  const staged: StagedEntry[] = [];
  entries.forEach((entry, index) => {
    const at = `entries[${index}]`;
    const externalId = text(entry.externalId, `${at}.externalId`, 128, true)!;
    const accountNumber = text(entry.accountNumber, `${at}.accountNumber`, 64, true)!;
    const patientId = text(entry.patientId, `${at}.patientId`, 64, true)!;
    const guarantorGiven = text(entry.guarantorId, `${at}.guarantorId`, 64, false);
    const postedAt = entry.postedAt;
    if (!(postedAt instanceof Date) || Number.isNaN(postedAt.getTime())) {
      throw new BadInputError(`${at}.postedAt`, 'is not a valid date-time');
    }
    if (postedAt.getTime() > latest) {
      throw new BadInputError(`${at}.postedAt`, `${postedAt.toISOString()} lies more than a day in the future`);
    }
    if (postedAt.getTime() < EARLIEST_POSTING) {
      throw new BadInputError(`${at}.postedAt`, `${postedAt.toISOString()} is before 1970`);
    }
    let amount: string;
    try {
      amount = formatMoney(entry.amount);
    } catch (error) {
      throw new BadInputError(`${at}.amount`, (error as Error).message);
    }
    const row: StagedEntry = {
      line: index,
      externalId,
      accountNumber,
      patientId,
      guarantorId: guarantorGiven ?? patientId,
      guarantorGiven: guarantorGiven !== null,
      payerCode: text(entry.payerCode, `${at}.payerCode`, 64, false),
      kind: entry.kind,
      amount,
      postedAt: postedAt.toISOString(),
      serviceDate: entry.serviceDate ?? null,
      claimNumber: text(entry.claimNumber, `${at}.claimNumber`, 64, false),
      reference: text(entry.reference, `${at}.reference`, 64, false),
      reasonCode: text(entry.reasonCode, `${at}.reasonCode`, 16, false),
    };
    const key = JSON.stringify({ ...row, line: 0 });
    const previous = seen.get(externalId);
    if (previous && previous.key !== key) {
      throw new ConflictError(
        `${at}.externalId: "${externalId}" appears twice in this batch with different content (entries ${previous.index} and ${index})`,
        { field: `${at}.externalId`, externalId },
      );
    }
    if (!previous) seen.set(externalId, { index, key });
    staged.push(row);
  });
  return staged;
}
