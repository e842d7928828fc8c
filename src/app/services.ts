import { AccountService } from '../domain/accounts/account.service.js';
import { CreditDetectionService } from '../domain/credits/credit-detection.service.js';
import { CreditService } from '../domain/credits/credit.service.js';
import type { JobScheduler } from '../domain/jobs/job-run.service.js';
import { JobRunService } from '../domain/jobs/job-run.service.js';
import { CreditKpiService } from '../domain/kpis/credit-kpis.service.js';
import { GroupedKpiService } from '../domain/kpis/grouped-kpis.service.js';
import { KpiSnapshotService } from '../domain/kpis/kpi-snapshot.service.js';
import { KpiTrendService } from '../domain/kpis/kpi-trend.service.js';
import { KpiBackfillService } from '../domain/kpis/kpi-backfill.service.js';
import { LedgerPostingService } from '../domain/ledger/ledger-posting.service.js';
import { PayerService } from '../domain/payers/payer.service.js';
import { TenantService } from '../domain/tenancy/tenant.service.js';
import { ClassificationService } from '../domain/classification/classification.service.js';
import { WorklistService } from '../domain/worklists/worklist.service.js';
import { DeadlineSuspensionService } from '../domain/credits/deadline-suspension.service.js';
import { AuditService } from '../domain/audit/audit.service.js';
import { CreditSettlement } from '../domain/credits/credit-settlement.js';
import { RefundService } from '../domain/refunds/refund.service.js';
import { CreditWorkService } from '../domain/credits/credit-work.service.js';
import { AutoAdjustService } from '../domain/credits/auto-adjust.service.js';
import { CreditTransferService } from '../domain/credits/credit-transfer.service.js';
import { CreditReapplicationService } from '../domain/credits/credit-reapplication.service.js';

/** The composition root of the domain: every service, wired once per process. */
export function createServices(scheduler: JobScheduler, options: { autoAdjustBatch?: number } = {}) {
  const tenants = new TenantService();
  const audit = new AuditService();
  const settlement = new CreditSettlement(audit);
  const jobs = new JobRunService(tenants, scheduler, audit);
  return {
    audit,
    refunds: new RefundService(settlement, audit),
    creditWork: new CreditWorkService(settlement, audit),
    autoAdjust: new AutoAdjustService(audit, options.autoAdjustBatch),
    transfers: new CreditTransferService(settlement),
    reapplication: new CreditReapplicationService(audit),
    tenants,
    payers: new PayerService(tenants),
    accounts: new AccountService(),
    ledger: new LedgerPostingService(tenants),
    credits: new CreditService(),
    kpis: new CreditKpiService(),
    groupedKpis: new GroupedKpiService(),
    kpiSnapshots: new KpiSnapshotService(),
    kpiTrends: new KpiTrendService(),
    kpiBackfill: new KpiBackfillService(jobs),
    jobs,
    detection: new CreditDetectionService(),
    classification: new ClassificationService(),
    worklists: new WorklistService(tenants, audit),
    deadlines: new DeadlineSuspensionService(audit),
  };
}

export type Services = ReturnType<typeof createServices>;
