import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { PayerKind } from './enums.js';

@ObjectType('Payer')
export class PayerType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique per tenant, e.g. "MCR-J15".' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => PayerKind)
  kind!: PayerKind;

  @Field(() => Int, { description: 'Days allowed from identification to refund for this payer.' })
  refundDeadlineDays!: number;
}

@InputType('PayerInput')
export class PayerInput {
  @Field()
  @MaxLength(64)
  code!: string;

  @Field()
  @MaxLength(200)
  name!: string;

  @Field(() => PayerKind)
  kind!: PayerKind;

  @Field(() => Int, { nullable: true, description: 'Default by kind: 60 days (45 for COMMERCIAL).' })
  refundDeadlineDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'May its credits be offset against balances it owes? Default by kind: not for MEDICARE/MEDICAID.' })
  allowOffset?: boolean | null;
}
