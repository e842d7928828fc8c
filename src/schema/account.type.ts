import { Field, ID, ObjectType } from 'type-graphql';

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
}
