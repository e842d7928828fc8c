import { Migration } from '@mikro-orm/migrations';

/** Per-payer permission to offset its credits against balances it owes (null: by kind). */
export class Migration20261122040000_transfers_offsets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table payer add column allow_offset boolean;
      create index ledger_entry_patient_side_index on ledger_entry (account_id) where payer_id is null;
    `);
  }
}
