import { Migration } from '@mikro-orm/migrations';
import { appendOnly, tenantIsolation } from './tenant-isolation.js';

/**
 * Resolution workflows: refund requests with their approvals, and the audit trail — append-only,
 * hash-chained per tenant so that an edited or deleted event is detectable.
 */
export class Migration20261122030000_resolution_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table tenant_policy
        add column second_approval_threshold numeric(14,2) not null default 5000.00 check (second_approval_threshold > 0),
        add column auto_adjust_government boolean not null default false,
        add column auto_adjust_patient boolean not null default false;

      alter table credit
        add column resolved_by text,
        add column closed_by text,
        add column reopened_count integer not null default 0,
        add constraint credit_tenant_id_id_unique unique (tenant_id, id);

      create table refund_request (
        id uuid primary key default gen_random_uuid(),
        tenant_id text not null references tenant (id),
        credit_id uuid not null,
        amount numeric(14,2) not null check (amount > 0),
        reason_code text not null check (reason_code in ('DUPLICATE','OVERPAYMENT','POSTED_IN_ERROR','COB','PATIENT_REQUESTED','OTHER')),
        reason text not null,
        payee_payer_id uuid,
        status text not null check (status in ('REQUESTED','APPROVED','REJECTED','ISSUED','VOIDED')),
        documents jsonb not null default '[]',
        requested_by text not null,
        approved_by text,
        second_approved_by text,
        rejected_by text,
        rejection_reason text,
        reference text,
        issued_by text,
        issued_at timestamptz,
        voided_by text,
        void_reason text,
        voided_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint refund_request_credit_fk foreign key (tenant_id, credit_id) references credit (tenant_id, id),
        constraint refund_request_payee_fk foreign key (tenant_id, payee_payer_id) references payer (tenant_id, id)
      );
      create index refund_request_credit_index on refund_request (credit_id, created_at);

      create table audit_event (
        id bigint generated always as identity primary key,
        tenant_id text not null references tenant (id),
        seq bigint not null,
        at timestamptz not null,
        actor text not null,
        action text not null,
        subject_type text not null,
        subject_id text not null,
        before jsonb,
        after jsonb,
        reason text,
        prev_hash text not null,
        hash text not null,
        constraint audit_event_tenant_seq_unique unique (tenant_id, seq)
      );
      create index audit_event_subject_index on audit_event (tenant_id, subject_type, subject_id, seq);
    `);
    this.addSql(appendOnly('audit_event', 'audit_event is append-only'));
    for (const table of ['refund_request', 'audit_event']) this.addSql(tenantIsolation(table));
  }
}
