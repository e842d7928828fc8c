import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/**
 * What the reports need beyond the ledger: the account's service location and the names and payer
 * member id (PHI) a CMS-838 or an unclaimed-property report prints; claim-level facts (type of bill,
 * admission/discharge dates, ICN) in a small `claim` table keyed by the ledger's claim number, since
 * one account may be billed under several claims. Escheatment becomes a resolution kind of its own,
 * and the tenant policy gains the unclaimed-property periods and the Medicare cost-report status.
 */
export class Migration20261201200000_account_details extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table account
        add column location text check (length(location) between 1 and 64),
        add column patient_name text check (length(patient_name) between 1 and 200),
        add column guarantor_name text check (length(guarantor_name) between 1 and 200),
        add column payer_member_id text check (length(payer_member_id) between 1 and 64),
        add column state text check (state ~ '^[A-Z]{2}$');
      create index account_tenant_id_location_index on account (tenant_id, location) where location is not null;

      create table claim (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        claim_number text not null check (length(claim_number) between 1 and 64),
        account_id uuid not null,
        type_of_bill text check (type_of_bill ~ '^[0-9]{3,4}$'),
        admission_date date,
        discharge_date date,
        icn text check (length(icn) between 1 and 64),
        updated_at timestamptz not null default now(),
        constraint claim_dates_ordered check (discharge_date is null or admission_date is null or discharge_date >= admission_date),
        constraint claim_tenant_id_claim_number_unique unique (tenant_id, claim_number),
        constraint claim_tenant_id_id_unique unique (tenant_id, id),
        constraint claim_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id)
      );
      create index claim_account_index on claim (tenant_id, account_id);

      alter table credit drop constraint credit_resolution_check;
      alter table credit add constraint credit_resolution_check
        check (resolution in ('REFUND','ADJUSTMENT','TRANSFER','OFFSET','AUTO_ADJUSTMENT','ESCHEATMENT'));

      alter table tenant_policy
        add column dormancy_years integer not null default 3 check (dormancy_years between 1 and 15),
        add column due_diligence_days integer not null default 60 check (due_diligence_days between 1 and 365),
        add column cost_report_closed_through date;

      create table unclaimed_property_rule (
        tenant_id text not null references tenant (id),
        state text not null check (state ~ '^[A-Z]{2}$'),
        dormancy_years integer not null check (dormancy_years between 1 and 15),
        due_diligence_days integer not null default 60 check (due_diligence_days between 1 and 365),
        primary key (tenant_id, state)
      );
    `);
    this.addSql(tenantIsolation('claim'));
    this.addSql(tenantIsolation('unclaimed_property_rule'));
  }
}
