import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PgClientRunner } from '../../infra/db/sql-runner.js';
import { BadInputError } from '../errors.js';
import { applyStagedEntries, createStagingTable } from './ledger-staging.js';

/** The CSV header the importer reads (and the generator writes), in order. */
export const LEDGER_CSV_COLUMNS = [
  'external_id',
  'account_number',
  'patient_id',
  'guarantor_id',
  'payer_code',
  'kind',
  'amount',
  'posted_at',
  'service_date',
  'claim_number',
  'reference',
  'reason_code',
] as const;

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

/** Set-based checks on the raw text rows; the first offending line is reported with its field. */
const RAW_CHECKS: { field: string; problem: string; where: string }[] = [
  { field: 'external_id', problem: 'is required (at most 128 characters)', where: `length(external_id) not between 1 and 128` },
  { field: 'account_number', problem: 'is required (at most 64 characters)', where: `length(account_number) not between 1 and 64` },
  { field: 'patient_id', problem: 'is required (at most 64 characters)', where: `length(patient_id) not between 1 and 64` },
  { field: 'guarantor_id', problem: 'must be at most 64 characters', where: `length(guarantor_id) > 64` },
  { field: 'kind', problem: 'must be CHARGE, PAYMENT, ADJUSTMENT, REFUND or TRANSFER', where: `kind not in ('CHARGE','PAYMENT','ADJUSTMENT','REFUND','TRANSFER')` },
  {
    field: 'amount',
    problem: 'is not a decimal with at most 12 integer digits and 2 fraction digits',
    where: `amount !~ '^-?[0-9]{1,12}([.][0-9]{1,2})?$'`,
  },
  {
    field: 'posted_at',
    problem: 'is not an ISO-8601 date-time with an offset, or lies more than a day ahead',
    where: `posted_at !~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' or pg_temp.try_timestamptz(posted_at) is null
            or pg_temp.try_timestamptz(posted_at) > now() + interval '1 day'`,
  },
  { field: 'service_date', problem: 'is not a date (YYYY-MM-DD)', where: `service_date <> '' and (service_date !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' or pg_temp.try_date(service_date) is null)` },
  { field: 'claim_number', problem: 'must be at most 64 characters', where: `length(claim_number) > 64` },
  { field: 'reference', problem: 'must be at most 64 characters', where: `length(reference) > 64` },
  { field: 'reason_code', problem: 'must be at most 16 characters', where: `length(reason_code) > 16` },
];

async function prepareBatch(db: PgClientRunner, tenantId: string): Promise<void> {
  await db.affected(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
  await db.affected(sql`insert into tenant (id, name) values (${tenantId}, ${tenantId}) on conflict (id) do nothing`);
  await db.affected(sql`
    create or replace function pg_temp.try_timestamptz(v text) returns timestamptz language plpgsql immutable as $$
    begin return v::timestamptz; exception when others then return null; end $$`);
  await db.affected(sql`
    create or replace function pg_temp.try_date(v text) returns date language plpgsql immutable as $$
    begin return v::date; exception when others then return null; end $$`);
  await db.affected(sql`
    create temp table if not exists ledger_raw (
      line integer not null, external_id text, account_number text, patient_id text, guarantor_id text,
      payer_code text, kind text, amount text, posted_at text, service_date text, claim_number text,
      reference text, reason_code text) on commit drop`);
  await db.affected(sql`truncate ledger_raw`);
  await createStagingTable(db);
}

async function applyBatch(db: PgClientRunner, tenantId: string) {
  for (const check of RAW_CHECKS) {
    const bad = await db.one<{ line: number; value: string }>(
      sql`select line, ${sql.ref(check.field)} as value from ledger_raw where ${sql.raw(check.where)} order by line limit 1`,
    );
    if (bad) throw new BadInputError(`line ${bad.line}.${check.field}`, `${JSON.stringify(bad.value)} ${check.problem}`);
  }
  await db.affected(sql`
    insert into ledger_staging (line, external_id, account_number, patient_id, guarantor_id, guarantor_given, payer_code,
      kind, amount, posted_at, service_date, claim_number, reference, reason_code)
    select line, external_id, account_number, patient_id, coalesce(nullif(guarantor_id, ''), patient_id), guarantor_id <> '',
           nullif(payer_code, ''), kind, amount::numeric(14,2), posted_at::timestamptz, nullif(service_date, '')::date,
           nullif(claim_number, ''), nullif(reference, ''), nullif(reason_code, '')
      from ledger_raw`);
  return applyStagedEntries(db, tenantId, (line) => `line ${line}`);
}

/**
 * Streams records (one string per LEDGER_CSV_COLUMNS column) into the ledger through PostgreSQL
 * COPY: each batch is COPYed into a temp table, checked set-based, and posted by the same
 * staging path as postLedgerEntries (same validation, same idempotency). Memory stays bounded by
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
        const lineOf = () => firstLine + total.rows + inBatch;
        async function* batchText(): AsyncGenerator<string> {
          while (!pending.done && inBatch < batchRows) {
            const record = pending.value;
            if (record.length !== LEDGER_CSV_COLUMNS.length) {
              throw new BadInputError(`line ${lineOf()}`, `has ${record.length} fields, expected ${LEDGER_CSV_COLUMNS.length}`);
            }
            yield `${lineOf()}\t${record.map(copyText).join('\t')}\n`;
            inBatch += 1;
            pending = await iterator.next();
          }
        }
        await pipeline(Readable.from(batchText()), client.query(copyStreams.from('copy ledger_raw from stdin')));
        const result = await applyBatch(db, tenantId);
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
