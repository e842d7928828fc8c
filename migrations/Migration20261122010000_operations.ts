import { Migration } from '@mikro-orm/migrations';

/**
 * Operations: an aggregate of open credits by aging bucket across tenants for /metrics. Like
 * unfinished_job_runs it is SECURITY DEFINER (it must see every tenant) and returns counts only.
 */
export class Migration20261122010000_operations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function open_credit_buckets()
        returns table (bucket text, credits bigint, amount numeric)
        language sql stable security definer set search_path = public as $$
          select case when age <= 30 then 'DAYS_0_30' when age <= 60 then 'DAYS_31_60'
                      when age <= 90 then 'DAYS_61_90' else 'DAYS_OVER_90' end,
                 count(*), sum(amount)
            from (select amount, floor(extract(epoch from (now() - originated_at)) / 86400) as age
                    from credit where status in ('OPEN', 'IN_REVIEW', 'PENDING_APPROVAL')) c
           group by 1
        $$;
      revoke all on function open_credit_buckets() from public;
    `);
  }
}
