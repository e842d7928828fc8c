import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/**
 * Performance at 1M accounts:
 *  - `account_receivable`: the tenant's gross A/R (sum of positive account balances), kept by the
 *    same statement-level trigger that keeps `account_balance`, so `creditKpis` reads a few rows
 *    instead of summing a million. Spread over 16 slots picked by backend pid: a posting adds its
 *    delta to one slot, so concurrent posting transactions of a tenant rarely wait on each other's
 *    row lock (a single row per tenant would serialize them until commit). A/R = sum of the slots.
 *  - covering partial indexes for the open-credit aggregates (aging buckets) and the SLA window, so
 *    both are index-only scans.
 */
export class Migration20261201400000_performance extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table account_receivable (
        tenant_id text not null references tenant (id),
        slot smallint not null check (slot between 0 and 15),
        receivable numeric(16,2) not null,
        primary key (tenant_id, slot)
      );
      insert into account_receivable (tenant_id, slot, receivable)
      select tenant_id, 0, coalesce(sum(balance) filter (where balance > 0), 0) from account_balance group by tenant_id;

      create or replace function ledger_entry_apply_balance() returns trigger language plpgsql as $$
      begin
        -- The A/R delta of an account is max(new balance, 0) - max(old balance, 0), and the old
        -- balance is the new one minus what this statement posted: no read before the upsert.
        with posted as (
          select account_id, tenant_id, sum(amount) as amount, count(*) as n, max(posted_at) as last_posted_at
            from new_entries group by account_id, tenant_id
        ), balances as (
          insert into account_balance as b (account_id, tenant_id, balance, entry_count, last_posted_at)
          select account_id, tenant_id, amount, n, last_posted_at from posted
          on conflict (account_id) do update
            set balance = b.balance + excluded.balance,
                entry_count = b.entry_count + excluded.entry_count,
                last_posted_at = greatest(b.last_posted_at, excluded.last_posted_at)
          returning b.account_id, b.tenant_id, b.balance
        ), delta as (
          select b.tenant_id, sum(greatest(b.balance, 0) - greatest(b.balance - p.amount, 0)) as receivable
            from balances b join posted p on p.account_id = b.account_id
           group by b.tenant_id
        )
        insert into account_receivable as r (tenant_id, slot, receivable)
        select tenant_id, pg_backend_pid() % 16, receivable from delta where receivable <> 0
        on conflict (tenant_id, slot) do update set receivable = r.receivable + excluded.receivable;
        return null;
      end $$;

      drop index credit_tenant_id_resolved_at_index;
      create index credit_tenant_id_resolved_at_index on credit (tenant_id, resolved_at) include (sla_due_at, refund_payer_id)
        where resolved_at is not null;
      drop index credit_active_originated_index;
      create index credit_active_originated_index on credit (tenant_id, originated_at, id) include (amount, refund_payer_id)
        where status in ('OPEN','IN_REVIEW','PENDING_APPROVAL');
    `);
    this.addSql(tenantIsolation('account_receivable'));
  }
}
