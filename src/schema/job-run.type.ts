import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { JobState } from './enums.js';
import { DateTimeScalar } from './scalars/date.scalar.js';

@ObjectType('JobRun')
export class JobRunType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. "credit-detection", "auto-adjust".' })
  kind!: string;

  @Field(() => JobState)
  state!: JobState;

  @Field(() => Int)
  processed!: number;

  @Field(() => Int, { nullable: true })
  total?: number | null;

  @Field(() => String, { nullable: true })
  error?: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: Date | null;
}

@InputType('RunCreditDetectionInput')
export class RunCreditDetectionInput {
  @Field(() => String, { nullable: true, description: 'The same key returns the same JobRun.' })
  @MaxLength(128)
  idempotencyKey?: string | null;
}
