import { Role } from '../domain/context/role.js';

/**
 * Who may call what: the role matrix of README.md, in one place. Every query, mutation and
 * sensitive field names one of these sets in its @Authorized decorator.
 */
const { ADMIN, ANALYST, APPROVER, AUDITOR, PARTNER, BI, JOB_RUNNER } = Role;

/** Credits, payers, refunds: everyone who works or integrates credits. */
export const READ_CREDITS = [ADMIN, ANALYST, APPROVER, AUDITOR, PARTNER];
/** KPI aggregates: the readers of credits plus BI tools. */
export const READ_KPIS = [ADMIN, ANALYST, APPROVER, AUDITOR, PARTNER, BI];
/** Patient identifiers (patientId, guarantorId) and account lookups: not partners, not BI. */
export const READ_PHI = [ADMIN, ANALYST, APPROVER, AUDITOR];
/** Setting an account's reporting details (location, names, member id, claims). */
export const EDIT_ACCOUNTS = [ADMIN, ANALYST, JOB_RUNNER];
/** Configuration: payers (and later policies and worklists). */
export const CONFIGURE = [ADMIN];
/** Posting ledger entries from integrations and scripts. */
export const INGEST = [ADMIN, JOB_RUNNER];
/** Triggering bulk jobs. */
export const RUN_JOBS = [ADMIN, JOB_RUNNER];
/** Reading bulk jobs. */
export const READ_JOBS = [ADMIN, JOB_RUNNER, AUDITOR];
/** Worklists and the work queue: the people who work credits and those who audit them. */
export const READ_WORK = [ADMIN, ANALYST, APPROVER, AUDITOR];
/** Taking and assigning work. */
export const WORK_CREDITS = [ADMIN, ANALYST];
/** Compliance decisions on deadlines (suspending a Medicare clock for an investigation). */
export const DECIDE = [ADMIN, APPROVER];
/** Approving and issuing money out. */
export const APPROVE = [APPROVER];
export const PAY_OUT = [ADMIN, APPROVER];
/** The audit trail. */
export const READ_AUDIT = [ADMIN, ANALYST, APPROVER, AUDITOR];
export const VERIFY_AUDIT = [ADMIN, AUDITOR];
