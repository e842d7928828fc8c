import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/**
 * `credit_rollup`: counts and amounts of a tenant's credits per refund payer, kept by statement-level
 * triggers on `credit` in the same transaction as the change, so the current KPIs (`creditKpis`,
 * `kpis` by NONE/PAYER) sum a few hundred rows instead of scanning every open credit. One row per
 * (tenant, axis, day, payer, slot):
 *  - ANY (day null): every credit, whatever its status — which groups exist;
 *  - OPEN (day null): open credits (OPEN, IN_REVIEW, PENDING_APPROVAL), count and amount;
 *  - ORIGINATED: open credits per UTC day of `originated_at` (aging buckets, over 90 days);
 *  - SLA_DUE: open credits per UTC day of `sla_due_at` (past due);
 *  - RESOLVED: credits per UTC day of `resolved_at`, with how many were resolved by `sla_due_at`
 *    (`on_time`) and their original amount (SLA adherence).
 * A day cut by an as-of boundary is read from `credit` itself (src/domain/kpis/credit-rollup.ts).
 * Like `account_receivable`, a transaction adds to the slot of its backend (pid % 16), so a long
 * job (detection, auto-adjust) does not hold the row a concurrent request needs until it commits;
 * `foldCreditRollup` merges the slots back (daily KPI snapshot run).
 */
export class Migration20261202300000_credit_rollup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table credit_rollup (
        tenant_id text not null references tenant (id),
        axis text not null check (axis in ('ANY', 'OPEN', 'ORIGINATED', 'SLA_DUE', 'RESOLVED')),
        day date,
        refund_payer_id uuid,
        slot smallint not null check (slot between 0 and 15),
        credits integer not null,
        amount numeric(16,2) not null,
        on_time integer not null,
        constraint credit_rollup_key unique nulls not distinct (tenant_id, axis, day, refund_payer_id, slot),
        check ((day is null) = (axis in ('ANY', 'OPEN')))
      );

      -- The facts one credit row contributes, each signed (+1 a row as it is now, -1 as it was).
      create function credit_rollup_facts(status text, amount numeric, original_amount numeric, originated_at timestamptz,
                                          sla_due_at timestamptz, resolved_at timestamptz, sign integer)
        returns table (axis text, day date, credits integer, amount numeric, on_time integer)
        language sql immutable as $$
          select 'ANY', null::date, sign, 0::numeric, 0
          union all
          select f.axis, f.day, sign, sign * amount, 0
            from (values ('OPEN', null::date),
                         ('ORIGINATED', (originated_at at time zone 'UTC')::date),
                         ('SLA_DUE', (sla_due_at at time zone 'UTC')::date)) f (axis, day)
           where status in ('OPEN', 'IN_REVIEW', 'PENDING_APPROVAL')
          union all
          select 'RESOLVED', (resolved_at at time zone 'UTC')::date, sign, sign * original_amount,
                 case when resolved_at <= sla_due_at then sign else 0 end
           where resolved_at is not null
        $$;

      create function credit_rollup_apply() returns trigger language plpgsql as $$
      declare
        source text := case tg_op
          when 'INSERT' then 'select *, 1 as sign from new_rows'
          when 'DELETE' then 'select *, -1 as sign from old_rows'
          else 'select *, 1 as sign from new_rows union all select *, -1 from old_rows' end;
      begin
        -- Net change per key; unchanged keys (e.g. a worklist move) write nothing. Rows go in key
        -- order so two statements upserting overlapping keys lock them in the same order.
        execute format($q$
          insert into credit_rollup as r (tenant_id, axis, day, refund_payer_id, slot, credits, amount, on_time)
          select s.tenant_id, f.axis, f.day, s.refund_payer_id, pg_backend_pid() %% 16,
                 sum(f.credits), sum(f.amount), sum(f.on_time)
            from (%s) s,
                 credit_rollup_facts(s.status, s.amount, s.original_amount, s.originated_at, s.sla_due_at, s.resolved_at, s.sign) f
           group by 1, 2, 3, 4
          having sum(f.credits) <> 0 or sum(f.amount) <> 0 or sum(f.on_time) <> 0
           order by 1, 2, 3, 4
          on conflict (tenant_id, axis, day, refund_payer_id, slot) do update
            set credits = r.credits + excluded.credits, amount = r.amount + excluded.amount, on_time = r.on_time + excluded.on_time
        $q$, source);
        return null;
      end $$;

      create trigger credit_rollup_insert after insert on credit
        referencing new table as new_rows for each statement execute function credit_rollup_apply();
      create trigger credit_rollup_update after update on credit
        referencing old table as old_rows new table as new_rows for each statement execute function credit_rollup_apply();
      create trigger credit_rollup_delete after delete on credit
        referencing old table as old_rows for each statement execute function credit_rollup_apply();

      insert into credit_rollup (tenant_id, axis, day, refund_payer_id, slot, credits, amount, on_time)
      select c.tenant_id, f.axis, f.day, c.refund_payer_id, 0, sum(f.credits), sum(f.amount), sum(f.on_time)
        from credit c,
             credit_rollup_facts(c.status, c.amount, c.original_amount, c.originated_at, c.sla_due_at, c.resolved_at, 1) f
       group by 1, 2, 3, 4;

      -- The as-of boundary day of "past due" is read from the credits due that day.
      create index credit_active_sla_due_index on credit (tenant_id, sla_due_at) include (amount, refund_payer_id)
        where status in ('OPEN','IN_REVIEW','PENDING_APPROVAL');
    `);
    this.addSql(tenantIsolation('credit_rollup'));
  }
}
