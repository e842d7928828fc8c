import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { COPY_CHUNK_CHARS, copyLine } from '../../infra/db/copy-text.js';
import { ConflictError } from '../errors.js';
import type { StagedEntry } from './ledger-entry-validation.js';
import type { ApplyResult, LineLabel } from './ledger-staging.js';

/**
 * An entry whose account and payer a caller has already resolved inside the same transaction and
 * tenant (the ERA import matches claims to accounts and maps the 835 payer to a tenant payer before it
 * builds entries): it needs none of the staging path's checks, which exist to resolve and validate
 * account numbers and payer codes a client sent.
 */
export interface ResolvedEntry extends Omit<StagedEntry, 'line'> {
  accountId: string;
  payerId: string | null;
}

/** Entries per INSERT: the balance trigger runs once per statement; each chunk is sorted in memory. */
const CHUNK = 25_000;

/**
 * Memory for the chunk's INSERT: its sort by `at` and the trigger's transition table (both ~6 MB
 * per 25,000 entries) spill to temporary files under the default 4 MB. Set for that statement only.
 */
const INSERT_WORK_MEM = '32MB';

const COPY = 'copy ledger_resolved (at, account_id, external_id, kind, amount, posted_at, service_date, payer_id, claim_number, reference, reason_code, content_hash) from stdin';

const COLUMNS = sql`tenant_id, account_id, external_id, kind, amount, posted_at, service_date, payer_id, claim_number, reference, reason_code, content_hash`;

export interface ResolvedPostOptions {
  /**
   * Accounts known to have a primary payer already: they are left out of the statement that gives
   * accounts without one the payer of their first entry (it would change none of them).
   */
  accountsWithPrimaryPayer?: ReadonlySet<string>;
}

/**
 * Posts resolved entries straight into the ledger, with the same idempotency as `applyStagedEntries`:
 * the unique (tenant_id, external_id) index turns a replay into a no-op, and an external id found
 * with another content hash (posted earlier, or twice in this call) is a CONFLICT naming its entry.
 * Entries go in posting order (posted_at, then given order), so ids break ties as the entries came.
 * Accounts without a primary payer take the payer of their first entry, as on the staging path.
 * Each chunk is COPYed into a transaction-local table and inserted from there.
 */
export async function postResolvedEntries(
  db: SqlRunner,
  tenantId: string,
  entries: readonly ResolvedEntry[],
  label: LineLabel,
  options: ResolvedPostOptions = {},
): Promise<ApplyResult> {
  const order = entries.map((_, i) => i).sort((a, b) => compare(entries[a]!.postedAt, entries[b]!.postedAt) || a - b);
  await db.affected(sql`
    create temp table if not exists ledger_resolved (
      at integer not null, account_id uuid not null, external_id text not null, kind text not null, amount numeric(14,2) not null,
      posted_at timestamptz not null, service_date date, payer_id uuid, claim_number text, reference text, reason_code text,
      content_hash text not null
    ) on commit drop`);
  let posted = 0;
  for (let from = 0; from < order.length; from += CHUNK) {
    const lines = order.slice(from, from + CHUNK);
    await db.affected(sql`truncate ledger_resolved`);
    await db.copyIn(COPY, chunkText(entries, lines));
    const workMem = await db.one<{ previous: string }>(sql`
      select current_setting('work_mem') as previous, set_config('work_mem', ${INSERT_WORK_MEM}, true)`);
    let chunkPosted = await insertNew(db, tenantId, entries, lines);
    if (chunkPosted === 0) chunkPosted = await insertSkippingReplays(db, tenantId);
    await db.one(sql`select set_config('work_mem', ${workMem!.previous}, true)`);
    posted += chunkPosted;
    // Every entry inserted: nothing was there before, nothing to compare.
    if (chunkPosted < lines.length) await refuseReplays(db, tenantId, lines, label);
  }
  const first = firstPayers(order.map((i) => entries[i]!), options.accountsWithPrimaryPayer);
  await assignPrimaryPayers(db, first);
  return { posted, skippedDuplicates: entries.length - posted };
}

/**
 * The chunk inserted with a plain INSERT when the ledger holds no external id between the chunk's
 * least and greatest (one index range probe: the usual case, a remittance posted for the first
 * time), else nothing (0). Without ON CONFLICT each row spares a probe of the unique index, ~15%
 * of the statement. The INSERT runs under a savepoint: a row another transaction inserted meanwhile
 * (or an id given twice in this chunk) raises a unique violation, and the chunk then takes the
 * ON CONFLICT path like any chunk whose range was not empty.
 */
async function insertNew(db: SqlRunner, tenantId: string, entries: readonly ResolvedEntry[], lines: readonly number[]): Promise<number> {
  let [least, greatest] = [entries[lines[0]!]!.externalId, entries[lines[0]!]!.externalId];
  for (const i of lines) {
    const id = entries[i]!.externalId;
    if (id < least) least = id;
    else if (id > greatest) greatest = id;
  }
  await db.affected(sql`savepoint ledger_resolved_new`);
  try {
    const inserted = await db.affected(sql`
      insert into ledger_entry (${COLUMNS})
      select ${tenantId}, account_id, external_id, kind, amount, posted_at, service_date, payer_id, claim_number, reference, reason_code, content_hash
        from ledger_resolved
       where not exists (select 1 from ledger_entry e where e.tenant_id = ${tenantId} and e.external_id between ${least} and ${greatest})
       order by at`);
    await db.affected(sql`release savepoint ledger_resolved_new`);
    return inserted;
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await db.affected(sql`rollback to savepoint ledger_resolved_new`);
    await db.affected(sql`release savepoint ledger_resolved_new`);
    return 0;
  }
}

const UNIQUE_VIOLATION = '23505';

/** The chunk inserted but for the external ids the ledger already holds. */
async function insertSkippingReplays(db: SqlRunner, tenantId: string): Promise<number> {
  const inserted = await db.one<{ posted: number }>(sql`
    with ins as (
      insert into ledger_entry (${COLUMNS})
      select ${tenantId}, account_id, external_id, kind, amount, posted_at, service_date, payer_id, claim_number, reference, reason_code, content_hash
        from ledger_resolved order by at
      on conflict (tenant_id, external_id) do nothing
      returning 1
    )
    select count(*)::integer as posted from ins`);
  return inserted?.posted ?? 0;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The chunk's entries as COPY text, `at` numbering them in posting order. */
function chunkText(entries: readonly ResolvedEntry[], lines: readonly number[]): string[] {
  const chunks: string[] = [];
  let text = '';
  lines.forEach((i, at) => {
    const e = entries[i]!;
    text += copyLine([
      at, e.accountId, e.externalId, e.kind, e.amount, e.postedAt, e.serviceDate, e.payerId, e.claimNumber, e.reference, e.reasonCode, e.contentHash,
    ]);
    if (text.length >= COPY_CHUNK_CHARS) [chunks[chunks.length], text] = [text, ''];
  });
  if (text) chunks.push(text);
  return chunks;
}

/** The first entry of the chunk (posting order) whose external id the ledger holds with another content. */
async function refuseReplays(db: SqlRunner, tenantId: string, lines: readonly number[], label: LineLabel): Promise<void> {
  const replay = await db.one<{ at: number; external_id: string }>(sql`
    select s.at, s.external_id from ledger_resolved s
      join ledger_entry e on e.tenant_id = ${tenantId} and e.external_id = s.external_id
     where e.content_hash <> s.content_hash
     order by s.at limit 1`);
  if (!replay) return;
  const line = lines[replay.at]!;
  throw new ConflictError(`${label(line)}.externalId: "${replay.external_id}" was already posted with different content`, {
    field: `${label(line)}.externalId`,
    externalId: replay.external_id,
  });
}

/** The payer of each account's first entry (entries in posting order), but for accounts known to have one. */
function firstPayers(ordered: readonly ResolvedEntry[], skip?: ReadonlySet<string>): Map<string, string> {
  const first = new Map<string, string>();
  for (const e of ordered) if (e.payerId && !first.has(e.accountId) && !skip?.has(e.accountId)) first.set(e.accountId, e.payerId);
  return first;
}

/** Accounts with no primary payer yet take the payer of their first entry. */
async function assignPrimaryPayers(db: SqlRunner, first: ReadonlyMap<string, string>): Promise<void> {
  if (!first.size) return;
  await db.affected(sql`
    update account a set primary_payer_id = f.payer_id
      from unnest(${[...first.keys()]}::uuid[], ${[...first.values()]}::uuid[]) as f(account_id, payer_id)
     where a.id = f.account_id and a.primary_payer_id is null`);
}
