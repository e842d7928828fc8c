import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../domain/context/request-context.js';
import type { AgingByPatientRow } from '../domain/reports/aging-by-patient.report.js';
import type { CreditBalanceRow } from '../domain/reports/credit-balance.report.js';
import type { UnclaimedPropertyRow } from '../domain/reports/unclaimed-property.report.js';
import type { MedicareCreditRow } from '../domain/reports/medicare-credit-balance.report.js';
import { AgingByPatientRowType, CreditBalanceReportRowType, MedicareCreditBalanceRowType, UnclaimedPropertyRowType } from '../schema/report.type.js';
import { DateScalar } from '../schema/scalars/date.scalar.js';
import { READ_PHI } from './access.js';

const PHI = 'PHI: every read is recorded in the audit trail.';

/** Records a PHI value read on these accounts (nothing when the value is empty). */
function phi<T>(ctx: RequestContext, accountIds: string[], field: string, value: T): T {
  if (value !== null && value !== undefined) for (const id of accountIds) ctx.readPhi(id, field);
  return value;
}

@Resolver(() => CreditBalanceReportRowType)
export class CreditBalanceRowResolver {
  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  patientId(@Root() row: CreditBalanceRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'patientId', row.patientId);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  patientName(@Root() row: CreditBalanceRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'patientName', row.patientName);
  }
}

@Resolver(() => AgingByPatientRowType)
export class AgingByPatientRowResolver {
  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  patientId(@Root() row: AgingByPatientRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, row.accountIds, 'patientId', row.patientId);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  patientName(@Root() row: AgingByPatientRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, row.accountIds, 'patientName', row.patientName);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  guarantorId(@Root() row: AgingByPatientRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, row.accountIds, 'guarantorId', row.guarantorId);
  }
}

@Resolver(() => MedicareCreditBalanceRowType)
export class MedicareCreditRowResolver {
  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  beneficiaryName(@Root() row: MedicareCreditRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'beneficiaryName', row.beneficiaryName);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: `The Medicare Beneficiary Identifier. ${PHI}` })
  medicareId(@Root() row: MedicareCreditRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'medicareId', row.medicareId);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => DateScalar, { nullable: true, description: PHI })
  admissionDate(@Root() row: MedicareCreditRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'admissionDate', row.admissionDate);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => DateScalar, { nullable: true, description: PHI })
  dischargeDate(@Root() row: MedicareCreditRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'dischargeDate', row.dischargeDate);
  }
}

@Resolver(() => UnclaimedPropertyRowType)
export class UnclaimedPropertyRowResolver {
  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  patientId(@Root() row: UnclaimedPropertyRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'patientId', row.patientId);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  patientName(@Root() row: UnclaimedPropertyRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'patientName', row.patientName);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  guarantorName(@Root() row: UnclaimedPropertyRow, @Ctx() ctx: RequestContext) {
    return phi(ctx, [row.accountId], 'guarantorName', row.guarantorName);
  }
}
