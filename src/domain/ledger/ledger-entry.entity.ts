import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { Decimal } from '../money/money.js';
import { MoneyType } from '../money/money.type.js';
import { EntryKind } from './entry-kind.js';

/**
 * One immutable ledger line. The table is append-only (a trigger refuses UPDATE and DELETE and the
 * app role holds only SELECT and INSERT); corrections are new entries. `externalId` is the
 * idempotency key: a replay with the same content is a no-op, with other content a conflict.
 */
@Entity({ tableName: 'ledger_entry' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['accountId', 'postedAt', 'id'] })
export class LedgerEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  accountId!: string;

  @Property({ type: 'text' })
  externalId!: string;

  @Enum({ items: () => EntryKind })
  kind!: EntryKind;

  @Property({ type: MoneyType })
  amount!: Decimal;

  @Property({ type: 'timestamptz' })
  postedAt!: Date;

  @Property({ type: 'date', nullable: true })
  serviceDate?: string | null;

  @Property({ type: 'uuid', nullable: true })
  payerId?: string | null;

  @Property({ type: 'text', nullable: true })
  claimNumber?: string | null;

  @Property({ type: 'text', nullable: true })
  reference?: string | null;

  @Property({ type: 'text', nullable: true })
  reasonCode?: string | null;

  /** sha256 of the canonical content, to tell a replay from a conflicting reuse of the externalId. */
  @Property({ type: 'text' })
  contentHash!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
