import type { RequestContext } from '../context/request-context.js';
import { reportPageQuery, toPage, type ReportDefinition, type ReportPage } from './report.js';

/** Reads reports page by page in the request's transaction (the CSV route streams the same queries). */
export class ReportService {
  /**
   * One keyset page of a report, ordered by its key; `after` is the previous page's endCursor.
   * PHI columns are returned to the resolver, whose field rules decide who sees them.
   */
  async page<P, R>(ctx: RequestContext, def: ReportDefinition<P, R>, params: P, first?: number | null, after?: string | null): Promise<ReportPage<R>> {
    const limit = first ?? 50;
    const raw = await ctx.reads.rows(reportPageQuery(def, ctx.tenantId, params, ctx.now, limit, after));
    return toPage(def, raw, limit);
  }
}
