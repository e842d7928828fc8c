import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { asSystem } from '../src/app/system-context.js';
import { TestApp } from './support/test-app.js';
import { sql, type RawBuilder } from 'kysely';
import { compileSql } from '../src/infra/db/sql-runner.js';
import { rollupKpisSql } from '../src/domain/kpis/credit-rollup.js';
import { creditPageSql } from '../src/domain/credits/credit-page.js';
import { BY_ORIGINATION } from '../src/domain/credits/credit.service.js';
import { BY_EXPOSURE } from '../src/domain/worklists/worklist.service.js';
import { ACTIVE_CREDIT_STATUSES } from '../src/domain/credits/credit-enums.js';

/**
 * The indexes the hot paths rely on are the ones the planner picks, on a few hundred thousand rows
 * (30,000 accounts, 150,000 entries, the credits detection opens from them), analyzed: the credits
 * page keyset, the open-credit aggregates of creditKpis (index-only), balance lookups, the
 * detection's negative set and entry reads, the worklist queue. Each query is EXPLAINed as the app
 * role inside a tenant transaction, so row-level security is part of the plan as in production.
 * Also: the A/R aggregate the posting trigger keeps equals the sum over account_balance.
 */
let app: TestApp;
const T = 'plans';
const ACCOUNTS = 30_000;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  await app.ownerQuery(`insert into tenant (id, name) values ($1, $1)`, [T]);
  await app.ownerQuery(`insert into payer (tenant_id, code, name, kind, refund_deadline_days) values ($1, 'MCR', 'Medicare', 'MEDICARE', 60), ($1, 'BCBS', 'Blue Cross', 'COMMERCIAL', 60)`, [T]);
  await app.ownerQuery(
    `insert into account (tenant_id, account_number, patient_id, guarantor_id)
     select $1, 'A' || i, 'P' || i, 'G' || i from generate_series(1, ${ACCOUNTS}) i`,
    [T],
  );
  // Five entries per account over a year: a charge, two payer payments, a patient payment, and a
  // payer payment that overpays one account in ten (those become credits).
  await app.ownerQuery(
    `insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, payer_id, content_hash)
     select $1, a.id, 'e-' || a.account_number || '-' || k, case when k = 1 then 'CHARGE' else 'PAYMENT' end,
            case k when 1 then 200.00 when 2 then -80.00 when 3 then -60.00 when 4 then -40.00
                   else case when substr(a.account_number, 2)::int % 10 = 0 then -(5 + substr(a.account_number, 2)::int % 300) else 0 end end,
            now() - make_interval(days => 360 - k * 20 - substr(a.account_number, 2)::int % 200), case when k = 4 then null else p.id end, 'h'
       from account a cross join generate_series(1, 5) k
       join payer p on p.tenant_id = $1 and p.code = case when k = 3 then 'MCR' else 'BCBS' end
      where a.tenant_id = $1`,
    [T],
  );
  await asSystem(app.runtime.orm, T, 'plans', (ctx) => app.runtime.services.detection.detect(ctx.uow, T, randomUUID(), new Date()));
  await app.ownerQuery('vacuum analyze');
}, 120_000);

afterAll(() => app.stop());

/** EXPLAIN (format json) as credit_app in a tenant transaction: the plan's node types and indexes. */
async function plan(query: string, params: unknown[] = []): Promise<string> {
  const client = new pg.Client({ connectionString: app.config.appDatabaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [T]);
    const { rows } = await client.query(`explain (format json) ${query}`, params);
    await client.query('rollback');
    const nodes: string[] = [];
    const walk = (node: Record<string, any>) => {
      nodes.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    return nodes.join('\n');
  } finally {
    await client.end();
  }
}

const ACTIVE = `('OPEN','IN_REVIEW','PENDING_APPROVAL')`;
const planOf = (query: RawBuilder<unknown>) => {
  const { sql: text, parameters } = compileSql(query);
  return plan(text, [...parameters]);
};

test('the data is there: credits opened for the overpaid accounts', async () => {
  const [row] = await app.ownerQuery(`select count(*)::int as n from credit where tenant_id = $1 and status = 'OPEN'`, [T]);
  expect(row.n).toBeGreaterThan(ACCOUNTS / 20);
});

test('credits page (the open set): keyset over (originated_at, id) on the open-credit index, then rows by primary key; no sort, no scan of credit', async () => {
  const [first] = await app.ownerQuery(`select originated_at::text, id from credit where tenant_id = $1 and status = 'OPEN' order by originated_at, id offset 100 limit 1`, [T]);
  const open = { statuses: ACTIVE_CREDIT_STATUSES };
  for (const after of [undefined, [first.originated_at, first.id]]) {
    const p = await planOf(creditPageSql(T, open, BY_ORIGINATION, 51, after));
    expect(p).toMatch(/Index (Only )?Scan using credit_active_originated_index/);
    expect(p).toMatch(/Index Scan using credit_pkey on credit/);
    expect(p).not.toMatch(/Sort|Seq Scan/);
  }
});

test('credits page of every status: the top-N sort carries the keys, the rows are read by primary key', async () => {
  const p = await planOf(creditPageSql(T, {}, BY_ORIGINATION, 51));
  expect(p.match(/Sort/g)).toHaveLength(1);
  expect(p).toMatch(/Index Scan using credit_pkey on credit/);
});

test('a worklist page walks the worklist queue index', async () => {
  const [w] = await app.ownerQuery(`select worklist_id from credit where tenant_id = $1 and worklist_id is not null limit 1`, [T]);
  const p = await planOf(creditPageSql(T, { statuses: ACTIVE_CREDIT_STATUSES, conditions: [sql`c.worklist_id = ${w.worklist_id}::uuid`] }, BY_EXPOSURE, 51));
  expect(p).toMatch(/Index Scan using credit_worklist_queue_index/);
  expect(p).not.toMatch(/Sort|Seq Scan/);
});

test('open-credit aggregates (creditKpis aging buckets) are an index-only scan of the partial covering index', async () => {
  const p = await plan(`select count(*), sum(c.amount) from credit c where c.tenant_id = $1 and c.status in ${ACTIVE} group by (c.originated_at < now() - interval '90 days')`, [T]);
  expect(p).toMatch(/Index Only Scan using credit_active_originated_index/);
  expect(p).not.toMatch(/Seq Scan on credit/);
});

test('current KPIs read the rollup and, from credit, only index ranges of the boundary days', async () => {
  const asOf = new Date();
  const query = rollupKpisSql({ tenantId: T, asOf, since: new Date(asOf.getTime() - 90 * 86_400_000), key: sql`coalesce(p.code, 'PATIENT')`, payerConditions: [] });
  const { sql: text, parameters } = compileSql(query);
  const p = await plan(text, [...parameters]);
  expect(p).toMatch(/on credit_rollup/);
  expect(p.match(/Index Only Scan using credit_active_originated_index on credit/g)).toHaveLength(3);
  expect(p).toMatch(/using credit_active_sla_due_index on credit/);
  expect(p).toMatch(/using credit_tenant_id_resolved_at_index on credit/);
  expect(p).not.toMatch(/Seq Scan on credit\b/);
});

test('balance lookups by account go through the primary key; the negative set through its partial index', async () => {
  const ids = (await app.ownerQuery(`select id from account where tenant_id = $1 order by account_number limit 50`, [T])).map((r) => r.id);
  expect(await plan(`select account_id, balance from account_balance where account_id = any($1::uuid[])`, [ids])).toMatch(/Index Scan using account_balance_pkey/);
  const negative = await plan(`select account_id, balance, entry_count from account_balance where tenant_id = $1 and balance < 0`, [T]);
  expect(negative).toMatch(/account_balance_negative_index/);
  expect(negative).not.toMatch(/Seq Scan/);
});

test("detection reads a batch of accounts' entries in posting order from the account/posting index", async () => {
  const ids = (await app.ownerQuery(`select account_id from credit where tenant_id = $1 limit 500`, [T])).map((r) => r.account_id);
  const p = await plan(`select e.* from ledger_entry e where e.tenant_id = $1 and e.account_id = any($2::uuid[]) order by e.account_id, e.posted_at, e.id`, [T, ids]);
  expect(p).toMatch(/ledger_entry_account_id_posted_at_id_index/);
  expect(p).not.toMatch(/Seq Scan/);
});

test('a worklist queue is read by exposure from its index', async () => {
  const [w] = await app.ownerQuery(`select worklist_id from credit where tenant_id = $1 and worklist_id is not null limit 1`, [T]);
  const p = await plan(`select id from credit where tenant_id = $1 and worklist_id = $2 and status in ${ACTIVE} order by amount desc, sla_due_at, id limit 50`, [T, w.worklist_id]);
  expect(p).toMatch(/Index Scan using credit_worklist_queue_index/);
  expect(p).not.toMatch(/Sort/);
});

test('the A/R aggregate kept by the posting trigger equals the sum of positive balances', async () => {
  const [kept] = await app.ownerQuery(`select sum(receivable)::text as ar from account_receivable where tenant_id = $1`, [T]);
  const [summed] = await app.ownerQuery(`select sum(balance) filter (where balance > 0)::text as ar from account_balance where tenant_id = $1`, [T]);
  expect(kept.ar).toBe(summed.ar);
  // A posting that crosses zero both ways moves A/R by the positive parts only.
  const [account] = await app.ownerQuery(`select b.account_id, b.balance::text from account_balance b where b.tenant_id = $1 and b.balance > 0 limit 1`, [T]);
  await app.ownerQuery(
    `insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, content_hash)
     values ($1, $2, 'cross-1', 'PAYMENT', -($3::numeric) - 25, now(), 'h')`,
    [T, account.account_id, account.balance],
  );
  const [after] = await app.ownerQuery(`select sum(receivable)::text as ar from account_receivable where tenant_id = $1`, [T]);
  const [expected] = await app.ownerQuery(`select sum(balance) filter (where balance > 0)::text as ar from account_balance where tenant_id = $1`, [T]);
  expect(after.ar).toBe(expected.ar);
  expect(Number(after.ar)).toBeCloseTo(Number(kept.ar) - Number(account.balance), 2);
});
