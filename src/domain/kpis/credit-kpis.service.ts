import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import { Decimal, moneyFromDb, sumMoney } from '../money/money.js';
import type { PayerKind } from '../payers/payer-kind.js';
import { AGING_BUCKETS, AgingBucket, ageDaysSql, agingBucketSql } from '../credits/aging-bucket.js';
import { rollupKpisFrom, rollupKpisSql } from './credit-rollup.js';

export interface KpiQuery {
  asOf?: Date | null;
  payerCodes?: string[] | null;
  payerKinds?: PayerKind[] | null;
  since?: Date | null;
}

export interface AgingBucketKpi {
  bucket: AgingBucket;
  count: number;
  amount: Decimal;
}

export interface CreditKpis {
  asOf: Date;
  accountsReceivable: Decimal;
  creditBalanceTotal: Decimal;
  creditPercentOfAr: number;
  openCredits: number;
  over90Share: number;
  over90AmountShare: number;
  slaAdherence: number | null;
  agingBuckets: AgingBucketKpi[];
}

const SLA_WINDOW_DAYS = 90;
/** An asOf this close to now reads current state (maintained balances) rather than replaying the ledger. */
const CURRENT_TOLERANCE_MS = 60_000;

function ratio(numerator: Decimal, denominator: Decimal): number {
  return denominator.isZero() ? 0 : numerator.div(denominator).toNumber();
}

/**
 * The contract's credit KPIs, each one SQL aggregate. Definitions (README "KPIs"):
 * - accountsReceivable: gross A/R, the sum of positive account balances;
 * - creditBalanceTotal / openCredits: open credits (OPEN, IN_REVIEW, PENDING_APPROVAL);
 * - creditPercentOfAr: 100 × creditBalanceTotal ÷ accountsReceivable (0 when A/R is 0);
 * - over90Share / over90AmountShare: open credits aged over 90 days ÷ all open, by count / amount;
 * - slaAdherence: credits resolved in [since, asOf] by their slaDueAt ÷ credits resolved then.
 * Payer filters select credits by refund payer and A/R by the account's primary payer.
 */
export class CreditKpiService {
  async creditKpis(ctx: RequestContext, query: KpiQuery): Promise<CreditKpis> {
    const asOf = query.asOf ?? ctx.now;
    const since = query.since ?? new Date(asOf.getTime() - SLA_WINDOW_DAYS * 86_400_000);
    if (since > asOf) throw new BadInputError('filter.since', 'must not be after asOf');
    const historical = ctx.now.getTime() - asOf.getTime() > CURRENT_TOLERANCE_MS;
    const t = ctx.tenantId;
    const payerMatch = (payerId: RawBuilder<unknown>) => this.payerMatch(t, payerId, query);
    const filtered = Boolean(query.payerCodes?.length || query.payerKinds?.length);

    const arSql =
      historical
        ? sql`
          select coalesce(sum(balance) filter (where balance > 0), 0)::text as ar from (
            select e.account_id, sum(e.amount) as balance from ledger_entry e
              join account a on a.id = e.account_id
             where e.tenant_id = ${t} and e.posted_at <= ${asOf} and ${payerMatch(sql`a.primary_payer_id`)}
             group by e.account_id) b`
        : filtered
          ? sql`
          select coalesce(sum(b.balance) filter (where b.balance > 0), 0)::text as ar
            from account_balance b join account a on a.id = b.account_id
           where b.tenant_id = ${t} and ${payerMatch(sql`a.primary_payer_id`)}`
          : // Without payer filters: the tenant's A/R as the posting trigger keeps it (a few rows).
            sql`select coalesce(sum(receivable), 0)::text as ar from account_receivable where tenant_id = ${t}`;

    if (!historical) {
      // Now: the open credits and the SLA window from the maintained rollups (credit-rollup.ts).
      const row = await ctx.reads.one<{ open: Record<string, string | number | null> | null; ar: { ar: string } }>(sql`
        select (select row_to_json(o) from (${rollupKpisSql({ tenantId: t, asOf, since, key: sql`'ALL'`, payerConditions: this.payerConditions(query) })}) o) as open,
               (select row_to_json(a) from (${arSql}) a) as ar`);
      const open = row?.open ? rollupKpisFrom(row.open) : undefined;
      return this.assemble(
        asOf,
        moneyFromDb(row?.ar.ar),
        AGING_BUCKETS.map(({ bucket }) => open?.buckets.find((b) => b.bucket === bucket) ?? { bucket, count: 0, amount: new Decimal(0) }),
        { on_time: open?.resolvedOnTime ?? 0, resolved: open?.resolvedInWindow ?? 0 },
      );
    }

    // As of a past instant: the credits identified by then and not yet resolved then.
    const age = ageDaysSql(sql`c.originated_at`, asOf);
    const openWhere = sql`c.identified_at <= ${asOf} and (c.resolved_at is null or c.resolved_at > ${asOf}) and c.originated_at <= ${asOf}`;
    const amount = sql`case when c.resolved_at is null then c.amount else c.original_amount end`;
    const bucketsSql = sql`
      select ${agingBucketSql(age)} as bucket, count(*)::integer as n, sum(${amount})::text as amount
        from credit c
       where c.tenant_id = ${t} and ${openWhere} and ${payerMatch(sql`c.refund_payer_id`)}
       group by 1`;

    const slaSql = sql`
      select count(*) filter (where c.resolved_at <= c.sla_due_at)::integer as on_time, count(*)::integer as resolved
        from credit c
       where c.tenant_id = ${t} and c.resolved_at >= ${since} and c.resolved_at <= ${asOf}
         and ${payerMatch(sql`c.refund_payer_id`)}`;

    // One round trip for the three aggregates (amounts stay exact: text inside the JSON).
    const row = await ctx.reads.one<{ buckets: { bucket: AgingBucket; n: number; amount: string }[] | null; ar: { ar: string }; sla: { on_time: number; resolved: number } }>(sql`
      select (select json_agg(b) from (${bucketsSql}) b) as buckets,
             (select row_to_json(a) from (${arSql}) a) as ar,
             (select row_to_json(s) from (${slaSql}) s) as sla`);
    const buckets = AGING_BUCKETS.map(({ bucket }) => {
      const found = row?.buckets?.find((r) => r.bucket === bucket);
      return { bucket, count: found?.n ?? 0, amount: moneyFromDb(found?.amount) };
    });
    return this.assemble(asOf, moneyFromDb(row?.ar?.ar), buckets, row?.sla ?? { on_time: 0, resolved: 0 });
  }

  /** The KPIs from their parts: the open credits per aging bucket, A/R and the SLA window's counts. */
  private assemble(asOf: Date, accountsReceivable: Decimal, buckets: AgingBucketKpi[], sla: { on_time: number; resolved: number }): CreditKpis {
    const creditBalanceTotal = sumMoney(buckets.map((b) => b.amount));
    const openCredits = buckets.reduce((n, b) => n + b.count, 0);
    const over90 = buckets.find((b) => b.bucket === AgingBucket.DAYS_OVER_90)!;
    return {
      asOf,
      accountsReceivable,
      creditBalanceTotal,
      creditPercentOfAr: ratio(creditBalanceTotal.times(100), accountsReceivable),
      openCredits,
      over90Share: ratio(new Decimal(over90.count), new Decimal(openCredits)),
      over90AmountShare: ratio(over90.amount, creditBalanceTotal),
      slaAdherence: sla.resolved > 0 ? sla.on_time / sla.resolved : null,
      agingBuckets: buckets,
    };
  }

  /** The payer filters as conditions over the refund payer `p` (left-joined). */
  private payerConditions(query: KpiQuery): RawBuilder<unknown>[] {
    const conditions: RawBuilder<unknown>[] = [];
    if (query.payerCodes?.length) conditions.push(sql`p.code = any(${query.payerCodes}::text[])`);
    if (query.payerKinds?.length) conditions.push(sql`p.kind = any(${query.payerKinds}::text[])`);
    return conditions;
  }

  private payerMatch(tenantId: string, payerId: RawBuilder<unknown>, query: KpiQuery): RawBuilder<unknown> {
    const conditions = this.payerConditions(query);
    if (!conditions.length) return sql`true`;
    return sql`exists (select 1 from payer p where p.tenant_id = ${tenantId} and p.id = ${payerId} and ${sql.join(conditions, sql` and `)})`;
  }
}
