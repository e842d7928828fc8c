import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateScalar } from './scalars/date.scalar.js';

@ObjectType('Claim', { description: 'Claim-level details of a claim number of the ledger.' })
export class ClaimType {
  @Field()
  claimNumber!: string;

  @Field(() => String, { nullable: true, description: 'UB-04 type of bill, e.g. 111 or 131.' })
  typeOfBill?: string | null;

  @Field(() => DateScalar, { nullable: true })
  admissionDate?: string | null;

  @Field(() => DateScalar, { nullable: true })
  dischargeDate?: string | null;

  @Field(() => String, { nullable: true, description: "The payer's internal control number." })
  icn?: string | null;
}

@ObjectType('Account')
export class AccountType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The encounter / patient account number, unique per tenant.' })
  accountNumber!: string;

  @Field()
  patientId!: string;

  @Field()
  guarantorId!: string;

  @Field(() => String, { nullable: true, description: 'Service location / facility code (not PHI).' })
  location?: string | null;

  @Field(() => String, { nullable: true, description: "Two-letter state of the patient's address: the unclaimed-property jurisdiction." })
  state?: string | null;
}

@InputType('ClaimDetailsInput')
export class ClaimDetailsInput {
  @Field()
  claimNumber!: string;

  @Field(() => String, { nullable: true })
  typeOfBill?: string | null;

  @Field(() => DateScalar, { nullable: true })
  admissionDate?: string | null;

  @Field(() => DateScalar, { nullable: true })
  dischargeDate?: string | null;

  @Field(() => String, { nullable: true })
  icn?: string | null;
}

@InputType('AccountDetailsInput', { description: 'A field left out keeps its value; null clears it.' })
export class AccountDetailsInput {
  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => String, { nullable: true })
  patientName?: string | null;

  @Field(() => String, { nullable: true })
  guarantorName?: string | null;

  @Field(() => String, { nullable: true })
  payerMemberId?: string | null;

  @Field(() => String, { nullable: true })
  state?: string | null;

  @Field(() => [ClaimDetailsInput], { nullable: true, description: 'Upserted by claim number.' })
  claims?: ClaimDetailsInput[] | null;
}
