import type { RequestContext } from '../context/request-context.js';
import type { TenantService } from '../tenancy/tenant.service.js';
import { applyStagedEntries, createStagingTable, stageEntries, type ApplyResult } from './ledger-staging.js';
import { validateLedgerBatch, type LedgerEntryDraft } from './ledger-entry-validation.js';

export class LedgerPostingService {
  constructor(private readonly tenants: TenantService) {}

  /**
   * Posts a batch of entries, all or nothing, inside the caller's transaction. A replayed
   * externalId with the same content is skipped; with other content the whole batch is a CONFLICT.
   */
  async post(ctx: RequestContext, entries: readonly LedgerEntryDraft[]): Promise<ApplyResult> {
    const staged = validateLedgerBatch(entries, ctx.now);
    if (staged.length === 0) return { posted: 0, skippedDuplicates: 0 };
    await this.tenants.ensure(ctx);
    await createStagingTable(ctx.uow);
    await stageEntries(ctx.uow, staged);
    return applyStagedEntries(ctx.uow, ctx.tenantId, (line) => `entries[${line}]`);
  }
}
