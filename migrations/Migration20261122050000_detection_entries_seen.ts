import { Migration } from '@mikro-orm/migrations';

/** How many ledger entries the account had when detection last looked at the credit. */
export class Migration20261122050000_detection_entries_seen extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table credit add column entries_seen integer`);
  }
}
