/**
 * The row-level security every tenant table gets: enabled and forced (the owner too), one policy
 * on the transaction-local app.tenant_id for reads and writes. Shared by the migrations.
 */
export function tenantIsolation(table: string, column = 'tenant_id'): string {
  return `
    alter table ${table} enable row level security;
    alter table ${table} force row level security;
    create policy tenant_isolation on ${table}
      using (${column} = current_setting('app.tenant_id', true))
      with check (${column} = current_setting('app.tenant_id', true));
  `;
}

/** A trigger that refuses UPDATE and DELETE on an append-only table, for everyone. */
export function appendOnly(table: string, message: string): string {
  return `
    create function ${table}_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '${message}' using errcode = 'P0001';
    end $$;
    create trigger ${table}_append_only before update or delete on ${table}
      for each row execute function ${table}_refuse_change();
  `;
}

/**
 * The RAISE a set-based reference check ends with: the message, SQLSTATE 23503 and constraint name a
 * foreign key would give, so callers tell the two apart by nothing (Migration20261202500000).
 */
export function raiseForeignKeyViolation(table: string, constraint: string, detail: string, onTable?: string): string {
  const action = onTable ? 'update or delete' : 'insert or update';
  const suffix = onTable ? ` on table "${onTable}"` : '';
  return `raise exception '${action} on table "${table}" violates foreign key constraint "${constraint}"${suffix}'
            using errcode = 'foreign_key_violation', constraint = '${constraint}', table = '${table}',
                  detail = '${detail}';`;
}
