import { Migration } from '@mikro-orm/migrations';
import { appendOnly, tenantIsolation } from './tenant-isolation.js';

/** Tables that carry a tenant_id and are isolated by row-level security. */
export const TENANT_TABLES = ['payer', 'account', 'ledger_entry', 'account_balance', 'credit', 'job_run'] as const;

/**
 * Foundation schema: tenants, payers, accounts, the append-only ledger with its maintained
 * per-account balance, credits and job runs. Every tenant table has FORCE ROW LEVEL SECURITY
 * keyed on the transaction-local setting app.tenant_id.
 */
export class Migration20261122000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenant (
        id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        name text not null,
        created_at timestamptz not null default now()
      );

      create table payer (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        code text not null check (length(code) between 1 and 64),
        name text not null check (length(name) between 1 and 200),
        kind text not null check (kind in ('MEDICARE','MEDICAID','COMMERCIAL','TRICARE','WORKERS_COMP','SELF_PAY','OTHER')),
        refund_deadline_days integer not null check (refund_deadline_days between 1 and 3650),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint payer_tenant_id_code_unique unique (tenant_id, code),
        constraint payer_tenant_id_id_unique unique (tenant_id, id)
      );

      create table account (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        account_number text not null check (length(account_number) between 1 and 64),
        patient_id text not null check (length(patient_id) between 1 and 64),
        guarantor_id text not null check (length(guarantor_id) between 1 and 64),
        primary_payer_id uuid,
        created_at timestamptz not null default now(),
        constraint account_tenant_id_account_number_unique unique (tenant_id, account_number),
        constraint account_tenant_id_id_unique unique (tenant_id, id),
        constraint account_primary_payer_fk foreign key (tenant_id, primary_payer_id) references payer (tenant_id, id)
      );
      create index account_tenant_id_guarantor_id_index on account (tenant_id, guarantor_id);
      create index account_tenant_id_patient_id_index on account (tenant_id, patient_id);

      create table ledger_entry (
        id bigint generated always as identity primary key,
        tenant_id text not null,
        account_id uuid not null,
        external_id text not null check (length(external_id) between 1 and 128),
        kind text not null check (kind in ('CHARGE','PAYMENT','ADJUSTMENT','REFUND','TRANSFER')),
        amount numeric(14,2) not null,
        posted_at timestamptz not null,
        service_date date,
        payer_id uuid,
        claim_number text,
        reference text,
        reason_code text,
        content_hash text not null,
        created_at timestamptz not null default now(),
        constraint ledger_entry_tenant_id_external_id_unique unique (tenant_id, external_id),
        -- Composite keys: one check per row proves both that the account exists and that it is the
        -- entry's own tenant's (and the same for the payer), at a third of three separate checks' cost.
        constraint ledger_entry_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id),
        constraint ledger_entry_payer_fk foreign key (tenant_id, payer_id) references payer (tenant_id, id)
      );
      create index ledger_entry_account_id_posted_at_id_index on ledger_entry (account_id, posted_at, id);

      create table account_balance (
        account_id uuid primary key,
        tenant_id text not null,
        balance numeric(14,2) not null,
        entry_count integer not null,
        last_posted_at timestamptz not null,
        constraint account_balance_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id)
      );
      create index account_balance_negative_index on account_balance (tenant_id, account_id) where balance < 0;

      create table credit (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        account_id uuid not null,
        amount numeric(14,2) not null check (amount >= 0),
        original_amount numeric(14,2) not null check (original_amount > 0),
        status text not null check (status in ('OPEN','IN_REVIEW','PENDING_APPROVAL','RESOLVED','CLOSED')),
        root_cause text not null check (root_cause in ('DUPLICATE_PAYMENT','PAYER_OVERPAYMENT','COB_ERROR','PATIENT_OVERPAYMENT','INCORRECT_ADJUSTMENT','POSTING_ERROR','UNDETERMINED')),
        refund_payer_id uuid,
        originated_at timestamptz not null,
        identified_at timestamptz not null,
        sla_due_at timestamptz not null,
        resolution text check (resolution in ('REFUND','ADJUSTMENT','TRANSFER','OFFSET','AUTO_ADJUSTMENT')),
        resolved_at timestamptz,
        closed_at timestamptz,
        detection_run_id uuid,
        updated_at timestamptz not null default now(),
        constraint credit_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id),
        constraint credit_refund_payer_fk foreign key (tenant_id, refund_payer_id) references payer (tenant_id, id)
      );
      create unique index credit_one_active_per_account on credit (account_id)
        where status in ('OPEN','IN_REVIEW','PENDING_APPROVAL');
      create index credit_tenant_id_status_originated_at_id_index on credit (tenant_id, status, originated_at, id);
      create index credit_active_originated_index on credit (tenant_id, originated_at, id)
        where status in ('OPEN','IN_REVIEW','PENDING_APPROVAL');
      create index credit_tenant_id_resolved_at_index on credit (tenant_id, resolved_at) where resolved_at is not null;

      create table job_run (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        kind text not null,
        state text not null check (state in ('QUEUED','RUNNING','COMPLETED','FAILED')),
        processed integer not null default 0,
        total integer,
        input jsonb not null,
        result jsonb,
        error text,
        idempotency_key text,
        requested_by text not null,
        attempts integer not null default 0,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        constraint job_run_tenant_id_kind_idempotency_key_unique unique (tenant_id, kind, idempotency_key)
      );
      create index job_run_unfinished_index on job_run (created_at) where state in ('QUEUED','RUNNING');
    `);

    // The ledger is append-only for everyone, the owner included: corrections are new entries.
    this.addSql(appendOnly('ledger_entry', 'ledger_entry is append-only: post a correcting entry instead'));

    // account_balance follows the ledger inside the posting transaction, one statement per insert
    // (set-based through the transition table, so a 5,000-entry batch or a COPY costs one upsert).
    this.addSql(`
      create function ledger_entry_apply_balance() returns trigger language plpgsql as $$
      begin
        insert into account_balance as b (account_id, tenant_id, balance, entry_count, last_posted_at)
        select account_id, tenant_id, sum(amount), count(*), max(posted_at)
          from new_entries group by account_id, tenant_id
        on conflict (account_id) do update
          set balance = b.balance + excluded.balance,
              entry_count = b.entry_count + excluded.entry_count,
              last_posted_at = greatest(b.last_posted_at, excluded.last_posted_at);
        return null;
      end $$;
      create trigger ledger_entry_balance after insert on ledger_entry
        referencing new table as new_entries
        for each statement execute function ledger_entry_apply_balance();
    `);

    // Workers re-queue runs a crash left behind; they need the ids across tenants and nothing else.
    this.addSql(`
      create function unfinished_job_runs(older_than interval)
        returns table (tenant_id text, id uuid, kind text)
        language sql stable security definer set search_path = public as $$
          select tenant_id, id, kind from job_run
           where state in ('QUEUED', 'RUNNING') and created_at < now() - older_than
        $$;
      revoke all on function unfinished_job_runs(interval) from public;
    `);

    // Row-level security: a row is visible and writable only inside a transaction whose
    // app.tenant_id names its tenant. Unset (or empty) matches nothing.
    this.addSql(tenantIsolation('tenant', 'id'));
    for (const table of TENANT_TABLES) this.addSql(tenantIsolation(table));
  }
}
