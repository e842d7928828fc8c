import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors.js';
import { Account } from './account.entity.js';

/** Claim-level facts of one claim number (UB-04 type of bill, stay dates, the payer's ICN). */
export interface ClaimDetails {
  claimNumber: string;
  typeOfBill?: string | null;
  /** `YYYY-MM-DD`. */
  admissionDate?: string | null;
  dischargeDate?: string | null;
  icn?: string | null;
}

/**
 * What can be set on an account: a field left out keeps its value, `null` clears it. Names and the
 * member id are PHI: they go to the database and nowhere else (never to logs, audit values or jobs).
 */
export interface AccountDetails {
  location?: string | null;
  patientName?: string | null;
  guarantorName?: string | null;
  payerMemberId?: string | null;
  state?: string | null;
  claims?: ClaimDetails[] | null;
}

/** One account's details for a bulk load (the synthetic practice): every field given. */
export interface AccountDetailsRow {
  accountNumber: string;
  location: string | null;
  patientName: string | null;
  guarantorName: string | null;
  payerMemberId: string | null;
  state: string | null;
}

/** A claim for a bulk load; the stay dates are given relative to the claim's first service date. */
export interface ClaimDetailsRow {
  claimNumber: string;
  accountNumber: string;
  typeOfBill: string | null;
  icn: string | null;
  /** Days from admission to discharge; admission is the claim's earliest service (else posting) date in the ledger. */
  stayDays: number;
}

const ACCOUNT_FIELDS = ['location', 'patientName', 'guarantorName', 'payerMemberId', 'state'] as const;
const COLUMN: Record<(typeof ACCOUNT_FIELDS)[number], string> = {
  location: 'location',
  patientName: 'patient_name',
  guarantorName: 'guarantor_name',
  payerMemberId: 'payer_member_id',
  state: 'state',
};
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkText(field: string, value: string | null | undefined, max: number, pattern?: RegExp): void {
  if (value === undefined || value === null) return;
  if (value.trim() !== value || value.length < 1 || value.length > max) {
    throw new BadInputError(field, `must be 1 to ${max} characters without surrounding spaces`);
  }
  if (pattern && !pattern.test(value)) throw new BadInputError(field, `has an invalid format`);
}

function checkDate(field: string, value: string | null | undefined): void {
  if (value === undefined || value === null) return;
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new BadInputError(field, 'must be a date YYYY-MM-DD');
  }
}

/** Validates a details input; errors name the field (`input.claims[1].admissionDate`). */
export function validateAccountDetails(input: AccountDetails): void {
  checkText('input.location', input.location, 64);
  checkText('input.patientName', input.patientName, 200);
  checkText('input.guarantorName', input.guarantorName, 200);
  checkText('input.payerMemberId', input.payerMemberId, 64);
  checkText('input.state', input.state, 2, /^[A-Z]{2}$/);
  const seen = new Set<string>();
  (input.claims ?? []).forEach((c, i) => {
    const at = `input.claims[${i}]`;
    checkText(`${at}.claimNumber`, c.claimNumber, 64);
    if (seen.has(c.claimNumber)) throw new BadInputError(`${at}.claimNumber`, 'appears twice');
    seen.add(c.claimNumber);
    checkText(`${at}.typeOfBill`, c.typeOfBill, 4, /^[0-9]{3,4}$/);
    checkText(`${at}.icn`, c.icn, 64);
    checkDate(`${at}.admissionDate`, c.admissionDate);
    checkDate(`${at}.dischargeDate`, c.dischargeDate);
    if (c.admissionDate && c.dischargeDate && c.dischargeDate < c.admissionDate) {
      throw new BadInputError(`${at}.dischargeDate`, 'is before the admission date');
    }
  });
}

/** Sets the reporting details of accounts and their claims. */
export class AccountDetailsService {
  constructor(private readonly audit: AuditService) {}

  /**
   * Updates one account's details and upserts its claims, in the request's transaction. The audit
   * event names the fields changed, never their values (PHI stays in its columns).
   */
  async update(ctx: RequestContext, accountNumber: string, input: AccountDetails): Promise<Account> {
    validateAccountDetails(input);
    const em = await ctx.uow.tx();
    const account = await em.findOne(Account, { accountNumber });
    if (!account) throw new NotFoundError('account', accountNumber);

    const given = ACCOUNT_FIELDS.filter((f) => input[f] !== undefined);
    if (given.length) {
      const sets = given.map((f) => sql`${sql.ref(COLUMN[f])} = ${input[f] ?? null}`);
      await ctx.uow.affected(sql`update account set ${sql.join(sets)} where id = ${account.id}::uuid`);
    }
    for (const [i, claim] of (input.claims ?? []).entries()) {
      const owner = await ctx.uow.one<{ account_id: string }>(sql`
        insert into claim (tenant_id, claim_number, account_id, type_of_bill, admission_date, discharge_date, icn)
        values (${ctx.tenantId}, ${claim.claimNumber}, ${account.id}::uuid, ${claim.typeOfBill ?? null},
                ${claim.admissionDate ?? null}::date, ${claim.dischargeDate ?? null}::date, ${claim.icn ?? null})
        on conflict (tenant_id, claim_number) do update set
          type_of_bill = case when claim.account_id = excluded.account_id then excluded.type_of_bill else claim.type_of_bill end,
          admission_date = case when claim.account_id = excluded.account_id then excluded.admission_date else claim.admission_date end,
          discharge_date = case when claim.account_id = excluded.account_id then excluded.discharge_date else claim.discharge_date end,
          icn = case when claim.account_id = excluded.account_id then excluded.icn else claim.icn end,
          updated_at = now()
        returning account_id`);
      if (owner?.account_id !== account.id) {
        throw new ConflictError(`input.claims[${i}].claimNumber: claim "${claim.claimNumber}" belongs to another account`, {
          field: `input.claims[${i}].claimNumber`,
        });
      }
    }
    await this.audit.record(ctx, {
      action: 'account.details',
      subjectType: 'account',
      subjectId: account.id,
      after: { fields: given, claims: (input.claims ?? []).map((c) => c.claimNumber) },
    });
    return em.findOneOrFail(Account, { id: account.id }, { refresh: true });
  }

  /**
   * Bulk load for the synthetic practice and imports: set-based (`unnest`), one statement for the
   * accounts and one for the claims, whose admission date is the claim's first service date; a
   * claim number the account's ledger never names gets no claim row.
   */
  async applyBulk(db: SqlRunner, tenantId: string, accounts: readonly AccountDetailsRow[], claims: readonly ClaimDetailsRow[]): Promise<void> {
    const col = <T, K extends keyof T>(rows: readonly T[], key: K) => rows.map((r) => r[key]);
    if (accounts.length) {
      await db.affected(sql`
        update account a set location = d.location, patient_name = d.patient_name, guarantor_name = d.guarantor_name,
               payer_member_id = d.payer_member_id, state = d.state
          from unnest(${col(accounts, 'accountNumber')}::text[], ${col(accounts, 'location')}::text[],
                      ${col(accounts, 'patientName')}::text[], ${col(accounts, 'guarantorName')}::text[],
                      ${col(accounts, 'payerMemberId')}::text[], ${col(accounts, 'state')}::text[])
               as d(account_number, location, patient_name, guarantor_name, payer_member_id, state)
         where a.tenant_id = ${tenantId} and a.account_number = d.account_number`);
    }
    if (claims.length) {
      await db.affected(sql`
        insert into claim (tenant_id, claim_number, account_id, type_of_bill, admission_date, discharge_date, icn)
        select ${tenantId}, d.claim_number, a.id, d.type_of_bill, s.first_service, s.first_service + d.stay_days, d.icn
          from unnest(${col(claims, 'claimNumber')}::text[], ${col(claims, 'accountNumber')}::text[],
                      ${col(claims, 'typeOfBill')}::text[], ${col(claims, 'icn')}::text[], ${col(claims, 'stayDays')}::integer[])
               as d(claim_number, account_number, type_of_bill, icn, stay_days)
          join account a on a.tenant_id = ${tenantId} and a.account_number = d.account_number
          join lateral (select coalesce(min(e.service_date), min(e.posted_at)::date) as first_service from ledger_entry e
                         where e.account_id = a.id and e.claim_number = d.claim_number) s on s.first_service is not null
        on conflict (tenant_id, claim_number) do nothing`);
    }
  }
}
