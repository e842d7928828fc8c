import { AccountService } from '../domain/accounts/account.service.js';
import { EscheatmentService } from '../domain/credits/escheatment.service.js';
import { ReportingPolicyService } from '../domain/policies/reporting-policy.service.js';
import { ReportService } from '../domain/reports/report.service.js';
import { AccountDetailsService } from '../domain/accounts/account-details.service.js';
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
import { RemittanceImportService } from '../domain/remittance/remittance-import.service.js';
import { RemittanceUploadService } from '../domain/remittance/remittance-upload.service.js';
import { ReconciliationService } from '../domain/remittance/reconciliation.service.js';

/** The composition root of the domain: every service, wired once per process. */
export function createServices(scheduler: JobScheduler, options: { autoAdjustBatch?: number; reapplyBatch?: number } = {}) {
  const tenants = new TenantService();
  const audit = new AuditService();
  const settlement = new CreditSettlement(audit);
  const jobs = new JobRunService(tenants, scheduler, audit);
  const detection = new CreditDetectionService();
  const classification = new ClassificationService();
  const worklists = new WorklistService(tenants, audit);
  return {
    audit,
    refunds: new RefundService(settlement, audit),
    creditWork: new CreditWorkService(settlement, audit),
    autoAdjust: new AutoAdjustService(audit, options.autoAdjustBatch),
    transfers: new CreditTransferService(settlement),
    reapplication: new CreditReapplicationService(audit, options.reapplyBatch),
    tenants,
    payers: new PayerService(tenants),
    accounts: new AccountService(),
    accountDetails: new AccountDetailsService(audit),
    reports: new ReportService(),
    reportingPolicy: new ReportingPolicyService(audit),
    escheatment: new EscheatmentService(settlement, audit),
    ledger: new LedgerPostingService(tenants),
    credits: new CreditService(),
    kpis: new CreditKpiService(),
    groupedKpis: new GroupedKpiService(),
    jobs,
    detection,
    classification,
    worklists,
    remittanceUpload: new RemittanceUploadService(tenants, jobs),
    remittanceImport: new RemittanceImportService(detection, classification, worklists),
    reconciliation: new ReconciliationService(),
    kpiSnapshots: new KpiSnapshotService(),
    kpiTrends: new KpiTrendService(),
    kpiBackfill: new KpiBackfillService(jobs),
    deadlines: new DeadlineSuspensionService(audit),
  };
}

export type Services = ReturnType<typeof createServices>;
