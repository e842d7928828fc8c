import { Field, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('ReconciliationItem', { description: 'One gap between the remittances (ERA) and the ledger.' })
export class ReconciliationItemType {
  @Field(() => String, { nullable: true, description: 'Null for claims matched to no account.' })
  accountNumber!: string | null;

  @Field(() => String, { nullable: true })
  payerCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The payer claim number (CLP07), else the patient control number.' })
  claimNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'CLP01 as remitted.' })
  patientControlNumber!: string | null;

  @Field(() => [String], { description: 'TRN traces of the remittances involved.' })
  traceNumbers!: string[];

  @Field(() => DecimalScalar, { nullable: true, description: 'Net paid according to the remittances (reversals subtract).' })
  eraPaid!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Net insurance payments in the ledger for the same account, payer and claim.' })
  ledgerPaid!: Decimal | null;

  @Field(() => Int, { nullable: true, description: 'Duplicates: how many remittances paid the claim, net of reversals.' })
  remittances!: number | null;
}

@ObjectType('ReconciliationSection')
export class ReconciliationSectionType {
  @Field(() => Int)
  totalCount!: number;

  @Field(() => [ReconciliationItemType], { description: 'At most `first` items, in account and claim order.' })
  items!: ReconciliationItemType[];
}

@ObjectType('RemittanceReconciliation')
export class RemittanceReconciliationType {
  @Field(() => ReconciliationSectionType, { description: 'Matched ERA claims with a net payment and no ledger payment for that account, payer and claim.' })
  eraPaymentsNotInLedger!: ReconciliationSectionType;

  @Field(() => ReconciliationSectionType, { description: 'Ledger insurance payments (from payers that send ERAs) that no accepted remittance paid.' })
  ledgerPaymentsWithoutEra!: ReconciliationSectionType;

  @Field(() => ReconciliationSectionType, { description: 'Both sides exist and their net amounts differ.' })
  amountMismatches!: ReconciliationSectionType;

  @Field(() => ReconciliationSectionType, { description: 'Posting exceptions: claims whose patient control number matched no account.' })
  unmatchedClaims!: ReconciliationSectionType;

  @Field(() => ReconciliationSectionType, { description: 'Claims one payer paid in two or more remittances, net of reversals (posted with CARC 18).' })
  duplicateRemittances!: ReconciliationSectionType;
}
