import { Migration } from '@mikro-orm/migrations';
import { appendOnly, tenantIsolation } from './tenant-isolation.js';

/**
 * ERA (X12 835) remittances: the uploaded file (raw text staged here, never in Redis), one row per
 * transaction set, its claims, service lines, CAS adjustments and PLB provider-level adjustments.
 * Claims, lines and adjustments are append-only records of what the payer sent; the file and set
 * rows change state (STAGED → IMPORTED, PAYER_UNMAPPED → ACCEPTED on a later import).
 */
export class Migration20261201100000_remittances extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table remittance_file (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        content_hash text not null,
        file_name text not null check (length(file_name) between 1 and 255),
        byte_size integer not null check (byte_size >= 0),
        content text not null,
        status text not null check (status in ('STAGED', 'IMPORTED')),
        issues jsonb not null default '[]',
        import_run_id uuid,
        created_at timestamptz not null default now(),
        imported_at timestamptz,
        constraint remittance_file_hash_unique unique (tenant_id, content_hash),
        constraint remittance_file_tenant_id_id_unique unique (tenant_id, id)
      );

      create table remittance (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null,
        file_id uuid not null,
        set_index integer not null,
        control_number text,
        status text not null check (status in ('ACCEPTED', 'REJECTED', 'PAYER_UNMAPPED', 'DUPLICATE')),
        payer_id uuid,
        payer_name text,
        payer_identifier text,
        trace_number text,
        handling_code text,
        payment_amount numeric(14,2),
        credit_debit text,
        payment_method text,
        payment_date date,
        errors jsonb not null default '[]',
        warnings jsonb not null default '[]',
        created_at timestamptz not null default now(),
        constraint remittance_file_fk foreign key (tenant_id, file_id) references remittance_file (tenant_id, id),
        constraint remittance_payer_fk foreign key (tenant_id, payer_id) references payer (tenant_id, id),
        constraint remittance_tenant_id_id_unique unique (tenant_id, id),
        constraint remittance_file_set_unique unique (tenant_id, file_id, set_index)
      );
      -- The payment key: one accepted remittance per payer and TRN trace, whatever file carried it.
      create unique index remittance_payer_trace_unique on remittance (tenant_id, payer_id, trace_number)
        where status = 'ACCEPTED';

      create table remittance_claim (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null,
        remittance_id uuid not null,
        claim_index integer not null,
        patient_control_number text not null,
        payer_claim_number text,
        status_code text not null,
        charge_amount numeric(14,2) not null,
        paid_amount numeric(14,2) not null,
        patient_responsibility numeric(14,2),
        account_id uuid,
        outcome text not null check (outcome in ('POSTED', 'REVERSED', 'DENIED', 'UNMATCHED')),
        entry_count integer not null default 0,
        created_at timestamptz not null default now(),
        constraint remittance_claim_remittance_fk foreign key (tenant_id, remittance_id) references remittance (tenant_id, id),
        constraint remittance_claim_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id),
        constraint remittance_claim_tenant_id_id_unique unique (tenant_id, id),
        constraint remittance_claim_index_unique unique (remittance_id, claim_index)
      );
      create index remittance_claim_account_index on remittance_claim (tenant_id, account_id);
      create index remittance_claim_pcn_index on remittance_claim (tenant_id, patient_control_number);
      create index remittance_claim_payer_claim_index on remittance_claim (tenant_id, payer_claim_number);

      create table remittance_service_line (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null,
        claim_id uuid not null,
        line_index integer not null,
        procedure_qualifier text,
        procedure_code text,
        modifiers text,
        charge_amount numeric(14,2) not null,
        paid_amount numeric(14,2) not null,
        units text,
        service_date date,
        constraint remittance_service_line_claim_fk foreign key (tenant_id, claim_id) references remittance_claim (tenant_id, id),
        constraint remittance_service_line_unique unique (claim_id, line_index)
      );

      -- CAS triplets, flattened. line_index null: a claim-level adjustment.
      create table remittance_adjustment (
        id bigint generated always as identity primary key,
        tenant_id text not null,
        claim_id uuid not null,
        line_index integer,
        seq integer not null,
        group_code text not null,
        reason_code text not null,
        amount numeric(14,2) not null,
        quantity text,
        constraint remittance_adjustment_claim_fk foreign key (tenant_id, claim_id) references remittance_claim (tenant_id, id)
      );
      create index remittance_adjustment_claim_index on remittance_adjustment (claim_id);

      -- PLB: provider-level adjustments, kept on the remittance, never posted to an account.
      create table remittance_provider_adjustment (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null,
        remittance_id uuid not null,
        seq integer not null,
        provider_id text not null,
        fiscal_period_date date,
        reason_code text not null,
        reference text,
        amount numeric(14,2) not null,
        matched_claim_id uuid,
        matched_account_id uuid,
        matched_credit_id uuid,
        constraint remittance_provider_adjustment_remittance_fk foreign key (tenant_id, remittance_id) references remittance (tenant_id, id),
        constraint remittance_provider_adjustment_claim_fk foreign key (tenant_id, matched_claim_id) references remittance_claim (tenant_id, id),
        constraint remittance_provider_adjustment_account_fk foreign key (tenant_id, matched_account_id) references account (tenant_id, id),
        constraint remittance_provider_adjustment_credit_fk foreign key (tenant_id, matched_credit_id) references credit (tenant_id, id),
        constraint remittance_provider_adjustment_unique unique (remittance_id, seq)
      );

      -- Reconciliation joins ledger payments to remittance claims by account and claim number.
      create index if not exists ledger_entry_claim_number_index on ledger_entry (tenant_id, account_id, claim_number)
        where claim_number is not null;
    `);
    for (const table of ['remittance_file', 'remittance', 'remittance_claim', 'remittance_service_line', 'remittance_adjustment', 'remittance_provider_adjustment']) {
      this.addSql(tenantIsolation(table));
    }
    this.addSql(appendOnly('remittance_service_line', 'remittance service lines are append-only'));
    this.addSql(appendOnly('remittance_adjustment', 'remittance adjustments are append-only'));
  }
}
