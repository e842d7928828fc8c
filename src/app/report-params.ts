import type { Role } from '../domain/context/role.js';
import { CreditStatus, RootCauseCode } from '../domain/credits/credit-enums.js';
import { BadInputError } from '../domain/errors.js';
import { MoneyFormatError, parseMoney } from '../domain/money/money.js';
import { PayerKind } from '../domain/payers/payer-kind.js';
import { RefundStatus } from '../domain/refunds/refund-request.entity.js';
import type { ReportDefinition } from '../domain/reports/report.js';
import { agingByPatientReport } from '../domain/reports/aging-by-patient.report.js';
import { creditBalanceReport, type CreditReportParams } from '../domain/reports/credit-balance.report.js';
import { refundsRegisterReport } from '../domain/reports/refunds-register.report.js';
import { worklistExportReport } from '../domain/reports/worklist-export.report.js';
import { UnclaimedStage, unclaimedPropertyReport } from '../domain/reports/unclaimed-property.report.js';
import { medicareCreditBalanceReport, parseQuarter } from '../domain/reports/medicare-credit-balance.report.js';
import { isUuid } from '../domain/ids.js';
import { READ_CREDITS, READ_PHI, READ_WORK } from '../resolvers/access.js';

/** Query-string values as Express parses them. */
export type QueryParams = Record<string, string | string[] | undefined>;

export interface ReportRoute {
  roles: readonly Role[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of reports of every row type
  def: ReportDefinition<any, any>;
  /** Parses and validates the query string into the report's parameters (BadInputError naming it). */
  params: (q: QueryParams) => unknown;
}

/** A list parameter, given as `a,b` or repeated; every value must be one of `allowed` when given. */
function list(q: QueryParams, name: string, allowed?: readonly string[]): string[] | null {
  const raw = q[name];
  if (raw === undefined) return null;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const v of values) {
    if (allowed && !allowed.includes(v)) throw new BadInputError(name, `"${v}" is not one of ${allowed.join(', ')}`);
  }
  return values.length ? values : null;
}

function single(q: QueryParams, name: string): string | null {
  const raw = q[name];
  if (raw === undefined) return null;
  if (Array.isArray(raw)) throw new BadInputError(name, 'is given more than once');
  return raw;
}

export function instantParam(q: QueryParams, name: string): Date | null {
  const raw = single(q, name);
  if (raw === null) return null;
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(date.getTime())) throw new BadInputError(name, 'must be an ISO-8601 date or date-time');
  return date;
}

function creditParams(q: QueryParams): CreditReportParams {
  const min = single(q, 'minAmount');
  let minAmount = null;
  try {
    minAmount = min === null ? null : parseMoney(min);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new BadInputError('minAmount', 'must be a decimal amount');
    throw error;
  }
  return {
    statuses: list(q, 'statuses', Object.values(CreditStatus)),
    payerCodes: list(q, 'payerCodes'),
    payerKinds: list(q, 'payerKinds', Object.values(PayerKind)),
    rootCauses: list(q, 'rootCauses', Object.values(RootCauseCode)),
    locations: list(q, 'locations'),
    minAmount,
  };
}

function uuids(q: QueryParams, name: string): string[] | null {
  const values = list(q, name);
  for (const v of values ?? []) if (!isUuid(v)) throw new BadInputError(name, `"${v}" is not an id`);
  return values;
}

const route = <P, R>(roles: readonly Role[], def: ReportDefinition<P, R>, params: (q: QueryParams) => P): ReportRoute => ({ roles, def, params });

/** The CSV reports by name, each with the roles that read its GraphQL query. */
export const REPORT_ROUTES: Record<string, ReportRoute> = {
  'credit-balance': route(READ_CREDITS, creditBalanceReport, creditParams),
  'aging-by-patient': route(READ_PHI, agingByPatientReport, (q) => ({ locations: list(q, 'locations') })),
  'refunds-register': route(READ_CREDITS, refundsRegisterReport, (q) => ({
    from: instantParam(q, 'from'),
    to: instantParam(q, 'to'),
    statuses: list(q, 'statuses', Object.values(RefundStatus)),
  })),
  'medicare-credit-balance': route(READ_PHI, medicareCreditBalanceReport, (q) => {
    const quarter = single(q, 'quarter');
    if (!quarter) throw new BadInputError('quarter', 'is required, e.g. quarter=2026Q3');
    parseQuarter(quarter);
    return { quarter, locations: list(q, 'locations') };
  }),
  'unclaimed-property': route(READ_PHI, unclaimedPropertyReport, (q) => {
    const stage = list(q, 'stage', Object.values(UnclaimedStage));
    if (stage && stage.length > 1) throw new BadInputError('stage', 'takes one stage (or none for both)');
    return { stage: (stage?.[0] as UnclaimedStage | undefined) ?? null, states: list(q, 'states') };
  }),
  'worklist-export': route(READ_WORK, worklistExportReport, (q) => ({ ...creditParams(q), worklistIds: uuids(q, 'worklistIds') })),
};
