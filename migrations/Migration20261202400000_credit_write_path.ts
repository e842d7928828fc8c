import { Migration } from '@mikro-orm/migrations';

/**
 * Detection writes tens of thousands of credits in one run, and every foreign key costs a lookup
 * per row. `credit_tenant_id_fkey` adds nothing: `credit_account_fk` already ties
 * (tenant_id, account_id) to an account of the same tenant, and the account's own key ties it to
 * the tenant, so a credit can never name a tenant that does not exist.
 */
export class Migration20261202400000_credit_write_path extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table credit drop constraint credit_tenant_id_fkey;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table credit add constraint credit_tenant_id_fkey foreign key (tenant_id) references tenant (id);`);
  }
}
