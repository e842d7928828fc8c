import fc from 'fast-check';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';
import { foldCreditRollup } from '../src/domain/kpis/credit-rollup.js';
import { UnitOfWork } from '../src/infra/db/unit-of-work.js';

/**
 * `credit_rollup` (the maintained aggregates behind the current creditKpis and kpis by NONE/PAYER)
 * against a from-scratch computation, after random sequences of what changes credits through the
 * API: postings, detection, refunds (requested, approved, issued, voided), adjustments, auto-adjust
 * and escheatment. Checked after every step: the rollup table equals plain aggregates over `credit`;
 * at the end of each sequence: the KPIs read from the rollups equal the KPIs scanned from every
 * credit, as of instants on and beside every boundary (originated + 31/61/91 days, SLA due dates,
 * resolution times), where a day-granular rollup would first go wrong; and after folding the slots.
 */
let app: TestApp;
const DAY = 86_400_000;
let run = 0;
let accountSeq = 0;

beforeAll(async () => {
  app = await TestApp.start();
});
afterAll(() => app.stop());

interface Tokens {
  admin: string;
  analyst: string;
  approver: string;
  approver2: string;
}

type Command =
  | { kind: 'post'; accounts: { payer: 'BCBS' | 'MCR' | null; charge: number; over: number; daysAgo: number; ms: number }[] }
  | { kind: 'charge'; pick: number; amount: number }
  | { kind: 'detect' }
  | { kind: 'refund'; pick: number; void: boolean }
  | { kind: 'adjust'; pick: number }
  | { kind: 'autoAdjust'; max: number }
  | { kind: 'escheat'; pick: number };

const money = (cents: number) => (cents / 100).toFixed(2);
const account = fc.record({
  payer: fc.constantFrom<'BCBS' | 'MCR' | null>('BCBS', 'MCR', null),
  charge: fc.integer({ min: 1_000, max: 50_000 }),
  over: fc.integer({ min: -2_000, max: 30_000 }),
  // Up to four years back: aging buckets of every kind, and patient credits dormant long enough to escheat.
  daysAgo: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1_200, max: 1_460 })),
  ms: fc.integer({ min: 0, max: DAY - 1 }),
});
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), accounts: fc.array(account, { minLength: 1, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('charge' as const), pick: fc.nat(), amount: fc.integer({ min: 100, max: 20_000 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'detect' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), void: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('autoAdjust' as const), max: fc.integer({ min: 1_000, max: 20_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('escheat' as const), pick: fc.nat() }) },
);

async function openCredits(t: Tokens): Promise<{ id: string; amount: string; account: { accountNumber: string } }[]> {
  const { credits } = await app.ok(t.analyst, '{ credits(first: 500, filter: { statuses: [OPEN] }) { edges { node { id amount account { accountNumber } } } } }');
  return credits.edges.map((e: any) => e.node);
}

/** Runs one command; a refused step (GraphQL error) is part of the game: it must change nothing. */
async function apply(t: Tokens, tenant: string, c: Command, accounts: string[], patientsDormant: Set<string>): Promise<void> {
  const pickOpen = async (pick: number, only?: Set<string>) => {
    const open = (await openCredits(t)).filter((credit) => !only || only.has(credit.account.accountNumber));
    return open.length ? open[pick % open.length] : undefined;
  };
  switch (c.kind) {
    case 'post': {
      const entries = c.accounts.flatMap((a) => {
        const number = `RU-${++accountSeq}`;
        accounts.push(number);
        if (!a.payer && a.daysAgo > 1_200) patientsDormant.add(number);
        const at = (extra: number) => new Date(Math.floor((Date.now() - a.daysAgo * DAY) / DAY) * DAY + a.ms + extra).toISOString();
        const payer = a.payer ? { payerCode: a.payer } : {};
        return [
          entry({ externalId: `${number}-c`, accountNumber: number, patientId: `P-${number}`, ...payer, amount: money(a.charge), postedAt: at(0) }),
          entry({ externalId: `${number}-p`, accountNumber: number, patientId: `P-${number}`, ...payer, kind: 'PAYMENT', amount: money(-(a.charge + a.over)), postedAt: at(1) }),
        ];
      });
      await app.ok(t.admin, POST_ENTRIES, { entries });
      return apply(t, tenant, { kind: 'detect' }, accounts, patientsDormant);
    }
    case 'charge': {
      if (!accounts.length) return;
      const number = accounts[c.pick % accounts.length]!;
      await app.ok(t.admin, POST_ENTRIES, {
        entries: [entry({ externalId: `${number}-x${Date.now()}`, accountNumber: number, patientId: `P-${number}`, amount: money(c.amount), postedAt: new Date().toISOString() })],
      });
      return apply(t, tenant, { kind: 'detect' }, accounts, patientsDormant);
    }
    case 'detect': {
      const { runCreditDetection } = await app.ok(t.admin, 'mutation { runCreditDetection { id } }');
      expect((await app.waitForJob(t.admin, runCreditDetection.id)).state).toBe('COMPLETED');
      return;
    }
    case 'refund': {
      const credit = await pickOpen(c.pick);
      if (!credit) return;
      const requested = await app.gql(t.analyst, 'mutation($input: RequestRefundInput!) { requestRefund(input: $input) { id } }', {
        input: { creditId: credit.id, amount: credit.amount, reason: 'OVERPAYMENT' },
      });
      const id = requested.data?.requestRefund?.id;
      if (!id) return;
      for (const approver of [t.approver, t.approver2]) await app.gql(approver, 'mutation($id: ID!) { approveRefund(id: $id) { status } }', { id });
      await app.gql(t.approver, 'mutation($id: ID!) { issueRefund(id: $id, reference: "CHK-1") { status } }', { id });
      if (c.void) await app.gql(t.approver, 'mutation($id: ID!) { voidRefund(id: $id, reason: "check returned") { status } }', { id });
      return;
    }
    case 'adjust': {
      const credit = await pickOpen(c.pick);
      if (!credit) return;
      await app.gql(t.analyst, 'mutation($id: ID!, $amount: Decimal!) { adjustCredit(creditId: $id, amount: $amount, reason: "small balance") { status } }', {
        id: credit.id,
        amount: credit.amount,
      });
      const { adjustmentRequests } = await app.ok(t.analyst, 'query($id: ID) { adjustmentRequests(creditId: $id) { id status } }', { id: credit.id });
      for (const r of adjustmentRequests) await app.gql(t.approver, 'mutation($id: ID!) { approveAdjustment(id: $id) { status } }', { id: r.id });
      return;
    }
    case 'autoAdjust': {
      await app.ownerQuery(
        `insert into tenant_policy (tenant_id, auto_adjust_government, auto_adjust_patient) values ($1, true, true)
         on conflict (tenant_id) do update set auto_adjust_government = true, auto_adjust_patient = true`,
        [tenant],
      );
      const { autoAdjustSmallCredits } = await app.ok(t.admin, 'mutation($max: Decimal) { autoAdjustSmallCredits(input: { maxAmount: $max }) { id } }', { max: money(c.max) });
      expect((await app.waitForJob(t.admin, autoAdjustSmallCredits.id)).state).toBe('COMPLETED');
      return;
    }
    case 'escheat': {
      const credit = await pickOpen(c.pick, patientsDormant);
      if (!credit) return;
      await app.gql(t.admin, 'mutation($id: ID!) { escheatCredit(creditId: $id, state: "OH", reference: "UP-1") { status } }', { id: credit.id });
      return;
    }
  }
}

/** The rollup summed over slots, next to the same facts computed from the credits (zero rows dropped). */
async function rollupMismatches(tenant: string): Promise<unknown[]> {
  return app.ownerQuery(
    `with expected as (
       select 'ANY' as axis, null::date as day, refund_payer_id, count(*)::int as credits, 0::numeric as amount, 0 as on_time
         from credit where tenant_id = $1 group by refund_payer_id
       union all
       select 'OPEN', null, refund_payer_id, count(*)::int, sum(amount), 0
         from credit where tenant_id = $1 and status in ('OPEN','IN_REVIEW','PENDING_APPROVAL') group by refund_payer_id
       union all
       select 'ORIGINATED', (originated_at at time zone 'UTC')::date, refund_payer_id, count(*)::int, sum(amount), 0
         from credit where tenant_id = $1 and status in ('OPEN','IN_REVIEW','PENDING_APPROVAL') group by 2, 3
       union all
       select 'SLA_DUE', (sla_due_at at time zone 'UTC')::date, refund_payer_id, count(*)::int, sum(amount), 0
         from credit where tenant_id = $1 and status in ('OPEN','IN_REVIEW','PENDING_APPROVAL') group by 2, 3
       union all
       select 'RESOLVED', (resolved_at at time zone 'UTC')::date, refund_payer_id, count(*)::int, sum(original_amount),
              count(*) filter (where resolved_at <= sla_due_at)::int
         from credit where tenant_id = $1 and resolved_at is not null group by 2, 3
     ), actual as (
       select axis, day, refund_payer_id, sum(credits)::int as credits, sum(amount) as amount, sum(on_time)::int as on_time
         from credit_rollup where tenant_id = $1 group by 1, 2, 3
        having sum(credits) <> 0 or sum(amount) <> 0 or sum(on_time) <> 0
     )
     select coalesce(e.axis, a.axis) as axis, coalesce(e.day, a.day)::text as day, e.credits as expected, a.credits as actual,
            e.amount::text as expected_amount, a.amount::text as actual_amount, e.on_time as expected_on_time, a.on_time as actual_on_time
       from expected e full join actual a
         on a.axis = e.axis and a.day is not distinct from e.day and a.refund_payer_id is not distinct from e.refund_payer_id
      where e.credits is distinct from a.credits or e.amount is distinct from a.amount or e.on_time is distinct from a.on_time`,
    [tenant],
  );
}

const ROLLUP_KPIS = 'key openCredits creditBalanceTotal over90Count over90Amount pastDueCount pastDueAmount resolvedInWindow resolvedOnTime slaAdherence';
const GROUPED = `query($g: KpiGroupBy, $f: KpiQueryFilter) { kpis(groupBy: $g, filter: $f) { ${ROLLUP_KPIS} } }`;
// inflowCount is not in the rollups: the same query then scans every credit (the definition).
const GROUPED_SCAN = `query($g: KpiGroupBy, $f: KpiQueryFilter) { kpis(groupBy: $g, filter: $f) { ${ROLLUP_KPIS} inflowCount } }`;
const CREDIT_KPIS = `query($f: KpiFilter) { creditKpis(filter: $f) { asOf creditBalanceTotal openCredits over90Share over90AmountShare slaAdherence agingBuckets { bucket count amount } } }`;

/** Instants on and one millisecond beside each boundary the credits define. */
async function boundaryInstants(tenant: string): Promise<Date[]> {
  const rows = await app.ownerQuery<{ t: Date }>(
    `select t from (
       select originated_at + make_interval(days => d) as t from credit, unnest(array[31, 61, 91]) d where tenant_id = $1
       union select sla_due_at from credit where tenant_id = $1
       union select resolved_at from credit where tenant_id = $1 and resolved_at is not null
       union select resolved_at + interval '90 days' from credit where tenant_id = $1 and resolved_at is not null) b
     where t < now() + interval '120 days'`,
    [tenant],
  );
  return rows.flatMap((r) => [-1, 0, 1].map((ms) => new Date(new Date(r.t).getTime() + ms)));
}

async function checkKpis(t: Tokens, tenant: string, pick: number[]): Promise<void> {
  const instants = await boundaryInstants(tenant);
  const asOfs = [undefined, ...pick.map((p) => (instants.length ? instants[p % instants.length] : undefined))];
  for (const asOf of asOfs) {
    for (const filter of [{}, { payerKinds: ['MEDICARE'] }, { payerCodes: ['BCBS'] }]) {
      const f = { ...filter, ...(asOf ? { asOf: asOf.toISOString() } : {}) };
      for (const g of ['NONE', 'PAYER', 'PAYER_KIND']) {
        const fast = (await app.ok(t.analyst, GROUPED, { g, f })).kpis;
        const scanned = (await app.ok(t.analyst, GROUPED_SCAN, { g, f })).kpis.map(({ inflowCount: _, ...k }: any) => k);
        expect({ asOf, filter, g, kpis: fast }).toEqual({ asOf, filter, g, kpis: scanned });
      }
    }
  }
  // creditKpis (now) against the scan of every credit at the same instant, by aging bucket and in total.
  const { creditKpis } = await app.ok(t.analyst, CREDIT_KPIS);
  const f = { asOf: creditKpis.asOf };
  const byBucket = Object.fromEntries((await app.ok(t.analyst, GROUPED_SCAN, { g: 'AGING_BUCKET', f })).kpis.map((k: any) => [k.key, k]));
  expect(creditKpis.agingBuckets).toEqual(
    ['DAYS_0_30', 'DAYS_31_60', 'DAYS_61_90', 'DAYS_OVER_90'].map((bucket) => ({
      bucket,
      count: byBucket[bucket]?.openCredits ?? 0,
      amount: byBucket[bucket]?.creditBalanceTotal ?? '0.00',
    })),
  );
  const [all] = (await app.ok(t.analyst, GROUPED_SCAN, { g: 'NONE', f })).kpis;
  expect({ openCredits: creditKpis.openCredits, creditBalanceTotal: creditKpis.creditBalanceTotal, slaAdherence: creditKpis.slaAdherence }).toEqual({
    openCredits: all?.openCredits ?? 0,
    creditBalanceTotal: all?.creditBalanceTotal ?? '0.00',
    slaAdherence: all?.slaAdherence ?? null,
  });
}

it('the rollups equal a from-scratch computation after any sequence of postings and workflows', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 2, maxLength: 7 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), async (commands, pick) => {
      const tenant = `rollup-${++run}`;
      const t: Tokens = {
        admin: await app.token(tenant, [Role.ADMIN]),
        analyst: await app.token(tenant, [Role.ANALYST], 'ann'),
        approver: await app.token(tenant, [Role.APPROVER], 'pat'),
        approver2: await app.token(tenant, [Role.APPROVER], 'quinn'),
      };
      await app.ok(t.admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
      await app.ok(t.admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
      const accounts: string[] = [];
      const patientsDormant = new Set<string>();
      // Detection last, so every sequence ends with credits to read.
      for (const c of [...commands, { kind: 'detect' as const }]) {
        await apply(t, tenant, c, accounts, patientsDormant);
        expect({ after: c, mismatches: await rollupMismatches(tenant) }).toEqual({ after: c, mismatches: [] });
      }
      // Folding the slots (the daily snapshot run does it) changes no sum and leaves one row a key.
      await UnitOfWork.run(app.runtime.orm, tenant, (uow) => foldCreditRollup(uow, tenant));
      expect(await rollupMismatches(tenant)).toEqual([]);
      expect(await app.ownerQuery(`select slot, count(*)::int as n from credit_rollup where tenant_id = $1 and (slot <> 0 or (credits = 0 and amount = 0 and on_time = 0)) group by slot`, [tenant])).toEqual([]);
      await checkKpis(t, tenant, pick);
    }),
    { numRuns: Number(process.env.ROLLUP_RUNS ?? 12), endOnFailure: true },
  );
}, 600_000);

