import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/**
 * Classification (root cause with evidence, owner portions, complexity, the deadline's reason and
 * its suspension), tenant deadline policies, and worklists with their placement and assignment.
 */
export class Migration20261122020000_classification_worklists extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenant_policy (
        tenant_id text primary key references tenant (id),
        high_value_threshold numeric(14,2) not null default 1000.00 check (high_value_threshold > 0),
        high_value_days integer not null default 10 check (high_value_days between 1 and 3650),
        patient_refund_days integer not null default 60 check (patient_refund_days between 1 and 3650),
        low_complexity_days integer not null default 30 check (low_complexity_days between 1 and 3650),
        medium_complexity_days integer not null default 45 check (medium_complexity_days between 1 and 3650),
        high_complexity_days integer not null default 60 check (high_complexity_days between 1 and 3650),
        max_suspension_days integer not null default 180 check (max_suspension_days between 0 and 3650),
        updated_at timestamptz not null default now()
      );

      create table worklist (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        name text not null check (length(name) between 1 and 120),
        priority integer not null,
        payer_codes text[],
        payer_kinds text[],
        aging_buckets text[],
        dollar_tiers text[],
        complexities text[],
        root_causes text[],
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint worklist_tenant_id_name_unique unique (tenant_id, name),
        constraint worklist_tenant_id_id_unique unique (tenant_id, id)
      );
      create unique index worklist_one_default_per_tenant on worklist (tenant_id) where is_default;

      alter table credit
        add column root_cause_explanation text,
        add column findings jsonb not null default '[]',
        add column owner_portions jsonb not null default '[]',
        add column complexity text check (complexity in ('LOW', 'MEDIUM', 'HIGH')),
        add column sla_reason text,
        add column classified_at timestamptz,
        add column deadline_suspended_days integer not null default 0 check (deadline_suspended_days >= 0),
        add column suspension_reason text,
        add column suspended_by text,
        add column suspended_at timestamptz,
        add column worklist_id uuid,
        add column assignee text,
        add column assigned_at timestamptz,
        add column review_started_at timestamptz,
        add constraint credit_worklist_fk foreign key (tenant_id, worklist_id) references worklist (tenant_id, id);
      create index credit_worklist_queue_index on credit (worklist_id, amount desc, sla_due_at, id)
        where status in ('OPEN', 'IN_REVIEW', 'PENDING_APPROVAL');
    `);
    for (const table of ['tenant_policy', 'worklist']) this.addSql(tenantIsolation(table));
  }
}
