import { sql, type RawBuilder } from 'kysely';
import { BadInputError } from '../errors.js';
import { Decimal } from '../money/money.js';

/** A value of a report cell, as the GraphQL row carries it and the CSV prints it. */
export type Cell = string | number | boolean | Decimal | Date | null;

/** One column: its name (the GraphQL field and the CSV header), how to read it, whether it is PHI. */
export interface ReportColumn<R> {
  name: string;
  value: (row: R) => Cell;
  /** Printed only for callers who may read PHI; each read is audited. */
  phi?: boolean;
}

/**
 * A report: one SQL query, read page by page (GraphQL, keyset) or streamed whole (CSV) — the same
 * query, the same row mapping and the same columns both ways, so the two cannot disagree.
 *
 * `query` selects the report's columns plus `sort_key` and `row_id`, unique together: pages and the
 * stream are ordered by them, and a page continues after the last (sort_key, row_id) it returned.
 */
export interface ReportDefinition<P, R> {
  name: string;
  query: (tenantId: string, params: P, asOf: Date) => RawBuilder<Record<string, unknown>>;
  /** SQL types of sort_key and row_id, to compare a cursor's values with them. */
  keyTypes: readonly [string, string];
  fromDb: (row: Record<string, unknown>) => R;
  columns: readonly ReportColumn<R>[];
  /** The accounts a row shows PHI of (for the phi.read audit event). */
  accountIds: (row: R) => string[];
}

export interface ReportPage<R> {
  rows: R[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const MAX_REPORT_PAGE = 500;

/** The cursor of a page row: its keys as PostgreSQL's own text (a JS Date would lose microseconds). */
function encodeCursor(row: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify([String(row.cursor_sort_key), String(row.cursor_row_id)])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through: not a cursor of ours
  }
  throw new BadInputError('after', 'is not a cursor this report returned');
}

/** The whole report in key order (for the CSV stream). */
export function reportQuery<P, R>(def: ReportDefinition<P, R>, tenantId: string, params: P, asOf: Date): RawBuilder<Record<string, unknown>> {
  return sql<Record<string, unknown>>`select * from (${def.query(tenantId, params, asOf)}) r order by r.sort_key, r.row_id`;
}

/** One keyset page: rows after the cursor, limit + 1 to know whether another page follows. */
export function reportPageQuery<P, R>(
  def: ReportDefinition<P, R>,
  tenantId: string,
  params: P,
  asOf: Date,
  first: number,
  after?: string | null,
): RawBuilder<Record<string, unknown>> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_REPORT_PAGE) {
    throw new BadInputError('first', `must be between 0 and ${MAX_REPORT_PAGE} (got ${first})`);
  }
  const [k1, k2] = def.keyTypes;
  const from = after ? decodeCursor(after) : null;
  const seek = from ? sql`where (r.sort_key, r.row_id) > (cast(${from[0]} as ${sql.raw(k1)}), cast(${from[1]} as ${sql.raw(k2)}))` : sql``;
  return sql<Record<string, unknown>>`
    select r.*, r.sort_key::text as cursor_sort_key, r.row_id::text as cursor_row_id
      from (${def.query(tenantId, params, asOf)}) r ${seek} order by r.sort_key, r.row_id limit ${first + 1}`;
}

export function toPage<P, R>(def: ReportDefinition<P, R>, raw: Record<string, unknown>[], first: number): ReportPage<R> {
  const hasNextPage = raw.length > first;
  const rows = raw.slice(0, first);
  return { rows: rows.map(def.fromDb), hasNextPage, endCursor: rows.length ? encodeCursor(rows[rows.length - 1]!) : null };
}

/** RFC 4180 field: quoted only when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A cell as text, the way GraphQL serializes it: money with 2 digits, instants in ISO-8601 UTC. */
export function cellText(value: Cell): string {
  if (value === null) return '';
  if (value instanceof Decimal) return value.toFixed(2);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** The columns a caller gets: PHI columns only with the PHI right. */
export function visibleColumns<R>(def: { columns: readonly ReportColumn<R>[] }, canReadPhi: boolean): readonly ReportColumn<R>[] {
  return canReadPhi ? def.columns : def.columns.filter((c) => !c.phi);
}

export function csvHeader<R>(columns: readonly ReportColumn<R>[]): string {
  return columns.map((c) => csvField(c.name)).join(',') + '\r\n';
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) gets a
 * leading apostrophe (OWASP's CSV-injection advice); amounts, counts and instants are never text.
 */
function defused(value: Cell): string {
  const out = cellText(value);
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(out) ? `'${out}` : out;
}

export function csvLine<R>(columns: readonly ReportColumn<R>[], row: R): string {
  return columns.map((c) => csvField(defused(c.value(row)))).join(',') + '\r\n';
}

// Helpers for fromDb: pg gives numeric as text, timestamptz as Date (or text), integers as numbers.
export const money = (v: unknown): Decimal => new Decimal(String(v));
export const moneyOrNull = (v: unknown): Decimal | null => (v === null || v === undefined ? null : money(v));
export const instant = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
export const instantOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : instant(v));
export const text = (v: unknown): string => String(v);
export const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
