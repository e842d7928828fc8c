import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { RequestContext } from '../context/request-context.js';
import { auditHash, GENESIS, type AuditRecord } from './audit-hash.js';

export interface AuditEventInput {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditEvent extends AuditRecord {
  id: string;
  prevHash: string;
  hash: string;
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  /** The first event whose link does not hold (edited, deleted or reordered), when invalid. */
  brokenAtSeq: number | null;
  problem: string | null;
}

interface Row {
  id: string;
  tenant_id: string;
  seq: string;
  at: Date | string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

/** Whether JSON.stringify then JSON.parse would give the value back unchanged. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i])) return false;
    return true;
  }
  if (typeof value !== 'object' || value === undefined) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
  return true;
}

/**
 * What jsonb will give back: plain JSON (Decimals become their strings, Dates ISO text). Values
 * that already are plain JSON skip the stringify/parse round trip (bulk jobs seal 50,000 events).
 */
const plain = (value: unknown): unknown => (value === undefined || value === null ? null : isPlainJson(value) ? value : JSON.parse(JSON.stringify(value)));

const toEvent = (r: Row): AuditEvent => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  seq: Number(r.seq),
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  before: r.before ?? null,
  after: r.after ?? null,
  reason: r.reason,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** Events sealed into the chain, ready to insert (AuditChain.insertSql). */
export interface SealedEvents {
  readonly rows: readonly (AuditRecord & { prevHash: string; hash: string })[];
}

/**
 * The tenant's chain held open inside one transaction: the advisory lock is taken and the tail read
 * once, then any number of batches are sealed in Node (sha256 per event) and inserted by the
 * caller, possibly inside a larger statement. Valid until the transaction ends; nothing else may
 * append to the tenant's chain in that transaction meanwhile (other transactions wait on the lock).
 */
export class AuditChain {
  constructor(
    private readonly tenantId: string,
    private seq: number,
    private prev: string,
    private readonly at: string,
  ) {}

  seal(actor: string, events: readonly AuditEventInput[]): SealedEvents {
    const rows = events.map((e) => {
      this.seq += 1;
      const record: AuditRecord = {
        tenantId: this.tenantId,
        seq: this.seq,
        at: this.at,
        actor,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        before: plain(e.before),
        after: plain(e.after),
        reason: e.reason ?? null,
      };
      const prevHash = this.prev;
      const hash = auditHash(prevHash, record);
      this.prev = hash;
      return { ...record, prevHash, hash };
    });
    return { rows };
  }

  /**
   * One multi-row INSERT of sealed events. The rows travel as one JSON document (written by the
   * native JSON.stringify, parsed once by PostgreSQL's jsonb parser) rather than as a dozen arrays
   * of escaped elements: bulk jobs send 5,000 events per statement.
   */
  insertSql(sealed: SealedEvents) {
    const rows = sealed.rows.map((r) => ({
      seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject_type: r.subjectType, subject_id: r.subjectId,
      before: r.before, after: r.after, reason: r.reason, prev_hash: r.prevHash, hash: r.hash,
    }));
    return sql`
      insert into audit_event (tenant_id, seq, at, actor, action, subject_type, subject_id, before, after, reason, prev_hash, hash)
      select ${this.tenantId}, * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(seq bigint, at timestamptz, actor text, action text,
        subject_type text, subject_id text, before jsonb, after jsonb, reason text, prev_hash text, hash text)`;
  }
}

/**
 * The audit trail: append-only events in the same transaction as the change they record, chained
 * per tenant by hash. Appends take a transaction-scoped advisory lock per tenant, so the chain has
 * one order even under concurrent writers.
 */
export class AuditService {
  /** Locks the tenant's chain for the rest of the transaction and reads its tail once. */
  async chain(db: SqlRunner, tenantId: string): Promise<AuditChain> {
    await db.affected(sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`);
    const last = await db.one<{ seq: string; hash: string; now: Date | string }>(sql`
      select e.seq, e.hash, now() as now from (select 1) one
        left join lateral (select seq, hash from audit_event where tenant_id = ${tenantId} order by seq desc limit 1) e on true`);
    return new AuditChain(tenantId, last?.seq ? Number(last.seq) : 0, last?.hash ?? GENESIS, new Date(last!.now).toISOString());
  }

  async append(db: SqlRunner, tenantId: string, actor: string, events: readonly AuditEventInput[]): Promise<void> {
    if (!events.length) return;
    const chain = await this.chain(db, tenantId);
    await db.affected(chain.insertSql(chain.seal(actor, events)));
  }

  /** Records events as the request's actor, in the request's transaction. */
  record(ctx: RequestContext, ...events: AuditEventInput[]): Promise<void> {
    return this.append(ctx.uow, ctx.tenantId, ctx.actor.id, events);
  }

  async trail(ctx: RequestContext, subjectType: string, subjectId: string): Promise<AuditEvent[]> {
    const rows = await ctx.uow.rows<Row>(sql`
      select * from audit_event where tenant_id = ${ctx.tenantId} and subject_type = ${subjectType} and subject_id = ${subjectId} order by seq`);
    return rows.map(toEvent);
  }

  /** Recomputes the tenant's chain in batches and reports the first link that does not hold. */
  async verify(db: SqlRunner, tenantId: string, batch = 5000): Promise<ChainVerification> {
    let prev = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = await db.rows<Row>(sql`
        select * from audit_event where tenant_id = ${tenantId} and seq >= ${expectedSeq} order by seq limit ${batch}`);
      if (!rows.length) return { valid: true, checked, brokenAtSeq: null, problem: null };
      for (const row of rows) {
        const event = toEvent(row);
        if (event.seq !== expectedSeq) return { valid: false, checked, brokenAtSeq: expectedSeq, problem: `event ${expectedSeq} is missing` };
        if (event.prevHash !== prev) return { valid: false, checked, brokenAtSeq: event.seq, problem: `event ${event.seq} does not link to the event before it` };
        const { id: _id, prevHash: _p, hash, ...record } = event;
        if (auditHash(prev, record) !== hash) return { valid: false, checked, brokenAtSeq: event.seq, problem: `event ${event.seq} was altered after it was written` };
        prev = hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
  }
}
