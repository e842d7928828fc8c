import { Migration } from '@mikro-orm/migrations';
import { raiseForeignKeyViolation } from './tenant-isolation.js';

/**
 * A credit's account and refund payer, checked once per statement instead of once per row (as the
 * ledger's since Migration20261202500000_set_based_references): a full detection inserts ~50,000
 * credits, and each paid a key lookup plus a lock written into its account's tuple.
 *
 * - Inserted credits: their accounts and their distinct refund payers are looked up once.
 * - Updated credits: their distinct refund payers again; a credit's account and tenant never change,
 *   and a row trigger on exactly those columns refuses it (it fires only when an UPDATE names them).
 * - Accounts are now kept like payers and tenants: deleting or re-keying one is refused. They are
 *   the patient's record the ledger names; closing one is a status, not a delete.
 *
 * - Worklists: the statement's distinct worklists are locked FOR KEY SHARE, as the key did, so a
 *   worklist deleted meanwhile is missed by the lock and fails the statement, and a delete that
 *   comes later waits for the credits' transaction; an AFTER DELETE trigger on worklist (run after
 *   that wait, with a fresh snapshot) refuses the delete while any credit still names the worklist.
 *   Worklists are deleted (their credits re-placed first), so they cannot simply be kept.
 *
 * `credit_rollup`'s tenant key goes too: its rows are sums of credits, whose accounts already tie
 * them to an existing tenant, and tenants are kept. The rollup trigger inserts a row per tenant,
 * payer, axis and day a statement touches (~1,900 per 5,000 auto-adjusted credits), each paying a
 * key check for nothing.
 */
export class Migration20261202510000_credit_set_based_references extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table credit drop constraint credit_account_fk, drop constraint credit_refund_payer_fk, drop constraint credit_worklist_fk;
      alter table credit_rollup drop constraint credit_rollup_tenant_id_fkey;

      create function credit_check_references() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          -- A scalar subquery is never flattened into a join: one primary-key probe per credit,
          -- whatever the statistics say (a hash join would read every account for each batch).
          perform 1 from new_rows n where (select a.id from account a where a.id = n.account_id and a.tenant_id = n.tenant_id) is null;
          if found then
            ${raiseForeignKeyViolation('credit', 'credit_account_fk', 'A credit names an account that does not exist for its tenant.')}
          end if;
        end if;
        perform 1 from (select distinct tenant_id, refund_payer_id from new_rows where refund_payer_id is not null) n
         where not exists (select 1 from payer p where p.tenant_id = n.tenant_id and p.id = n.refund_payer_id);
        if found then
          ${raiseForeignKeyViolation('credit', 'credit_refund_payer_fk', 'A credit names a refund payer that does not exist for its tenant.')}
        end if;
        if (select count(*) from (select distinct worklist_id from new_rows where worklist_id is not null) d)
           <> (select count(*) from (select w.id from worklist w
                                      where w.id in (select n.worklist_id from new_rows n where n.worklist_id is not null and n.tenant_id = w.tenant_id)
                                        for key share) locked) then
          ${raiseForeignKeyViolation('credit', 'credit_worklist_fk', 'A credit names a worklist that does not exist for its tenant.')}
        end if;
        return null;
      end $$;
      create trigger credit_references_insert after insert on credit
        referencing new table as new_rows
        for each statement execute function credit_check_references();
      create trigger credit_references_update after update on credit
        referencing new table as new_rows
        for each statement execute function credit_check_references();

      create function credit_refuse_rekey() returns trigger language plpgsql as $$
      begin
        if new.account_id is distinct from old.account_id or new.tenant_id is distinct from old.tenant_id then
          raise exception 'a credit stays on its account and tenant' using errcode = 'restrict_violation', table = 'credit';
        end if;
        return new;
      end $$;
      create trigger credit_account_fixed before update of account_id, tenant_id on credit
        for each row execute function credit_refuse_rekey();

      create function worklist_refuse_delete_in_use() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from credit c where c.tenant_id = old.tenant_id and c.worklist_id = old.id) then
          ${raiseForeignKeyViolation('worklist', 'credit_worklist_fk', 'Credits still name the worklist: place them elsewhere first.', 'credit')}
        end if;
        return null;
      end $$;
      create trigger worklist_in_use after delete or update of id, tenant_id on worklist
        for each row execute function worklist_refuse_delete_in_use();

      create trigger account_kept before delete or update of id, tenant_id on account
        for each row execute function refuse_reference_change();
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop trigger account_kept on account;
      drop trigger worklist_in_use on worklist;
      drop function worklist_refuse_delete_in_use();
      drop trigger credit_account_fixed on credit;
      drop function credit_refuse_rekey();
      drop trigger credit_references_update on credit;
      drop trigger credit_references_insert on credit;
      drop function credit_check_references();
      alter table credit_rollup add constraint credit_rollup_tenant_id_fkey foreign key (tenant_id) references tenant (id);
      alter table credit
        add constraint credit_account_fk foreign key (tenant_id, account_id) references account (tenant_id, id),
        add constraint credit_refund_payer_fk foreign key (tenant_id, refund_payer_id) references payer (tenant_id, id),
        add constraint credit_worklist_fk foreign key (tenant_id, worklist_id) references worklist (tenant_id, id);
    `);
  }
}
