import { sql } from 'kysely';
import type { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError } from '../errors.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { formatMoney } from '../money/money.js';
import { dormancySql } from '../reports/unclaimed-property.report.js';
import type { Credit } from './credit.entity.js';
import { CreditStatus, ResolutionKind } from './credit-enums.js';
import type { CreditSettlement } from './credit-settlement.js';

export interface EscheatInput {
  creditId: string;
  /** The state the property is reported and paid to (two letters). */
  state: string;
  /** The remittance to the state (report or check number). */
  reference: string;
}

/**
 * Escheatment: a patient credit that is still unclaimed after its dormancy and due-diligence
 * periods is paid to the state. Its own resolution kind (ESCHEATMENT) and its own ledger entry —
 * a REFUND-kind entry `escheat:<credit id>` (money leaving the practice, to the state as custodian)
 * — through the shared settlement path, audited in the same transaction. A replay of a credit
 * already escheated returns it and posts nothing.
 */
export class EscheatmentService {
  constructor(
    private readonly settlement: CreditSettlement,
    private readonly audit: AuditService,
  ) {}

  async escheat(ctx: RequestContext, input: EscheatInput): Promise<Credit> {
    if (!/^[A-Z]{2}$/.test(input.state)) throw new BadInputError('state', 'must be a two-letter state code');
    if (!input.reference.trim() || input.reference.length > 200) throw new BadInputError('reference', 'must be 1 to 200 characters');
    const credit = await this.settlement.load(ctx, input.creditId);
    const externalId = `escheat:${credit.id}`;
    if (credit.resolution === ResolutionKind.ESCHEATMENT) return credit;
    if (credit.status === CreditStatus.PENDING_APPROVAL) {
      throw new ConflictError(`credit ${credit.id} has a refund or adjustment waiting for approval; decide it first`, { status: credit.status });
    }
    const dormancy = await ctx.uow.one<{ reportable_at: Date | string }>(
      sql`select reportable_at from (${dormancySql(ctx.tenantId)}) u where u.credit_id = ${credit.id}::uuid`,
    );
    if (!dormancy) {
      throw new ConflictError(`credit ${credit.id} is not an open credit owed to the patient: it cannot be escheated`, { status: credit.status });
    }
    const reportableAt = new Date(dormancy.reportable_at);
    if (reportableAt > ctx.now) {
      throw new ConflictError(`credit ${credit.id} is not escheatable before ${reportableAt.toISOString()} (dormancy and due-diligence periods)`, {
        reportableAt: reportableAt.toISOString(),
      });
    }
    const amount = credit.amount;
    await this.settlement.post(ctx, credit, {
      externalId,
      kind: EntryKind.REFUND,
      amount,
      payerId: null,
      reference: `escheat ${input.state} ${input.reference}`,
    });
    await this.audit.record(ctx, {
      action: 'credit.escheat',
      subjectType: 'credit',
      subjectId: credit.id,
      after: { state: input.state, reference: input.reference, amount: formatMoney(amount), externalId },
    });
    return this.settlement.settle(ctx, credit, ResolutionKind.ESCHEATMENT);
  }
}
