import { hash } from 'node:crypto';
import { BadInputError, ConflictError } from '../errors.js';
import { Decimal, formatMoney, isMoneyText } from '../money/money.js';
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
  /** sha256 of the canonical content: tells a replay (same hash) from a conflicting reuse of the externalId. */
  contentHash: string;
}

// Amounts usually arrive in canonical form already (bulk imports hash hundreds of thousands): those
// are used as they are, the same text the Decimal below would produce.
const CANONICAL_MONEY = /^-?(?:0|[1-9]\d*)\.\d{2}$/;
function canonicalAmount(text: string): string {
  if (CANONICAL_MONEY.test(text) && text !== '-0.00') return text;
  const amount = new Decimal(text);
  return amount.isZero() ? '0.00' : amount.toFixed(2);
}

/** The canonical content of an entry (everything but its externalId), hashed. */
export function contentHash(e: Omit<StagedEntry, 'contentHash' | 'line'>): string {
  const u = '\u001f';
  const canonical = e.accountNumber + u + e.patientId + u + e.guarantorId + u + (e.payerCode ?? '') + u + e.kind + u + canonicalAmount(e.amount) + u +
    e.postedAt + u + (e.serviceDate ?? '') + u + (e.claimNumber ?? '') + u + (e.reference ?? '') + u + (e.reasonCode ?? '');
  // The one-shot hash: half the cost of a Hash object per entry, for the same digest.
  return hash('sha256', canonical, 'hex');
}

function withHash(e: Omit<StagedEntry, 'contentHash'>): StagedEntry {
  return { ...e, contentHash: contentHash(e) };
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
    const row = withHash({
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
    });
    const previous = seen.get(externalId);
    if (previous && previous.key !== row.contentHash) {
      throw new ConflictError(
        `${at}.externalId: "${externalId}" appears twice in this batch with different content (entries ${previous.index} and ${index})`,
        { field: `${at}.externalId`, externalId },
      );
    }
    if (!previous) seen.set(externalId, { index, key: row.contentHash });
    staged.push(row);
  });
  return staged;
}

const KINDS = new Set<string>(Object.values(EntryKind));
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether y-m-d is a real calendar day (rejects 2026-02-30, which Date.parse would roll over). */
function isCalendarDay(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/**
 * Validates one CSV record (columns in LEDGER_CSV_COLUMNS order, empty meaning none) with the same
 * rules as validateLedgerBatch, naming `line N.column` in errors. Streaming: no batch state.
 */
export function validateLedgerRecord(fields: readonly string[], line: number, now: Date): StagedEntry {
  const at = `line ${line}`;
  const [externalId, accountNumber, patientId, guarantorId, payerCode, kind, amount, postedAt, serviceDate, claimNumber, reference, reasonCode] =
    fields.map((f) => f.trim());
  if (!KINDS.has(kind!)) throw new BadInputError(`${at}.kind`, `"${kind}" must be one of ${[...KINDS].join(', ')}`);
  if (!isMoneyText(amount!)) {
    throw new BadInputError(`${at}.amount`, `"${amount}" is not a decimal with at most 12 integer digits and 2 fraction digits`);
  }
  const dt = ISO_DATE_TIME.exec(postedAt!);
  const postedMs = dt && isCalendarDay(dt[1]!, dt[2]!, dt[3]!) ? Date.parse(postedAt!.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(postedMs)) throw new BadInputError(`${at}.postedAt`, `"${postedAt}" is not an ISO-8601 date-time with an offset`);
  if (postedMs > now.getTime() + MAX_FUTURE_MS) throw new BadInputError(`${at}.postedAt`, `"${postedAt}" lies more than a day in the future`);
  if (postedMs < EARLIEST_POSTING) throw new BadInputError(`${at}.postedAt`, `"${postedAt}" is before 1970`);
  if (serviceDate) {
    const d = ISO_DATE.exec(serviceDate);
    if (!d || !isCalendarDay(d[1]!, d[2]!, d[3]!)) throw new BadInputError(`${at}.serviceDate`, `"${serviceDate}" is not a date (YYYY-MM-DD)`);
  }
  const patient = text(patientId, `${at}.patientId`, 64, true)!;
  const guarantor = text(guarantorId, `${at}.guarantorId`, 64, false);
  return withHash({
    line,
    externalId: text(externalId, `${at}.externalId`, 128, true)!,
    accountNumber: text(accountNumber, `${at}.accountNumber`, 64, true)!,
    patientId: patient,
    guarantorId: guarantor ?? patient,
    guarantorGiven: guarantor !== null,
    payerCode: text(payerCode, `${at}.payerCode`, 64, false),
    kind: kind as EntryKind,
    amount: amount!,
    postedAt: new Date(postedMs).toISOString(),
    serviceDate: serviceDate || null,
    claimNumber: text(claimNumber, `${at}.claimNumber`, 64, false),
    reference: text(reference, `${at}.reference`, 64, false),
    reasonCode: text(reasonCode, `${at}.reasonCode`, 16, false),
  });
}
