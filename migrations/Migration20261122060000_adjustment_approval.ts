import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/** Adjustments at or above a tenant threshold wait for an approver, like refunds. */
export class Migration20261122060000_adjustment_approval extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table tenant_policy
        add column adjustment_approval_threshold numeric(14,2) not null default 1000.00 check (adjustment_approval_threshold > 0);

      create table adjustment_request (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        credit_id uuid not null,
        amount numeric(14,2) not null check (amount > 0),
        reason text not null,
        idempotency_key text,
        status text not null check (status in ('REQUESTED', 'APPROVED', 'REJECTED')),
        requested_by text not null,
        approved_by text,
        rejected_by text,
        rejection_reason text,
        created_at timestamptz not null default now(),
        decided_at timestamptz,
        constraint adjustment_request_credit_fk foreign key (tenant_id, credit_id) references credit (tenant_id, id),
        constraint adjustment_request_key_unique unique (tenant_id, credit_id, idempotency_key)
      );
      create index adjustment_request_credit_index on adjustment_request (credit_id, created_at);
    `);
    this.addSql(tenantIsolation('adjustment_request'));
  }
}
