import { Migration } from '@mikro-orm/migrations';
import { raiseForeignKeyViolation } from './tenant-isolation.js';

/**
 * The ledger's and the audit trail's references, checked once per statement instead of once per
 * row. A foreign key runs one query per inserted row and locks the referenced row (FOR KEY SHARE
 * writes the lock into the account's heap tuple, one WAL record per entry): measured here at ~55 µs
 * of the ~80 µs an auto-adjusted credit's entry costs, and ~14 µs per audit event for the tenant.
 * The same guarantees, set-based:
 *
 * - Entry → account: the posting trigger already upserts every posted account's balance row. A new
 *   balance row is checked by account_balance's own foreign key (one check per account, not per
 *   entry); an existing one proves the account exists (that key keeps it from being deleted) and is
 *   only updated when its tenant is the entry's, so fewer balance rows than posted accounts means an
 *   entry named another tenant's account: the statement fails with the old constraint's name.
 * - Entry → payer: the statement's distinct payers are looked up once.
 * - Audit event → tenant: the statement's distinct tenants are looked up once.
 * - What the keys also did, refusing to delete or re-key a referenced payer or tenant: both are
 *   reference data that the ledger and the audit trail name forever, so deleting or re-keying one
 *   is refused outright (an account is already held by its balance row's key).
 */
export class Migration20261202500000_set_based_references extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table ledger_entry drop constraint ledger_entry_account_fk, drop constraint ledger_entry_payer_fk;
      alter table audit_event drop constraint audit_event_tenant_id_fkey;

      create or replace function ledger_entry_apply_balance() returns trigger language plpgsql as $$
      declare
        posted_accounts bigint;
        applied_accounts bigint;
      begin
        perform 1 from (select distinct tenant_id, payer_id from new_entries where payer_id is not null) n
         where not exists (select 1 from payer p where p.tenant_id = n.tenant_id and p.id = n.payer_id);
        if found then
          ${raiseForeignKeyViolation('ledger_entry', 'ledger_entry_payer_fk', 'An entry names a payer that does not exist for its tenant.')}
        end if;
        -- The A/R delta of an account is max(new balance, 0) - max(old balance, 0), and the old
        -- balance is the new one minus what this statement posted: no read before the upsert.
        with posted as (
          select account_id, tenant_id, sum(amount) as amount, count(*) as n, max(posted_at) as last_posted_at
            from new_entries group by account_id, tenant_id
        ), balances as (
          insert into account_balance as b (account_id, tenant_id, balance, entry_count, last_posted_at)
          select account_id, tenant_id, amount, n, last_posted_at from posted
          on conflict (account_id) do update
            set balance = b.balance + excluded.balance,
                entry_count = b.entry_count + excluded.entry_count,
                last_posted_at = greatest(b.last_posted_at, excluded.last_posted_at)
            where b.tenant_id = excluded.tenant_id
          returning b.account_id, b.tenant_id, b.balance
        ), delta as (
          select b.tenant_id, sum(greatest(b.balance, 0) - greatest(b.balance - p.amount, 0)) as receivable
            from balances b join posted p on p.account_id = b.account_id
           group by b.tenant_id
        ), receivable as (
          insert into account_receivable as r (tenant_id, slot, receivable)
          select tenant_id, pg_backend_pid() % 16, receivable from delta where receivable <> 0
          on conflict (tenant_id, slot) do update set receivable = r.receivable + excluded.receivable
        )
        select (select count(*) from posted), (select count(*) from balances) into posted_accounts, applied_accounts;
        if applied_accounts < posted_accounts then
          ${raiseForeignKeyViolation('ledger_entry', 'ledger_entry_account_fk', 'An entry names an account of another tenant.')}
        end if;
        return null;
      end $$;

      create function audit_event_check_tenant() returns trigger language plpgsql as $$
      begin
        perform 1 from (select distinct tenant_id from new_events) n where not exists (select 1 from tenant t where t.id = n.tenant_id);
        if found then
          ${raiseForeignKeyViolation('audit_event', 'audit_event_tenant_id_fkey', 'An event names a tenant that does not exist.')}
        end if;
        return null;
      end $$;
      create trigger audit_event_tenant_check after insert on audit_event
        referencing new table as new_events
        for each statement execute function audit_event_check_tenant();

      create function refuse_reference_change() returns trigger language plpgsql as $$
      begin
        raise exception '% rows are kept: the ledger and the audit trail name them (deactivate instead of deleting or re-keying)', tg_table_name
          using errcode = 'restrict_violation', table = tg_table_name;
      end $$;
      create trigger payer_kept before delete or update of id, tenant_id on payer
        for each row execute function refuse_reference_change();
      create trigger tenant_kept before delete or update of id on tenant
        for each row execute function refuse_reference_change();
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop trigger tenant_kept on tenant;
      drop trigger payer_kept on payer;
      drop function refuse_reference_change();
      drop trigger audit_event_tenant_check on audit_event;
      drop function audit_event_check_tenant();
      create or replace function ledger_entry_apply_balance() returns trigger language plpgsql as $$
      begin
        with posted as (
          select account_id, tenant_id, sum(amount) as amount, count(*) as n, max(posted_at) as last_posted_at
            from new_entries group by account_id, tenant_id
        ), balances as (
          insert into account_balance as b (account_id, tenant_id, balance, entry_count, last_posted_at)
          select account_id, tenant_id, amount, n, last_posted_at from posted
          on conflict (account_id) do update
            set balance = b.balance + excluded.balance,
                entry_count = b.entry_count + excluded.entry_count,
                last_posted_at = greatest(b.last_posted_at, excluded.last_posted_at)
          returning b.account_id, b.tenant_id, b.balance
        ), delta as (
          select b.tenant_id, sum(greatest(b.balance, 0) - greatest(b.balance - p.amount, 0)) as receivable
            from balances b join posted p on p.account_id = b.account_id
           group by b.tenant_id
        )
        insert into account_receivable as r (tenant_id, slot, receivable)
        select tenant_id, pg_backend_pid() % 16, receivable from delta where receivable <> 0
        on conflict (tenant_id, slot) do update set receivable = r.receivable + excluded.receivable;
        return null;
      end $$;
      alter table audit_event add constraint audit_event_tenant_id_fkey foreign key (tenant_id) references tenant (id);
      alter table ledger_entry
        add constraint ledger_entry_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id),
        add constraint ledger_entry_payer_fk foreign key (tenant_id, payer_id) references payer (tenant_id, id);
    `);
  }
}
