import { Migration } from '@mikro-orm/migrations';

/**
 * `ledger_entry_claim_number_index` comes back. Migration20261202610000 dropped it as unread, but the
 * ledger importer reads it: loading the synthetic practice's account details finds each chunk's
 * claims through it, and without it that read walks the tenant's ledger per chunk. Measured on 2,000
 * accounts (19,276 entries), `npm run bench -- --accounts 2000 --sections none`: the importer went
 * from 9,592 rows/s (the commit before the drop) to 3,990 rows/s (the drop), and 20,000 accounts
 * took 379 s to load instead of ~20 s.
 */
export class Migration20261202620000_restore_claim_number_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index if not exists ledger_entry_claim_number_index on ledger_entry (tenant_id, account_id, claim_number)
        where claim_number is not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index ledger_entry_claim_number_index;`);
  }
}
