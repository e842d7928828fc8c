import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Decimal } from '../money/money.js';
import { MoneyType } from '../money/money.type.js';

/**
 * Per-account running balance, maintained by a statement-level trigger on ledger_entry in the
 * posting transaction itself. A derived cache of sum(ledger_entry.amount); never written by the app.
 */
@Entity({ tableName: 'account_balance' })
export class AccountBalance {
  @PrimaryKey({ type: 'uuid' })
  accountId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: MoneyType })
  balance!: Decimal;

  @Property({ type: 'integer' })
  entryCount!: number;

  @Property({ type: 'timestamptz' })
  lastPostedAt!: Date;
}
