import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PgClientRunner } from '../../infra/db/sql-runner.js';
import { BadInputError } from '../errors.js';
import { applyStagedEntries, createStagingTable } from './ledger-staging.js';
import { validateLedgerRecord, type StagedEntry } from './ledger-entry-validation.js';
import { LEDGER_CSV_COLUMNS, LEDGER_CSV_DETAIL_COLUMNS } from './ledger-csv-columns.js';
import { applyImportedDetails, collectDetails, ImportedDetails } from './ledger-csv-details.js';

export { LEDGER_CSV_COLUMNS };

export interface ImportOptions {
  /**
   * Rows per transaction. Each batch is all-or-nothing and idempotent, so a failed or interrupted
   * import is resumed by running it again: committed batches are skipped as duplicates.
   * @defaultValue 100000
   */
  batchRows?: number;
  /** Called after each committed batch with the rows read so far. */
  onBatch?: (rowsSoFar: number) => void;
}

export interface ImportResult {
  rows: number;
  posted: number;
  skippedDuplicates: number;
  batches: number;
}

/** COPY text format: backslash, tab, newline and carriage return are escaped; nothing else. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

async function prepareBatch(db: PgClientRunner, tenantId: string): Promise<void> {
  await db.affected(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
  await db.affected(sql`insert into tenant (id, name) values (${tenantId}, ${tenantId}) on conflict (id) do nothing`);
  await createStagingTable(db);
}

const NULL = '\\N';
const copyNullable = (value: string | null) => (value === null ? NULL : copyText(value));

/** One validated entry as a COPY text line for ledger_staging (STAGING_COPY_COLUMNS order). */
function stagingLine(e: StagedEntry): string {
  return [
    String(e.line), copyText(e.externalId), copyText(e.accountNumber), copyText(e.patientId), copyText(e.guarantorId),
    e.guarantorGiven ? 't' : 'f', copyNullable(e.payerCode), e.kind, e.amount, e.postedAt, copyNullable(e.serviceDate),
    copyNullable(e.claimNumber), copyNullable(e.reference), copyNullable(e.reasonCode), e.contentHash,
  ].join('\t') + '\n';
}

const STAGING_COPY =
  'copy ledger_staging (line, external_id, account_number, patient_id, guarantor_id, guarantor_given, payer_code, ' +
  'kind, amount, posted_at, service_date, claim_number, reference, reason_code, content_hash) from stdin';

const WITH_DETAILS = LEDGER_CSV_COLUMNS.length + LEDGER_CSV_DETAIL_COLUMNS.length;

/**
 * Streams records (one string per LEDGER_CSV_COLUMNS column, optionally followed by every
 * LEDGER_CSV_DETAIL_COLUMNS column: account and claim details, applied after each batch's entries)
 * into the ledger through PostgreSQL
 * COPY: each record is validated while it streams (same rules as postLedgerEntries, errors name
 * `line N.column`), each batch is COPYed into the staging table and posted by the same staging
 * path as postLedgerEntries (same set-based checks, same idempotency). Memory stays bounded by
 * the COPY stream's buffer, whatever the file size. `firstLine` numbers the records in errors.
 */
export async function importLedgerRecords(
  appDatabaseUrl: string,
  tenantId: string,
  records: AsyncIterable<string[]>,
  options: ImportOptions = {},
  firstLine = 2,
): Promise<ImportResult> {
  const batchRows = options.batchRows ?? 100_000;
  const now = new Date();
  const client = new pg.Client({ connectionString: appDatabaseUrl });
  await client.connect();
  const db = new PgClientRunner(client);
  const total: ImportResult = { rows: 0, posted: 0, skippedDuplicates: 0, batches: 0 };
  const iterator = records[Symbol.asyncIterator]();
  try {
    let pending = await iterator.next();
    while (!pending.done) {
      await client.query('begin');
      try {
        await prepareBatch(db, tenantId);
        let inBatch = 0;
        const details = new ImportedDetails();
        const lineOf = () => firstLine + total.rows + inBatch;
        // Lines are sent in ~64 KB chunks: one CopyData message per row would dominate the cost.
        async function* batchText(): AsyncGenerator<string> {
          let chunk = '';
          while (!pending.done && inBatch < batchRows) {
            const record = pending.value;
            if (record.length === WITH_DETAILS) {
              collectDetails(details, record, lineOf());
            } else if (record.length !== LEDGER_CSV_COLUMNS.length) {
              throw new BadInputError(`line ${lineOf()}`, `has ${record.length} fields, expected ${LEDGER_CSV_COLUMNS.length}`);
            }
            chunk += stagingLine(validateLedgerRecord(record, lineOf(), now)); // reads the first 12 fields
            if (chunk.length >= 65_536) {
              yield chunk;
              chunk = '';
            }
            inBatch += 1;
            pending = await iterator.next();
          }
          if (chunk) yield chunk;
        }
        await pipeline(Readable.from(batchText()), client.query(copyStreams.from(STAGING_COPY)));
        const result = await applyStagedEntries(db, tenantId, (line) => `line ${line}`);
        if (details.size) await applyImportedDetails(db, tenantId, details);
        await client.query('commit');
        total.rows += inBatch;
        total.posted += result.posted;
        total.skippedDuplicates += result.skippedDuplicates;
        total.batches += 1;
        options.onBatch?.(total.rows);
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    }
    return total;
  } finally {
    await client.end();
  }
}
