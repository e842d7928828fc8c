import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from './scalars/date.scalar.js';

@ObjectType('UnclaimedPropertyStateRule')
export class StateRuleType {
  @Field() state!: string;
  @Field(() => Int) dormancyYears!: number;
  @Field(() => Int) dueDiligenceDays!: number;
}

@ObjectType('ReportingPolicy', { description: "The tenant's unclaimed-property periods and Medicare cost-report status." })
export class ReportingPolicyType {
  @Field(() => Int, { description: 'Years without account activity before a patient credit is presumed abandoned (default 3).' })
  dormancyYears!: number;

  @Field(() => Int, { description: 'Days from the due-diligence letter to the escheatment report (default 60).' })
  dueDiligenceDays!: number;

  @Field(() => DateScalar, { nullable: true, description: 'Medicare cost reports settled (NPR issued) through this date: CMS-838 "C" up to it, "O" after.' })
  costReportClosedThrough!: string | null;

  @Field(() => [StateRuleType], { description: 'Per-state periods, by the account state; the tenant periods elsewhere.' })
  stateRules!: StateRuleType[];
}

@InputType('UnclaimedPropertyStateRuleInput')
export class StateRuleInput {
  @Field() state!: string;
  @Field(() => Int) dormancyYears!: number;
  @Field(() => Int) dueDiligenceDays!: number;
}

@InputType('ReportingPolicyInput', { description: 'A field left out is kept; stateRules given replaces the list.' })
export class ReportingPolicyInput {
  @Field(() => Int, { nullable: true }) dormancyYears?: number | null;
  @Field(() => Int, { nullable: true }) dueDiligenceDays?: number | null;
  @Field(() => DateScalar, { nullable: true }) costReportClosedThrough?: string | null;
  @Field(() => [StateRuleInput], { nullable: true }) stateRules?: StateRuleInput[] | null;
}
