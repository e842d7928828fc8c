import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { BadInputError, ConflictError } from '../errors.js';
import type { StagedEntry } from './ledger-entry-validation.js';

/**
 * The one path from a batch of entries into the ledger, shared by `postLedgerEntries` and the COPY
 * importer: rows are staged in a transaction-local temp table, checked set-based, and moved into
 * the ledger in one INSERT … SELECT. Idempotency rests on the unique (tenant_id, external_id) index
 * and the content hash both paths compute with the same function (ledger-entry-validation.ts).
 */

/** How a staged row's position is named in errors: `entries[3]` for GraphQL, `line 1042` for CSV. */
export type LineLabel = (line: number) => string;

export async function createStagingTable(db: SqlRunner): Promise<void> {
  await db.affected(sql`
    create temp table if not exists ledger_staging (
      line integer not null,
      external_id text not null,
      account_number text not null,
      patient_id text not null,
      guarantor_id text not null,
      guarantor_given boolean not null,
      payer_code text,
      kind text not null,
      amount numeric(14,2) not null,
      posted_at timestamptz not null,
      service_date date,
      claim_number text,
      reference text,
      reason_code text,
      content_hash text not null
    ) on commit drop`);
  await db.affected(sql`truncate ledger_staging`);
}

/** Stages validated entries with one INSERT … SELECT FROM unnest(arrays). */
export async function stageEntries(db: SqlRunner, entries: readonly StagedEntry[]): Promise<void> {
  const col = <K extends keyof StagedEntry>(key: K) => entries.map((e) => e[key]);
  await db.affected(sql`
    insert into ledger_staging (line, external_id, account_number, patient_id, guarantor_id, guarantor_given,
      payer_code, kind, amount, posted_at, service_date, claim_number, reference, reason_code, content_hash)
    select * from unnest(
      ${col('line')}::integer[], ${col('externalId')}::text[], ${col('accountNumber')}::text[],
      ${col('patientId')}::text[], ${col('guarantorId')}::text[], ${col('guarantorGiven')}::boolean[],
      ${col('payerCode')}::text[], ${col('kind')}::text[], ${col('amount')}::numeric[],
      ${col('postedAt')}::timestamptz[], ${col('serviceDate')}::date[], ${col('claimNumber')}::text[],
      ${col('reference')}::text[], ${col('reasonCode')}::text[], ${col('contentHash')}::text[])`);
}

export interface ApplyResult {
  posted: number;
  skippedDuplicates: number;
}

/** Validates the staged rows against the tenant's data and moves them into the ledger. */
export async function applyStagedEntries(db: SqlRunner, tenantId: string, label: LineLabel): Promise<ApplyResult> {
  // Temp tables have no statistics until analyzed; without them the joins below plan as nested loops.
  await db.affected(sql`analyze ledger_staging`);

  const unknownPayer = await db.one<{ line: number; payer_code: string }>(sql`
    select s.line, s.payer_code from ledger_staging s
    where s.payer_code is not null
      and not exists (select 1 from payer p where p.tenant_id = ${tenantId} and p.code = s.payer_code)
    order by s.line limit 1`);
  if (unknownPayer) {
    throw new BadInputError(`${label(unknownPayer.line)}.payerCode`, `unknown payer code "${unknownPayer.payer_code}"`);
  }

  const repeated = await db.one<{ external_id: string; first: number; second: number }>(sql`
    select external_id, min(line) as first, max(line) as second from ledger_staging
    group by external_id having count(distinct content_hash) > 1
    order by min(line) limit 1`);
  if (repeated) {
    throw new ConflictError(
      `${label(repeated.second)}.externalId: "${repeated.external_id}" appears twice with different content (${label(repeated.first)} and ${label(repeated.second)})`,
      { field: `${label(repeated.second)}.externalId`, externalId: repeated.external_id },
    );
  }

  const splitAccount = await db.one<{ account_number: string; line: number }>(sql`
    select account_number, max(line) as line from ledger_staging group by account_number
    having count(distinct patient_id) > 1
        or count(distinct guarantor_id) filter (where guarantor_given) > 1
    order by max(line) limit 1`);
  if (splitAccount) {
    throw new ConflictError(
      `${label(splitAccount.line)}.accountNumber: account "${splitAccount.account_number}" is given different patients or guarantors in this batch`,
      { field: `${label(splitAccount.line)}.accountNumber` },
    );
  }

  // New accounts get their first payer (by posting order in the batch) in the same insert: an
  // account counts in its first payer's A/R.
  await db.affected(sql`
    insert into account (tenant_id, account_number, patient_id, guarantor_id, primary_payer_id)
    select ${tenantId}, f.account_number, f.patient_id, f.guarantor_id, p.id
      from (select distinct on (account_number) account_number, patient_id, guarantor_id
              from ledger_staging order by account_number, guarantor_given desc, line) f
      left join (select distinct on (account_number) account_number, payer_code from ledger_staging
                  where payer_code is not null order by account_number, posted_at, line) fp on fp.account_number = f.account_number
      left join payer p on p.tenant_id = ${tenantId} and p.code = fp.payer_code
    on conflict (tenant_id, account_number) do nothing`);

  // The batch's accounts, resolved once per distinct account number by index probes (LATERAL …
  // LIMIT 1 cannot become a hash join): during a bulk load the account table's statistics lag far
  // behind its size, and a hash over every account of the tenant per batch made imports slow down
  // as they grew. Every later statement joins this small analyzed table instead of account.
  await db.affected(sql`
    create temp table if not exists staging_account (
      account_number text primary key, id uuid not null, patient_id text not null, guarantor_id text not null,
      primary_payer_id uuid) on commit drop`);
  await db.affected(sql`truncate staging_account`);
  await db.affected(sql`
    insert into staging_account (account_number, id, patient_id, guarantor_id, primary_payer_id)
    select s.account_number, a.id, a.patient_id, a.guarantor_id, a.primary_payer_id
      from (select distinct account_number from ledger_staging) s
      cross join lateral (select id, patient_id, guarantor_id, primary_payer_id from account a
                           where a.tenant_id = ${tenantId} and a.account_number = s.account_number limit 1) a`);
  await db.affected(sql`analyze staging_account`);

  const mismatch = await db.one<{ line: number; account_number: string; field: string }>(sql`
    select s.line, s.account_number,
           case when a.patient_id <> s.patient_id then 'patientId' else 'guarantorId' end as field
    from ledger_staging s
    join staging_account a on a.account_number = s.account_number
    where a.patient_id <> s.patient_id or (s.guarantor_given and a.guarantor_id <> s.guarantor_id)
    order by s.line limit 1`);
  if (mismatch) {
    throw new ConflictError(
      `${label(mismatch.line)}.${mismatch.field}: account "${mismatch.account_number}" belongs to another ${mismatch.field === 'patientId' ? 'patient' : 'guarantor'}`,
      { field: `${label(mismatch.line)}.${mismatch.field}` },
    );
  }

  // Insert in posting order so that ids break posted_at ties the way the entries were given.
  const inserted = await db.one<{ posted: number }>(sql`
    with src as (
      select distinct on (external_id) * from ledger_staging order by external_id, line
    ), ins as (
      insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, service_date,
                                payer_id, claim_number, reference, reason_code, content_hash)
      select ${tenantId}, a.id, src.external_id, src.kind, src.amount, src.posted_at, src.service_date,
             p.id, src.claim_number, src.reference, src.reason_code, src.content_hash
      from src
      join staging_account a on a.account_number = src.account_number
      left join payer p on p.tenant_id = ${tenantId} and p.code = src.payer_code
      order by src.posted_at, src.line
      on conflict (tenant_id, external_id) do nothing
      returning 1
    )
    select count(*)::integer as posted from ins`);

  // Accounts that existed before this batch without a payer take their first payer now.
  await db.affected(sql`
    update account a set primary_payer_id = p.id
      from (select distinct on (account_number) account_number, payer_code from ledger_staging
             where payer_code is not null order by account_number, posted_at, line) f
      join staging_account sa on sa.account_number = f.account_number and sa.primary_payer_id is null
      join payer p on p.tenant_id = ${tenantId} and p.code = f.payer_code
     where a.id = sa.id and a.primary_payer_id is null`);

  // Checked after the insert, so that a concurrent batch that won the race is compared too. When
  // every distinct external id of the batch was inserted here, there is nothing to compare.
  const counts = await db.one<{ total: number; distinct: number }>(
    sql`select count(*)::integer as total, count(distinct external_id)::integer as distinct from ledger_staging`,
  );
  const posted = inserted?.posted ?? 0;
  if (posted < (counts?.distinct ?? 0)) {
    const replay = await db.one<{ line: number; external_id: string }>(sql`
      select s.line, s.external_id from ledger_staging s
      cross join lateral (select e.content_hash from ledger_entry e
                           where e.tenant_id = ${tenantId} and e.external_id = s.external_id limit 1) e
      where e.content_hash <> s.content_hash
      order by s.line limit 1`);
    if (replay) {
      throw new ConflictError(
        `${label(replay.line)}.externalId: "${replay.external_id}" was already posted with different content`,
        { field: `${label(replay.line)}.externalId`, externalId: replay.external_id },
      );
    }
  }
  return { posted, skippedDuplicates: (counts?.total ?? 0) - posted };
}
