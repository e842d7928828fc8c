import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { BadInputError, ConflictError } from '../errors.js';
import { LEDGER_CSV_COLUMNS, LEDGER_CSV_DETAIL_COLUMNS } from './ledger-csv-columns.js';

type DetailColumn = (typeof LEDGER_CSV_DETAIL_COLUMNS)[number];

/** The details of one batch, merged per account and per claim (a later non-empty value wins). */
export class ImportedDetails {
  readonly accounts = new Map<string, Partial<Record<DetailColumn, string>>>();
  readonly claims = new Map<string, { line: number; accountNumber: string; values: Partial<Record<DetailColumn, string>> }>();

  get size(): number {
    return this.accounts.size + this.claims.size;
  }
}

const ACCOUNT_COLUMNS = ['location', 'state', 'patient_name', 'guarantor_name', 'payer_member_id'] as const;
const CLAIM_COLUMNS = ['type_of_bill', 'admission_date', 'discharge_date', 'icn'] as const;
const RULES: Record<DetailColumn, { max: number; pattern?: RegExp }> = {
  location: { max: 64 },
  state: { max: 2, pattern: /^[A-Z]{2}$/ },
  patient_name: { max: 200 },
  guarantor_name: { max: 200 },
  payer_member_id: { max: 64 },
  type_of_bill: { max: 4, pattern: /^[0-9]{3,4}$/ },
  admission_date: { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ },
  discharge_date: { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ },
  icn: { max: 64 },
};

function validDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/**
 * Validates the detail part of a CSV record (LEDGER_CSV_DETAIL_COLUMNS order, after the ledger's
 * columns) and merges it into the batch's details. Errors name `line N.column`, never the value.
 */
export function collectDetails(details: ImportedDetails, record: readonly string[], line: number): void {
  const accountNumber = record[1]!.trim();
  const claimNumber = record[LEDGER_CSV_COLUMNS.indexOf('claim_number')]!.trim();
  const values: Partial<Record<DetailColumn, string>> = {};
  LEDGER_CSV_DETAIL_COLUMNS.forEach((column, i) => {
    const value = record[LEDGER_CSV_COLUMNS.length + i]!.trim();
    if (!value) return;
    const rule = RULES[column];
    if (value.length > rule.max || (rule.pattern && !rule.pattern.test(value)) || (column.endsWith('_date') && !validDate(value))) {
      throw new BadInputError(`line ${line}.${column}`, column.endsWith('_date') ? 'must be a date YYYY-MM-DD' : `is not a valid ${column.replace('_', ' ')}`);
    }
    values[column] = value;
  });
  if (values.admission_date && values.discharge_date && values.discharge_date < values.admission_date) {
    throw new BadInputError(`line ${line}.discharge_date`, 'is before the admission date');
  }
  if (ACCOUNT_COLUMNS.some((c) => values[c])) {
    details.accounts.set(accountNumber, { ...details.accounts.get(accountNumber), ...pick(values, ACCOUNT_COLUMNS) });
  }
  if (CLAIM_COLUMNS.some((c) => values[c])) {
    if (!claimNumber) throw new BadInputError(`line ${line}.claim_number`, 'is required for claim details (type of bill, dates, ICN)');
    const known = details.claims.get(claimNumber);
    if (known && known.accountNumber !== accountNumber) {
      throw new ConflictError(`line ${line}.claim_number: claim "${claimNumber}" is given on two accounts`, { field: `line ${line}.claim_number` });
    }
    details.claims.set(claimNumber, { line, accountNumber, values: { ...known?.values, ...pick(values, CLAIM_COLUMNS) } });
  }
}

function pick<K extends DetailColumn>(values: Partial<Record<DetailColumn, string>>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) if (values[k]) out[k] = values[k];
  return out;
}

/** Writes a batch's details set-based, after its entries (so the accounts exist). Empty keeps a value. */
export async function applyImportedDetails(db: SqlRunner, tenantId: string, details: ImportedDetails): Promise<void> {
  const accounts = [...details.accounts];
  if (accounts.length) {
    const col = (c: (typeof ACCOUNT_COLUMNS)[number]) => accounts.map(([, v]) => v[c] ?? null);
    await db.affected(sql`
      update account a set location = coalesce(d.location, a.location), state = coalesce(d.state, a.state),
             patient_name = coalesce(d.patient_name, a.patient_name), guarantor_name = coalesce(d.guarantor_name, a.guarantor_name),
             payer_member_id = coalesce(d.payer_member_id, a.payer_member_id)
        from unnest(${accounts.map(([n]) => n)}::text[], ${col('location')}::text[], ${col('state')}::text[], ${col('patient_name')}::text[],
                    ${col('guarantor_name')}::text[], ${col('payer_member_id')}::text[])
             as d(account_number, location, state, patient_name, guarantor_name, payer_member_id)
       where a.tenant_id = ${tenantId} and a.account_number = d.account_number`);
  }
  const claims = [...details.claims];
  if (!claims.length) return;
  const col = (c: (typeof CLAIM_COLUMNS)[number]) => claims.map(([, v]) => v.values[c] ?? null);
  const foreign = await db.one<{ line: number; claim_number: string }>(sql`
    with d as (
      select * from unnest(${claims.map(([n]) => n)}::text[], ${claims.map(([, v]) => v.accountNumber)}::text[], ${claims.map(([, v]) => v.line)}::integer[],
                           ${col('type_of_bill')}::text[], ${col('admission_date')}::date[], ${col('discharge_date')}::date[], ${col('icn')}::text[])
             as d(claim_number, account_number, line, type_of_bill, admission_date, discharge_date, icn)
    ), upserted as (
      insert into claim (tenant_id, claim_number, account_id, type_of_bill, admission_date, discharge_date, icn)
      select ${tenantId}, d.claim_number, a.id, d.type_of_bill, d.admission_date, d.discharge_date, d.icn
        from d join account a on a.tenant_id = ${tenantId} and a.account_number = d.account_number
      on conflict (tenant_id, claim_number) do update set
        type_of_bill = coalesce(excluded.type_of_bill, claim.type_of_bill), admission_date = coalesce(excluded.admission_date, claim.admission_date),
        discharge_date = coalesce(excluded.discharge_date, claim.discharge_date), icn = coalesce(excluded.icn, claim.icn), updated_at = now()
       where claim.account_id = excluded.account_id
      returning claim_number
    )
    select d.line, d.claim_number from d where d.claim_number not in (select claim_number from upserted) order by d.line limit 1`);
  if (foreign) {
    throw new ConflictError(`line ${foreign.line}.claim_number: claim "${foreign.claim_number}" belongs to another account`, {
      field: `line ${foreign.line}.claim_number`,
    });
  }
}
