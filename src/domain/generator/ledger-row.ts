import type { EntryKind } from '../ledger/entry-kind.js';
import { LEDGER_CSV_COLUMNS } from '../ledger/ledger-csv-columns.js';

/**
 * One generated ledger line, every field a string, exactly as the CSV importer reads it.
 * Empty strings stand for "none" (e.g. `payerCode: ''` is the patient/guarantor side).
 */
export interface LedgerRow {
  externalId: string;
  accountNumber: string;
  patientId: string;
  guarantorId: string;
  /** '' when the entry belongs to the patient/guarantor rather than a payer. */
  payerCode: string;
  kind: `${EntryKind}`;
  /** Signed, exactly two fraction digits: charges and refunds positive, payments and write-offs negative. */
  amount: string;
  /** ISO-8601 UTC, e.g. `2026-03-04T14:22:31Z`. */
  postedAt: string;
  /** `YYYY-MM-DD` for line-level entries, '' otherwise. */
  serviceDate: string;
  claimNumber: string;
  reference: string;
  /** CARC code such as "45", "18", "94", or ''. */
  reasonCode: string;
}

/** The CSV header, in column order: the ledger's own layout, which the COPY importer reads. */
export const CSV_COLUMNS = LEDGER_CSV_COLUMNS;

export const CSV_HEADER = CSV_COLUMNS.join(',');

/** Whether a field can go unquoted: a char loop, ~2× faster here than a regex test per field. */
function isPlain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 /* , */ || c === 34 /* " */ || c === 10 /* \n */ || c === 13 /* \r */) return false;
  }
  return true;
}

/** RFC 4180 field: quoted (with doubled quotes) only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return isPlain(value) ? value : `"${value.replaceAll('"', '""')}"`;
}

/** One CSV record for `row`, in `CSV_COLUMNS` order, without the line terminator. */
export function toCsvLine(row: LedgerRow): string {
  const f = csvField;
  return (
    `${f(row.externalId)},${f(row.accountNumber)},${f(row.patientId)},${f(row.guarantorId)},` +
    `${f(row.payerCode)},${f(row.kind)},${f(row.amount)},${f(row.postedAt)},${f(row.serviceDate)},` +
    `${f(row.claimNumber)},${f(row.reference)},${f(row.reasonCode)}`
  );
}
