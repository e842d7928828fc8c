export enum JobState {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/** Bulk job kinds; each has one queue and one processor file in src/jobs. */
export enum JobKind {
  CREDIT_DETECTION = 'credit-detection',
  AUTO_ADJUST = 'auto-adjust',
  CREDIT_REAPPLICATION = 'credit-reapplication',
  REMITTANCE_IMPORT = 'remittance-import',
  KPI_SNAPSHOT = 'kpi-snapshot',
}
