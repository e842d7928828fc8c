import { sql } from 'kysely';
import type { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';

/** A state's unclaimed-property periods, overriding the tenant's. */
export interface StateRule {
  state: string;
  dormancyYears: number;
  dueDiligenceDays: number;
}

/** Field left out: kept; `stateRules` given: replaces the tenant's list. */
export interface ReportingPolicyInput {
  dormancyYears?: number | null;
  dueDiligenceDays?: number | null;
  /** `YYYY-MM-DD`: Medicare cost reports are settled (NPR issued) through this date; null clears it. */
  costReportClosedThrough?: string | null;
  stateRules?: StateRule[] | null;
}

export interface ReportingPolicy {
  dormancyYears: number;
  dueDiligenceDays: number;
  costReportClosedThrough: string | null;
  stateRules: StateRule[];
}

function checkRange(field: string, value: number | null | undefined, min: number, max: number): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw new BadInputError(field, `must be an integer from ${min} to ${max}`);
}

/** The tenant's reporting settings: unclaimed-property periods (per state) and the cost-report status. */
export class ReportingPolicyService {
  constructor(private readonly audit: AuditService) {}

  async get(ctx: RequestContext): Promise<ReportingPolicy> {
    const row = await ctx.uow.one<{ dormancy_years: number; due_diligence_days: number; closed: string | null }>(sql`
      select dormancy_years, due_diligence_days, to_char(cost_report_closed_through, 'YYYY-MM-DD') as closed
        from tenant_policy where tenant_id = ${ctx.tenantId}`);
    const rules = await ctx.uow.rows<{ state: string; dormancy_years: number; due_diligence_days: number }>(
      sql`select state, dormancy_years, due_diligence_days from unclaimed_property_rule where tenant_id = ${ctx.tenantId} order by state`,
    );
    return {
      dormancyYears: row?.dormancy_years ?? 3,
      dueDiligenceDays: row?.due_diligence_days ?? 60,
      costReportClosedThrough: row?.closed ?? null,
      stateRules: rules.map((r) => ({ state: r.state, dormancyYears: r.dormancy_years, dueDiligenceDays: r.due_diligence_days })),
    };
  }

  async update(ctx: RequestContext, input: ReportingPolicyInput): Promise<ReportingPolicy> {
    checkRange('input.dormancyYears', input.dormancyYears, 1, 15);
    checkRange('input.dueDiligenceDays', input.dueDiligenceDays, 1, 365);
    const closed = input.costReportClosedThrough;
    if (closed && !(/^\d{4}-\d{2}-\d{2}$/.test(closed) && new Date(`${closed}T00:00:00Z`).toISOString().startsWith(closed))) {
      throw new BadInputError('input.costReportClosedThrough', 'must be a date YYYY-MM-DD');
    }
    (input.stateRules ?? []).forEach((r, i) => {
      if (!/^[A-Z]{2}$/.test(r.state)) throw new BadInputError(`input.stateRules[${i}].state`, 'must be a two-letter state code');
      checkRange(`input.stateRules[${i}].dormancyYears`, r.dormancyYears, 1, 15);
      checkRange(`input.stateRules[${i}].dueDiligenceDays`, r.dueDiligenceDays, 1, 365);
    });
    await ctx.uow.affected(sql`insert into tenant_policy (tenant_id) values (${ctx.tenantId}) on conflict (tenant_id) do nothing`);
    await ctx.uow.affected(sql`
      update tenant_policy set
        dormancy_years = coalesce(${input.dormancyYears ?? null}::integer, dormancy_years),
        due_diligence_days = coalesce(${input.dueDiligenceDays ?? null}::integer, due_diligence_days),
        cost_report_closed_through = case when ${closed !== undefined}::boolean then ${closed ?? null}::date else cost_report_closed_through end,
        updated_at = now()
       where tenant_id = ${ctx.tenantId}`);
    if (input.stateRules) {
      const rules = input.stateRules;
      await ctx.uow.affected(sql`delete from unclaimed_property_rule where tenant_id = ${ctx.tenantId}`);
      if (rules.length) {
        await ctx.uow.affected(sql`
          insert into unclaimed_property_rule (tenant_id, state, dormancy_years, due_diligence_days)
          select ${ctx.tenantId}, * from unnest(${rules.map((r) => r.state)}::text[], ${rules.map((r) => r.dormancyYears)}::integer[],
                                               ${rules.map((r) => r.dueDiligenceDays)}::integer[])`);
      }
    }
    const after = await this.get(ctx);
    await this.audit.record(ctx, { action: 'policy.reporting', subjectType: 'tenant', subjectId: ctx.tenantId, after });
    return after;
  }
}
