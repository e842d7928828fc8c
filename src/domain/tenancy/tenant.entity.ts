import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A practice or billing entity. Its id is the slug carried in the bearer token's `tenant` claim. */
@Entity({ tableName: 'tenant' })
export class Tenant {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
