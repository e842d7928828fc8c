import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { NotFoundError, ConflictError } from '../errors.js';
import { contentHash } from '../ledger/ledger-entry-validation.js';
import type { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { AuditService } from '../audit/audit.service.js';
import { Credit } from './credit.entity.js';
import { CreditStatus, ResolutionKind } from './credit-enums.js';
import { CreditEvent, fromStatuses, nextStatus } from './credit-lifecycle.js';
import { isUuid } from '../ids.js';


export interface WorkflowEntry {
  /** Deterministic per action (e.g. `refund:<refund id>`): posting it twice posts it once. */
  externalId: string;
  kind: EntryKind;
  amount: Decimal;
  payerId: string | null;
  reference?: string | null;
  reasonCode?: string | null;
}

/**
 * What every resolution workflow shares: load a credit, move it through the state machine with
 * compare-and-set, post its ledger entries idempotently, and settle it from the account balance.
 */
export class CreditSettlement {
  constructor(private readonly audit: AuditService) {}

  async load(ctx: RequestContext, creditId: string): Promise<Credit> {
    const em = await ctx.uow.tx();
    const credit = isUuid(creditId) ? await em.findOne(Credit, { id: creditId }, { refresh: true }) : null;
    if (!credit) throw new NotFoundError('credit', creditId);
    return credit;
  }

  /** Applies a state-machine event with compare-and-set; CONFLICT if the status moved meanwhile. */
  async transition(ctx: RequestContext, credit: Credit, event: CreditEvent, extra: Record<string, unknown> = {}, reason?: string): Promise<CreditStatus> {
    const next = nextStatus(credit.status, event);
    const changed = await ctx.uow.affected(sql`
      update credit set status = ${next}, updated_at = now() where id = ${credit.id}::uuid and status = ${credit.status}`);
    if (!changed) throw new ConflictError(`credit ${credit.id} changed while this ${event} was applied; reload and retry`, { status: credit.status });
    await this.audit.record(ctx, { action: `credit.${event.toLowerCase()}`, subjectType: 'credit', subjectId: credit.id, before: { status: credit.status }, after: { status: next, ...extra }, reason });
    credit.status = next;
    return next;
  }

  /** Posts one workflow entry on the credit's account; a replay of the same externalId is a no-op. */
  post(ctx: RequestContext, credit: Credit, entry: WorkflowEntry): Promise<boolean> {
    return this.postOn(ctx, credit.accountId, credit.id, entry);
  }

  /** Posts a workflow entry on any account of the tenant, audited under the credit it serves. */
  async postOn(ctx: RequestContext, accountId: string, creditId: string, entry: WorkflowEntry): Promise<boolean> {
    const account = await ctx.uow.one<{ account_number: string; patient_id: string; guarantor_id: string }>(
      sql`select account_number, patient_id, guarantor_id from account where id = ${accountId}::uuid`,
    );
    const payer = entry.payerId ? await ctx.uow.one<{ code: string }>(sql`select code from payer where id = ${entry.payerId}::uuid`) : undefined;
    const postedAt = ctx.now.toISOString();
    const amount = formatMoney(entry.amount);
    const hash = contentHash({
      externalId: entry.externalId,
      accountNumber: account!.account_number,
      patientId: account!.patient_id,
      guarantorId: account!.guarantor_id,
      guarantorGiven: true,
      payerCode: payer?.code ?? null,
      kind: entry.kind,
      amount,
      postedAt,
      serviceDate: null,
      claimNumber: null,
      reference: entry.reference ?? null,
      reasonCode: entry.reasonCode ?? null,
    });
    const inserted = await ctx.uow.affected(sql`
      insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, payer_id, reference, reason_code, content_hash)
      values (${ctx.tenantId}, ${accountId}::uuid, ${entry.externalId}, ${entry.kind}, ${amount}::numeric, ${postedAt}::timestamptz,
              ${entry.payerId}::uuid, ${entry.reference ?? null}, ${entry.reasonCode ?? null}, ${hash})
      on conflict (tenant_id, external_id) do nothing`);
    if (inserted) {
      await this.audit.record(ctx, {
        action: 'ledger.post',
        subjectType: 'credit',
        subjectId: creditId,
        after: { externalId: entry.externalId, accountId, kind: entry.kind, amount, payerId: entry.payerId, reference: entry.reference ?? null },
      });
    }
    return inserted > 0;
  }

  /** A credit waiting for approval returns to review once no refund or adjustment request is pending. */
  async withdrawIfNothingPending(ctx: RequestContext, creditId: string): Promise<void> {
    const credit = await this.load(ctx, creditId);
    if (credit.status !== CreditStatus.PENDING_APPROVAL) return;
    const pending = await ctx.uow.one(sql`
      select 1 from refund_request where credit_id = ${creditId}::uuid and status in ('REQUESTED', 'APPROVED')
      union all
      select 1 from adjustment_request where credit_id = ${creditId}::uuid and status = 'REQUESTED'
      limit 1`);
    if (!pending) await this.transition(ctx, credit, CreditEvent.APPROVAL_WITHDRAWN);
  }

  /**
   * Re-reads the account balance and brings the credit in line: the open amount is what is still
   * negative; at zero or above the credit is RESOLVED with `resolution`.
   */
  async settle(ctx: RequestContext, credit: Credit, resolution: ResolutionKind): Promise<Credit> {
    const row = await ctx.uow.one<{ balance: string }>(sql`select balance::text as balance from account_balance where account_id = ${credit.accountId}::uuid`);
    const balance = new Decimal(row?.balance ?? '0');
    const open = balance.lt(0) ? balance.neg() : new Decimal(0);
    if (open.isZero() && fromStatuses(CreditEvent.RESOLVE).includes(credit.status)) {
      await this.transition(ctx, credit, CreditEvent.RESOLVE, { resolution });
      await ctx.uow.affected(sql`
        update credit set amount = 0, resolution = ${resolution}, resolved_at = now(), resolved_by = ${ctx.actor.id}
         where id = ${credit.id}::uuid`);
    } else {
      await ctx.uow.affected(sql`update credit set amount = ${formatMoney(open)}::numeric, updated_at = now() where id = ${credit.id}::uuid`);
    }
    return this.load(ctx, credit.id);
  }
}

export { ResolutionKind };
