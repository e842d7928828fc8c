import { Migration } from '@mikro-orm/migrations';

/**
 * `ledger_entry_claim_number_index (tenant_id, account_id, claim_number)` goes. It was added with
 * the remittances for the reconciliation, which compares the tenant's whole ERA side with its whole
 * ledger side (grouped, then hashed or merged: no plan of it probes the index, with or without fresh
 * statistics), and no other query reads entries by claim number without their account, whose
 * `(account_id, posted_at, id)` index finds an account's few entries. Every entry paid for it:
 * ~5 µs of PostgreSQL CPU per inserted row here, ~1 s of the 200,000 entries a 100,000-claim 835
 * posts, on every path that writes the ledger.
 */
export class Migration20261202610000_ledger_claim_number_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index ledger_entry_claim_number_index;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      create index ledger_entry_claim_number_index on ledger_entry (tenant_id, account_id, claim_number)
        where claim_number is not null;
    `);
  }
}
