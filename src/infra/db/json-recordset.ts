import { sql, type RawBuilder } from 'kysely';

/**
 * Rows of the same shape as a relation `alias`, sent as one JSON document and read back with
 * `jsonb_to_recordset`: one native JSON.stringify in Node and one jsonb parse in PostgreSQL, where
 * `unnest` over one array parameter per column costs the driver an escape per element and
 * PostgreSQL a parse per element (jsonb values included). `columns` maps each key of the rows to
 * its SQL type; money travels as decimal strings, so it stays exact.
 */
export function jsonRecordset(rows: readonly object[], columns: Readonly<Record<string, string>>, alias = 'u'): RawBuilder<unknown> {
  const definition = Object.entries(columns)
    .map(([name, type]) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name) || !/^[a-z][a-z0-9 ()]*$/.test(type)) throw new Error(`jsonRecordset: bad column ${name} ${type}`);
      return `${name} ${type}`;
    })
    .join(', ');
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as ${sql.raw(alias)}(${sql.raw(definition)})`;
}
