import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation.js';

/**
 * Daily KPI snapshots for trends: one row per tenant, day and group (the tenant as a whole, each
 * payer, payer kind and root cause). Rows hold numerators and denominators, never ratios, so a trend
 * over any period recomputes its shares from the same counts and amounts. A day written again
 * replaces its rows (upsert on the primary key), so the job and the backfill are safe to rerun.
 */
export class Migration20261201300000_kpi_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table kpi_snapshot (
        tenant_id text not null references tenant (id),
        snapshot_date date not null,
        group_by text not null check (group_by in ('NONE','PAYER','PAYER_KIND','ROOT_CAUSE')),
        group_key text not null check (length(group_key) between 1 and 64),
        as_of timestamptz not null,
        -- Gross A/R of the group's accounts (by primary payer); null for root causes.
        accounts_receivable numeric(14,2),
        credit_count integer not null,
        credit_total numeric(14,2) not null,
        over90_count integer not null,
        over90_amount numeric(14,2) not null,
        past_due_count integer not null,
        past_due_amount numeric(14,2) not null,
        days_0_30_count integer not null,
        days_0_30_amount numeric(14,2) not null,
        days_31_60_count integer not null,
        days_31_60_amount numeric(14,2) not null,
        days_61_90_count integer not null,
        days_61_90_amount numeric(14,2) not null,
        days_over_90_count integer not null,
        days_over_90_amount numeric(14,2) not null,
        resolved_count integer not null,
        resolved_on_time integer not null,
        turnaround_mean_hours double precision,
        turnaround_median_hours double precision,
        turnaround_p90_hours double precision,
        inflow_count integer not null,
        inflow_amount numeric(14,2) not null,
        outflow_count integer not null,
        outflow_amount numeric(14,2) not null,
        computed_at timestamptz not null,
        primary key (tenant_id, group_by, snapshot_date, group_key)
      );
    `);
    this.addSql(tenantIsolation('kpi_snapshot'));

    // The daily snapshot job visits every tenant; like unfinished_job_runs it sees across tenants
    // through one SECURITY DEFINER function that returns ids only.
    this.addSql(`
      create function snapshot_tenant_ids()
        returns table (tenant_id text)
        language sql stable security definer set search_path = public as $$
          select id from tenant order by id
        $$;
      revoke all on function snapshot_tenant_ids() from public;
    `);
  }
}
