import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UnclaimedStage } from '../domain/reports/unclaimed-property.report.js';
import type { Decimal } from '../domain/money/money.js';
import { AgingBucket, CreditStatus, PayerKind, RootCauseCode } from './enums.js';
import { PageInfo } from './credit.type.js';
import { DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';
import { RefundStatus } from '../domain/refunds/refund-request.entity.js';
import './refund.type.js'; // registers RefundStatus

// Report rows. PHI columns (patient id and name, guarantor id) are field resolvers of their own
// (src/resolvers/report-row.resolver.ts): READ_PHI only, and every read is audited.

@ObjectType('CreditBalanceReportRow')
export class CreditBalanceReportRowType {
  @Field(() => ID) creditId!: string;
  @Field() accountNumber!: string;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => String, { nullable: true, description: 'The payer owed; null: the patient.' }) payerCode!: string | null;
  @Field(() => PayerKind, { nullable: true }) payerKind!: string | null;
  @Field(() => RootCauseCode) rootCause!: string;
  @Field(() => CreditStatus) status!: string;
  @Field(() => DecimalScalar) amount!: Decimal;
  @Field(() => DecimalScalar) originalAmount!: Decimal;
  @Field(() => DateTimeScalar) originatedAt!: Date;
  @Field(() => DateTimeScalar) identifiedAt!: Date;
  @Field(() => Int) ageDays!: number;
  @Field(() => AgingBucket) agingBucket!: string;
  @Field(() => DateTimeScalar) slaDueAt!: Date;
  @Field() overdue!: boolean;
  @Field(() => String, { nullable: true }) worklist!: string | null;
  @Field(() => String, { nullable: true }) assignee!: string | null;
}

@ObjectType('AgingByPatientRow')
export class AgingByPatientRowType {
  @Field(() => Int, { description: 'Accounts of the patient with an open credit.' }) accounts!: number;
  @Field(() => Int) openCredits!: number;
  @Field(() => DecimalScalar) creditTotal!: Decimal;
  @Field(() => DecimalScalar, { description: 'Of creditTotal, owed to the patient (owner portions).' }) owedToPatient!: Decimal;
  @Field(() => DecimalScalar, { description: 'Of creditTotal, owed to payers.' }) owedToPayers!: Decimal;
  @Field(() => DecimalScalar) days0To30!: Decimal;
  @Field(() => DecimalScalar) days31To60!: Decimal;
  @Field(() => DecimalScalar) days61To90!: Decimal;
  @Field(() => DecimalScalar) daysOver90!: Decimal;
  @Field(() => DateTimeScalar) oldestOriginatedAt!: Date;
  @Field(() => DecimalScalar, { description: "What the patient's accounts still owe: Σ positive balances." }) balanceDue!: Decimal;
}

@ObjectType('RefundsRegisterRow')
export class RefundsRegisterRowType {
  @Field(() => ID) refundId!: string;
  @Field(() => ID) creditId!: string;
  @Field() accountNumber!: string;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field({ description: 'Payer code, or PATIENT.' }) payee!: string;
  @Field(() => DecimalScalar) amount!: Decimal;
  @Field() reasonCode!: string;
  @Field(() => RefundStatus) status!: string;
  @Field() requestedBy!: string;
  @Field(() => DateTimeScalar) requestedAt!: Date;
  @Field(() => String, { nullable: true }) approvedBy!: string | null;
  @Field(() => String, { nullable: true }) secondApprovedBy!: string | null;
  @Field(() => String, { nullable: true }) issuedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) issuedAt!: Date | null;
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) voidedAt!: Date | null;
}

@ObjectType('WorklistExportRow')
export class WorklistExportRowType {
  @Field(() => String, { nullable: true }) worklist!: string | null;
  @Field(() => Int, { nullable: true }) priority!: number | null;
  @Field(() => ID) creditId!: string;
  @Field() accountNumber!: string;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => CreditStatus) status!: string;
  @Field(() => String, { nullable: true }) assignee!: string | null;
  @Field(() => String, { nullable: true }) payerCode!: string | null;
  @Field(() => RootCauseCode) rootCause!: string;
  @Field(() => String, { nullable: true }) complexity!: string | null;
  @Field(() => DecimalScalar) amount!: Decimal;
  @Field(() => Int) ageDays!: number;
  @Field(() => DateTimeScalar) slaDueAt!: Date;
  @Field() overdue!: boolean;
}

@ObjectType('CreditBalanceReportPage')
export class CreditBalanceReportPage {
  @Field(() => [CreditBalanceReportRowType]) rows!: CreditBalanceReportRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('AgingByPatientReportPage')
export class AgingByPatientReportPage {
  @Field(() => [AgingByPatientRowType]) rows!: AgingByPatientRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('RefundsRegisterPage')
export class RefundsRegisterPage {
  @Field(() => [RefundsRegisterRowType]) rows!: RefundsRegisterRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('WorklistExportPage')
export class WorklistExportPage {
  @Field(() => [WorklistExportRowType]) rows!: WorklistExportRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType('CreditReportFilter', { description: 'Default statuses: the open ones (OPEN, IN_REVIEW, PENDING_APPROVAL).' })
export class CreditReportFilter {
  @Field(() => [CreditStatus], { nullable: true }) statuses?: CreditStatus[] | null;
  @Field(() => [String], { nullable: true }) payerCodes?: string[] | null;
  @Field(() => [PayerKind], { nullable: true }) payerKinds?: PayerKind[] | null;
  @Field(() => [RootCauseCode], { nullable: true }) rootCauses?: RootCauseCode[] | null;
  @Field(() => [String], { nullable: true, description: 'UNKNOWN: accounts without a location.' }) locations?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true }) minAmount?: Decimal | null;
  @Field(() => [ID], { nullable: true, description: 'Worklist export only.' }) worklistIds?: string[] | null;
}

@InputType('RefundsRegisterFilter')
export class RefundsRegisterFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Requested at or after.' }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Requested before.' }) to?: Date | null;
  @Field(() => [RefundStatus], { nullable: true }) statuses?: string[] | null;
}

@ObjectType('MedicareCreditBalanceRow', { description: 'One line of the CMS-838 detail page.' })
export class MedicareCreditBalanceRowType {
  @Field(() => ID) creditId!: string;
  @Field() accountNumber!: string;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => String, { nullable: true, description: 'The claim of the payer’s most recent payment on the account.' }) claimNumber!: string | null;
  @Field(() => String, { nullable: true }) typeOfBill!: string | null;
  @Field(() => String, { nullable: true }) icn!: string | null;
  @Field({ description: 'O: open cost report period (no NPR yet); C: closed (tenant policy costReportClosedThrough).' }) costReport!: string;
  @Field(() => DecimalScalar) creditAmount!: Decimal;
  @Field(() => DecimalScalar) amountRepaid!: Decimal;
  @Field(() => String, { nullable: true, description: 'C check, A claim adjustment with this report, X adjustment bill already submitted; null: nothing repaid.' })
  method!: string | null;
  @Field(() => DecimalScalar, { description: 'creditAmount − amountRepaid.' }) outstanding!: Decimal;
  @Field(() => Int, { description: '1 duplicate Medicare payment, 2 another insurer primary, 3 other.' }) reason!: number;
  @Field(() => String, { nullable: true }) explanation!: string | null;
  @Field() payerCode!: string;
  @Field(() => DateTimeScalar) identifiedAt!: Date;
  @Field(() => DateTimeScalar, { description: '60 days after identification (42 CFR 401.305), plus any documented suspension.' }) repaymentDueAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) repaidAt!: Date | null;
  @Field({ description: 'OPEN_WITHIN_DEADLINE, OPEN_PAST_DEADLINE, REPAID_ON_TIME or REPAID_LATE.' }) deadlineStatus!: string;
}

@ObjectType('MedicareCreditBalanceReportPage')
export class MedicareCreditBalanceReportPage {
  @Field({ description: 'The last day of the quarter (YYYY-MM-DD).' }) quarterEnded!: string;
  @Field(() => [MedicareCreditBalanceRowType]) rows!: MedicareCreditBalanceRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

registerEnumType(UnclaimedStage, {
  name: 'UnclaimedStage',
  description: 'DUE_DILIGENCE: dormant, the letter to the owner is due; ESCHEATABLE: the letter period is over, report and pay to the state.',
});

@ObjectType('UnclaimedPropertyRow')
export class UnclaimedPropertyRowType {
  @Field(() => ID) creditId!: string;
  @Field() accountNumber!: string;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => String, { nullable: true }) state!: string | null;
  @Field(() => DecimalScalar) amount!: Decimal;
  @Field(() => DateTimeScalar, { description: "The account's last ledger entry." }) lastActivityAt!: Date;
  @Field(() => DateTimeScalar, { description: 'lastActivityAt + the dormancy period: presumed abandoned.' }) dormantAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the due-diligence letter to the owner is due.' }) letterDueAt!: Date;
  @Field(() => DateTimeScalar, { description: 'dormantAt + the due-diligence period: escheatable from then.' }) reportableAt!: Date;
  @Field(() => UnclaimedStage) stage!: UnclaimedStage;
}

@ObjectType('UnclaimedPropertyReportPage')
export class UnclaimedPropertyReportPage {
  @Field(() => [UnclaimedPropertyRowType]) rows!: UnclaimedPropertyRowType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
