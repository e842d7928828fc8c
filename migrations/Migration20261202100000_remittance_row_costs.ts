import { Migration } from '@mikro-orm/migrations';

/**
 * Fewer per-row costs on the rows an 835 import writes (100,000 claims are ~400,000 remittance rows):
 *  - Foreign keys whose rows the import itself resolves in the same transaction are dropped: claim →
 *    remittance (the set's row is inserted just before its claims), claim → account (the id comes from a
 *    tenant-scoped lookup of the account number), service line and CAS adjustment → claim (claim ids
 *    are generated with their lines). Each cost a `SELECT … FOR KEY SHARE` per row. The import is the
 *    only writer of these tables (the app role may not update or delete them), and row-level security
 *    still scopes every row to its tenant.
 *  - `remittance_claim` kept two unique indexes on random uuids, `pkey(id)` and `(tenant_id, id)`: the
 *    second becomes the primary key, the first goes.
 *  - `remittance_service_line.id` (a random uuid nothing refers to) goes: `(claim_id, line_index)`, already
 *    unique, is the primary key.
 */
export class Migration20261202100000_remittance_row_costs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table remittance_claim drop constraint remittance_claim_remittance_fk;
      alter table remittance_claim drop constraint remittance_claim_account_fk;
      alter table remittance_service_line drop constraint remittance_service_line_claim_fk;
      alter table remittance_adjustment drop constraint remittance_adjustment_claim_fk;

      alter table remittance_provider_adjustment drop constraint remittance_provider_adjustment_claim_fk;
      alter table remittance_claim drop constraint remittance_claim_pkey;
      alter table remittance_claim drop constraint remittance_claim_tenant_id_id_unique;
      alter table remittance_claim add constraint remittance_claim_pkey primary key (tenant_id, id);
      alter table remittance_provider_adjustment add constraint remittance_provider_adjustment_claim_fk
        foreign key (tenant_id, matched_claim_id) references remittance_claim (tenant_id, id);

      alter table remittance_service_line drop column id;
      alter table remittance_service_line drop constraint remittance_service_line_unique;
      alter table remittance_service_line add constraint remittance_service_line_pkey primary key (claim_id, line_index);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table remittance_service_line drop constraint remittance_service_line_pkey;
      alter table remittance_service_line add constraint remittance_service_line_unique unique (claim_id, line_index);
      alter table remittance_service_line add column id uuid not null default gen_random_uuid() primary key;

      alter table remittance_provider_adjustment drop constraint remittance_provider_adjustment_claim_fk;
      alter table remittance_claim drop constraint remittance_claim_pkey;
      alter table remittance_claim add constraint remittance_claim_pkey primary key (id);
      alter table remittance_claim add constraint remittance_claim_tenant_id_id_unique unique (tenant_id, id);
      alter table remittance_provider_adjustment add constraint remittance_provider_adjustment_claim_fk
        foreign key (tenant_id, matched_claim_id) references remittance_claim (tenant_id, id);

      alter table remittance_adjustment add constraint remittance_adjustment_claim_fk
        foreign key (tenant_id, claim_id) references remittance_claim (tenant_id, id);
      alter table remittance_service_line add constraint remittance_service_line_claim_fk
        foreign key (tenant_id, claim_id) references remittance_claim (tenant_id, id);
      alter table remittance_claim add constraint remittance_claim_account_fk
        foreign key (tenant_id, account_id) references account (tenant_id, id);
      alter table remittance_claim add constraint remittance_claim_remittance_fk
        foreign key (tenant_id, remittance_id) references remittance (tenant_id, id);
    `);
  }
}
