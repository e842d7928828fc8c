import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import type { ReportPage } from '../domain/reports/report.js';
import { agingByPatientReport } from '../domain/reports/aging-by-patient.report.js';
import { creditBalanceReport } from '../domain/reports/credit-balance.report.js';
import { refundsRegisterReport } from '../domain/reports/refunds-register.report.js';
import { worklistExportReport } from '../domain/reports/worklist-export.report.js';
import { medicareCreditBalanceReport, parseQuarter } from '../domain/reports/medicare-credit-balance.report.js';
import { UnclaimedStage, unclaimedPropertyReport } from '../domain/reports/unclaimed-property.report.js';
import {
  AgingByPatientReportPage,
  CreditBalanceReportPage,
  CreditReportFilter,
  MedicareCreditBalanceReportPage,
  UnclaimedPropertyReportPage,
  RefundsRegisterFilter,
  RefundsRegisterPage,
  WorklistExportPage,
} from '../schema/report.type.js';
import { READ_CREDITS, READ_PHI, READ_WORK } from './access.js';

/** A report page priced like credits: `first` × the row's selection. */
const pageCost = ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) =>
  1 + Math.max(0, Number(args.first ?? 50)) * childComplexity;

const connection = <R>(page: ReportPage<R>) => ({ rows: page.rows, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } });

/** The reports as keyset-paged queries; the same reports stream as CSV from GET /reports/<name>.csv. */
@Resolver()
export class ReportResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_CREDITS)
  @Query(() => CreditBalanceReportPage, { description: 'Credit balance report: credits of the filter, oldest first. first: default 50, at most 500.', complexity: pageCost })
  async creditBalanceReport(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => CreditReportFilter, { nullable: true }) filter?: CreditReportFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return connection(await this.services.reports.page(ctx, creditBalanceReport, filter ?? {}, first, after));
  }

  @Authorized(READ_PHI)
  @Query(() => AgingByPatientReportPage, { description: 'Aging by patient (seed 004): patients with open credits, by patient id.', complexity: pageCost })
  async agingByPatientReport(
    @Ctx() ctx: RequestContext,
    @Arg('locations', () => [String], { nullable: true }) locations?: string[],
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return connection(await this.services.reports.page(ctx, agingByPatientReport, { locations }, first, after));
  }

  @Authorized(READ_CREDITS)
  @Query(() => RefundsRegisterPage, { description: 'Refunds register: refund requests in request order.', complexity: pageCost })
  async refundsRegister(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => RefundsRegisterFilter, { nullable: true }) filter?: RefundsRegisterFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return connection(await this.services.reports.page(ctx, refundsRegisterReport, filter ?? {}, first, after));
  }

  @Authorized(READ_WORK)
  @Query(() => WorklistExportPage, { description: 'Worklist export: open credits of the worklists (default all), earliest deadline first.', complexity: pageCost })
  async worklistExport(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => CreditReportFilter, { nullable: true }) filter?: CreditReportFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return connection(await this.services.reports.page(ctx, worklistExportReport, filter ?? {}, first, after));
  }

  @Authorized(READ_PHI)
  @Query(() => MedicareCreditBalanceReportPage, {
    description: 'Medicare credit balance report (form CMS-838 detail page) for a quarter ("2026Q3") and the locations of one provider number.',
    complexity: pageCost,
  })
  async medicareCreditBalanceReport(
    @Ctx() ctx: RequestContext,
    @Arg('quarter', () => String) quarter: string,
    @Arg('locations', () => [String], { nullable: true }) locations?: string[],
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await this.services.reports.page(ctx, medicareCreditBalanceReport, { quarter, locations }, first, after);
    return { quarterEnded: parseQuarter(quarter).lastDay, ...connection(page) };
  }

  @Authorized(READ_PHI)
  @Query(() => UnclaimedPropertyReportPage, {
    description: 'Unclaimed property: patient credits dormant under their state rule — the due-diligence list and the escheatment report (stage).',
    complexity: pageCost,
  })
  async unclaimedPropertyReport(
    @Ctx() ctx: RequestContext,
    @Arg('stage', () => UnclaimedStage, { nullable: true }) stage?: UnclaimedStage,
    @Arg('states', () => [String], { nullable: true }) states?: string[],
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return connection(await this.services.reports.page(ctx, unclaimedPropertyReport, { stage, states }, first, after));
  }
}
