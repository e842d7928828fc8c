import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors.js';
import { Credit } from '../credits/credit.entity.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus } from '../credits/credit-enums.js';
import { pageCredits, type CreditPage, type OrderKey } from '../credits/credit-page.js';
import type { TenantService } from '../tenancy/tenant.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { Worklist } from './worklist.entity.js';
import { DEFAULT_WORKLIST_NAME, ensureDefaultWorklist, creditPlacementColumns, placementSql } from './worklist-placement.js';
import { isUuid } from '../ids.js';

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));
export { DEFAULT_WORKLIST_NAME };

export interface WorklistCriteria {
  payerCodes?: string[] | null;
  payerKinds?: string[] | null;
  agingBuckets?: string[] | null;
  dollarTiers?: string[] | null;
  complexities?: string[] | null;
  rootCauses?: string[] | null;
}

export interface WorklistInput extends WorklistCriteria {
  name: string;
  priority: number;
}

export interface WorklistSummary extends Worklist {
  openCount: number;
  openAmount: string;
}

/** An empty list matches everything, the same as no criterion. */
const criterion = (values?: string[] | null) => (values && values.length ? values : null);

/**
 * Worklists: queues defined by criteria. Every open credit sits in the first worklist (by
 * priority) whose criteria it matches; a default catch-all always exists and comes last.
 */
/** Largest open amount first, then the earliest due date (the worklist queue index's order). */
export const BY_EXPOSURE: readonly OrderKey[] = [
  { column: 'amount', kind: 'money', direction: 'desc' },
  { column: 'sla_due_at', kind: 'timestamp', direction: 'asc' },
  { column: 'id', kind: 'uuid', direction: 'asc' },
];

export class WorklistService {
  constructor(
    private readonly tenants: TenantService,
    private readonly audit: AuditService,
  ) {}

  ensureDefault(db: SqlRunner, tenantId: string): Promise<void> {
    return ensureDefaultWorklist(db, tenantId);
  }

  /** Puts every open credit of the tenant in its first matching worklist; returns how many moved. */
  async place(db: SqlRunner, tenantId: string, now: Date): Promise<number> {
    await this.ensureDefault(db, tenantId);
    const worklist = placementSql(tenantId, now, creditPlacementColumns('c'));
    return db.affected(sql`
      with placement as (
        select c.id, ${worklist} as worklist_id
          from credit c left join payer p on p.id = c.refund_payer_id
         where c.tenant_id = ${tenantId} and c.status in (${ACTIVE}))
      update credit c set worklist_id = pl.worklist_id
        from placement pl
       where c.id = pl.id and c.worklist_id is distinct from pl.worklist_id`);
  }

  async list(ctx: RequestContext): Promise<WorklistSummary[]> {
    await this.tenants.ensure(ctx);
    await this.ensureDefault(ctx.uow, ctx.tenantId);
    const em = await ctx.uow.tx();
    const worklists = await em.find(Worklist, {}, { orderBy: { priority: 'asc', id: 'asc' } });
    const totals = await ctx.uow.rows<{ worklist_id: string; n: number; amount: string }>(sql`
      select worklist_id, count(*)::integer as n, sum(amount)::text as amount from credit
       where tenant_id = ${ctx.tenantId} and status in (${ACTIVE}) and worklist_id is not null group by worklist_id`);
    const byId = new Map(totals.map((t) => [t.worklist_id, t]));
    return worklists.map((w) => Object.assign(w, { openCount: byId.get(w.id)?.n ?? 0, openAmount: byId.get(w.id)?.amount ?? '0.00' }));
  }

  async byId(ctx: RequestContext, id: string): Promise<WorklistSummary | null> {
    if (!isUuid(id)) return null;
    return (await this.list(ctx)).find((w) => w.id === id) ?? null;
  }

  async create(ctx: RequestContext, input: WorklistInput): Promise<WorklistSummary> {
    this.validate(input);
    await this.tenants.ensure(ctx);
    const row = await ctx.uow.one<{ id: string }>(sql`
      insert into worklist (tenant_id, name, priority, payer_codes, payer_kinds, aging_buckets, dollar_tiers, complexities, root_causes)
      values (${ctx.tenantId}, ${input.name.trim()}, ${input.priority}, ${criterion(input.payerCodes)}::text[], ${criterion(input.payerKinds)}::text[],
              ${criterion(input.agingBuckets)}::text[], ${criterion(input.dollarTiers)}::text[], ${criterion(input.complexities)}::text[],
              ${criterion(input.rootCauses)}::text[])
      on conflict (tenant_id, name) do nothing
      returning id`);
    if (!row) throw new ConflictError(`a worklist named "${input.name.trim()}" already exists`, { field: 'input.name' });
    await this.audit.record(ctx, { action: 'worklist.create', subjectType: 'worklist', subjectId: row.id, after: input });
    await this.place(ctx.uow, ctx.tenantId, ctx.now);
    return (await this.byId(ctx, row.id))!;
  }

  async update(ctx: RequestContext, id: string, input: WorklistInput): Promise<WorklistSummary> {
    this.validate(input);
    const current = await this.byId(ctx, id);
    if (!current) throw new NotFoundError('worklist', id);
    if (current.isDefault && (Object.values(input).some((v) => Array.isArray(v) && v.length) || input.priority !== current.priority)) {
      throw new ConflictError('the default worklist catches every credit: only its name can change', { field: 'input' });
    }
    const clash = await ctx.uow.one(sql`select 1 from worklist where tenant_id = ${ctx.tenantId} and name = ${input.name.trim()} and id <> ${id}::uuid`);
    if (clash) throw new ConflictError(`a worklist named "${input.name.trim()}" already exists`, { field: 'input.name' });
    await ctx.uow.affected(sql`
      update worklist set name = ${input.name.trim()}, priority = ${current.isDefault ? current.priority : input.priority},
             payer_codes = ${criterion(input.payerCodes)}::text[], payer_kinds = ${criterion(input.payerKinds)}::text[],
             aging_buckets = ${criterion(input.agingBuckets)}::text[], dollar_tiers = ${criterion(input.dollarTiers)}::text[],
             complexities = ${criterion(input.complexities)}::text[], root_causes = ${criterion(input.rootCauses)}::text[], updated_at = now()
       where id = ${id}::uuid`);
    await this.audit.record(ctx, { action: 'worklist.update', subjectType: 'worklist', subjectId: id, before: { name: current.name, priority: current.priority }, after: input });
    await this.place(ctx.uow, ctx.tenantId, ctx.now);
    const em = await ctx.uow.tx();
    await em.refresh(current);
    return (await this.byId(ctx, id))!;
  }

  /** Deletes a worklist and re-places its credits; the default one cannot go. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    const current = await this.byId(ctx, id);
    if (!current) throw new NotFoundError('worklist', id);
    if (current.isDefault) throw new ConflictError('the default worklist cannot be deleted', { field: 'id' });
    await ctx.uow.affected(sql`update credit set worklist_id = null where tenant_id = ${ctx.tenantId} and worklist_id = ${id}::uuid`);
    await ctx.uow.affected(sql`delete from worklist where id = ${id}::uuid`);
    await this.audit.record(ctx, { action: 'worklist.delete', subjectType: 'worklist', subjectId: id, before: { name: current.name } });
    await this.place(ctx.uow, ctx.tenantId, ctx.now);
    return true;
  }

  /** The worklist's open credits by exposure: largest amount first, then the earliest due date. */
  async credits(ctx: RequestContext, worklistId: string, first?: number | null, after?: string | null): Promise<CreditPage> {
    return pageCredits(ctx, { statuses: ACTIVE_CREDIT_STATUSES, conditions: [sql`c.worklist_id = ${worklistId}::uuid`] }, BY_EXPOSURE, first, after);
  }

  async assign(ctx: RequestContext, creditId: string, assignee: string | null): Promise<Credit> {
    const who = assignee?.trim() || null;
    if (who && who.length > 128) throw new BadInputError('assignee', 'must be at most 128 characters');
    const changed = await ctx.uow.affected(sql`
      update credit set assignee = ${who}, assigned_at = case when ${who}::text is null then null else now() end, updated_at = now()
       where id = ${isUuid(creditId) ? creditId : null}::uuid and status in (${ACTIVE})`);
    const credit = await this.afterChange(ctx, creditId, changed, 'assigned');
    await this.audit.record(ctx, { action: 'credit.assign', subjectType: 'credit', subjectId: credit.id, after: { assignee: who } });
    return credit;
  }

  /**
   * Hands the caller the next unassigned OPEN credit of a worklist, by exposure. SKIP LOCKED makes
   * concurrent callers take different credits instead of waiting on (or sharing) the same row.
   */
  async claimNext(ctx: RequestContext, worklistId: string): Promise<Credit | null> {
    if (!isUuid(worklistId) || !(await this.byId(ctx, worklistId))) throw new NotFoundError('worklist', worklistId);
    const row = await ctx.uow.one<{ id: string }>(sql`
      update credit set assignee = ${ctx.actor.id}, assigned_at = now(), updated_at = now()
       where id = (select id from credit
                    where tenant_id = ${ctx.tenantId} and worklist_id = ${worklistId}::uuid
                      and status = ${CreditStatus.OPEN} and assignee is null
                    order by amount desc, sla_due_at, id
                    limit 1 for update skip locked)
      returning id`);
    if (!row) return null;
    await this.audit.record(ctx, { action: 'credit.claim', subjectType: 'credit', subjectId: row.id, after: { assignee: ctx.actor.id, worklistId } });
    const em = await ctx.uow.tx();
    return em.findOneOrFail(Credit, { id: row.id }, { refresh: true });
  }

  /** OPEN → IN_REVIEW, compare-and-set; the reviewer becomes the assignee when there is none. */
  async startReview(ctx: RequestContext, creditId: string): Promise<Credit> {
    const changed = await ctx.uow.affected(sql`
      update credit set status = ${CreditStatus.IN_REVIEW}, review_started_at = now(),
             assignee = coalesce(assignee, ${ctx.actor.id}), assigned_at = coalesce(assigned_at, now()), updated_at = now()
       where id = ${isUuid(creditId) ? creditId : null}::uuid and status = ${CreditStatus.OPEN}`);
    const credit = await this.afterChange(ctx, creditId, changed, `moved to ${CreditStatus.IN_REVIEW}`, CreditStatus.OPEN);
    await this.audit.record(ctx, { action: 'credit.start_review', subjectType: 'credit', subjectId: credit.id, before: { status: CreditStatus.OPEN }, after: { status: CreditStatus.IN_REVIEW, assignee: credit.assignee } });
    return credit;
  }

  private async afterChange(ctx: RequestContext, creditId: string, changed: number, action: string, required?: CreditStatus): Promise<Credit> {
    const em = await ctx.uow.tx();
    const credit = isUuid(creditId) ? await em.findOne(Credit, { id: creditId }, { refresh: true }) : null;
    if (!credit) throw new NotFoundError('credit', creditId);
    if (!changed) {
      throw new ConflictError(`credit ${creditId} is ${credit.status}; it cannot be ${action}${required ? ` (it must be ${required})` : ''}`, {
        status: credit.status,
      });
    }
    return credit;
  }

  private validate(input: WorklistInput): void {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 120) throw new BadInputError('input.name', 'must be 1-120 characters');
    if (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 1_000_000) {
      throw new BadInputError('input.priority', 'must be a whole number between 0 and 1000000 (lower goes first)');
    }
  }
}
