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
