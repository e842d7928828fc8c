import { Type, type Platform, type TransformContext } from '@mikro-orm/core';
import { Decimal, moneyFromDb, formatMoney } from './money.js';

/**
 * The one mapping between PostgreSQL numeric(14,2) and decimal.js. Values never pass
 * through a JS number; equality uses Decimal.eq so "10.5" and "10.50" are not a change.
 */
export class MoneyType extends Type<Decimal | null, string | null> {
  override convertToDatabaseValue(value: Decimal | string | null, _platform: Platform, _ctx?: TransformContext): string | null {
    if (value === null || value === undefined) return null;
    return formatMoney(value instanceof Decimal ? value : new Decimal(value));
  }

  override convertToJSValue(value: string | Decimal | null): Decimal | null {
    if (value === null || value === undefined) return null;
    return value instanceof Decimal ? value : moneyFromDb(value);
  }

  override compareValues(a: string | null, b: string | null): boolean {
    if (a === null || b === null) return a === b;
    return new Decimal(a).eq(new Decimal(b));
  }

  override toJSON(value: Decimal | null): string | null {
    return value === null ? null : formatMoney(value);
  }

  override fromJSON(value: unknown): Decimal | null {
    if (value === null) return null;
    if (typeof value !== 'string') throw new TypeError('money cursor value must be a string');
    return moneyFromDb(value);
  }

  override getColumnType(): string {
    return 'numeric(14,2)';
  }

  override compareAsType(): string {
    return 'string';
  }
}
