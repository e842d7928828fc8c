import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { asSystem } from '../src/app/system-context.js';
import { RequestContext } from '../src/domain/context/request-context.js';
import { Role } from '../src/domain/context/role.js';
import { DomainError } from '../src/domain/errors.js';
import { EntryKind } from '../src/domain/ledger/entry-kind.js';
import { UnitOfWork } from '../src/infra/db/unit-of-work.js';
import { TestApp } from './support/test-app.js';

/**
 * Money invariants under random sequences of postings, detection runs, refunds (request, approve,
 * issue, void) and adjustments, run through the domain services against the real database:
 * balances always equal the sum of entries, an open credit is exactly the negative balance, refunds
 * net of voids never exceed what was owed, and no idempotency key is ever posted twice.
 */
let app: TestApp;
let tenant = 0;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
});
afterAll(() => app.stop());

type Action =
  | { type: 'post'; account: number; cents: number; payer: boolean }
  | { type: 'detect' }
  | { type: 'refund'; account: number; fraction: number; void: boolean }
  | { type: 'adjust'; account: number; fraction: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('post' as const), account: fc.integer({ min: 0, max: 2 }), cents: fc.integer({ min: -50_000, max: 50_000 }), payer: fc.boolean() }),
  fc.constant({ type: 'detect' as const }),
  fc.record({ type: fc.constant('refund' as const), account: fc.integer({ min: 0, max: 2 }), fraction: fc.integer({ min: 1, max: 100 }), void: fc.boolean() }),
  fc.record({ type: fc.constant('adjust' as const), account: fc.integer({ min: 0, max: 2 }), fraction: fc.integer({ min: 1, max: 100 }) }),
);

it('keeps the ledger, balances, credits and refunds consistent under any sequence of actions', async () => {
  const services = app.runtime.services;
  const orm = app.runtime.orm;
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 14 }), async (actions) => {
      tenant += 1;
      const t = `prop-${tenant}`;
      const as = (id: string, roles: Role[]) => async <R>(fn: (ctx: RequestContext) => Promise<R>) => {
        const uow = new UnitOfWork(orm, t);
        const ctx = new RequestContext({ id, tenantId: t, roles }, uow, randomUUID());
        try {
          const r = await fn(ctx);
          await uow.commit();
          return r;
        } catch (error) {
          await uow.rollback();
          if (error instanceof DomainError) return null; // a refused action changes nothing
          throw error;
        }
      };
      const analyst = as('ann', [Role.ANALYST]);
      const approver = as('pat', [Role.APPROVER]);
      await asSystem(orm, t, 'setup', (ctx) => services.payers.upsert(ctx, { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' as never }));
      let n = 0;
      const openCredit = async (account: number) =>
        analyst(async (ctx) => (await services.credits.list(ctx, { accountNumber: `A${account}`, statuses: ['OPEN', 'IN_REVIEW', 'PENDING_APPROVAL'] as never }, 1)).edges[0]?.node ?? null);
      const detect = () =>
        asSystem(orm, t, 'detector', async (ctx) => {
          const run = randomUUID();
          await services.detection.detect(ctx.uow, t, run, new Date());
          await services.classification.classify(ctx.uow, t, run);
        });

      for (const a of actions) {
        if (a.type === 'post') {
          n += 1;
          await asSystem(orm, t, 'poster', (ctx) =>
            services.ledger.post(ctx, [
              {
                externalId: `e${n}`,
                accountNumber: `A${a.account}`,
                patientId: `P${a.account}`,
                payerCode: a.payer ? 'BCBS' : null,
                kind: a.cents >= 0 ? EntryKind.CHARGE : EntryKind.PAYMENT,
                amount: new Decimal(a.cents).div(100),
                postedAt: new Date(Date.now() - 86_400_000),
              },
            ]),
          );
        } else if (a.type === 'detect') {
          await detect();
        } else {
          // Work on what detection currently sees (the ledger may have moved since the last run).
          await detect();
          const credit = await openCredit(a.account);
          if (!credit) continue;
          const amount = credit.amount.times(a.fraction).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN);
          if (!amount.gt(0)) continue;
          if (a.type === 'adjust') {
            await analyst((ctx) => services.creditWork.adjust(ctx, credit.id, amount, 'property adjustment'));
          } else {
            const refund = await analyst((ctx) => services.refunds.request(ctx, { creditId: credit.id, amount, reason: 'OVERPAYMENT' }));
            if (!refund) continue;
            await approver((ctx) => services.refunds.approve(ctx, refund.id));
            await as('pat', [Role.APPROVER, Role.ADMIN])((ctx) => services.refunds.issue(ctx, refund.id, `EFT-${n}`));
            if (a.void) await as('pat', [Role.APPROVER, Role.ADMIN])((ctx) => services.refunds.void(ctx, refund.id, 'returned'));
          }
        }
      }
      await detect();

      // 1. The maintained balance is the sum of the entries, for every account.
      const drift = await app.ownerQuery(`
        select b.account_id from account_balance b join (select account_id, sum(amount) s from ledger_entry group by account_id) e using (account_id)
         where b.tenant_id = $1 and b.balance <> e.s`, [t]);
      expect(drift).toEqual([]);
      // 2. After detection, each open credit is exactly its account's negative balance, and every
      //    negative account has one.
      const mismatch = await app.ownerQuery(`
        select b.account_id, b.balance, c.amount from account_balance b
          left join credit c on c.account_id = b.account_id and c.status in ('OPEN','IN_REVIEW','PENDING_APPROVAL')
         where b.tenant_id = $1 and ((b.balance < 0 and (c.amount is null or c.amount <> -b.balance)) or (b.balance >= 0 and c.id is not null))`, [t]);
      expect(mismatch).toEqual([]);
      // 3. Refunds issued and not voided never exceed what the credit first owed.
      const overRefunded = await app.ownerQuery(`
        select c.id from credit c join refund_request r on r.credit_id = c.id
         where c.tenant_id = $1 and r.status = 'ISSUED' group by c.id, c.original_amount having sum(r.amount) > c.original_amount`, [t]);
      expect(overRefunded).toEqual([]);
      // 4. Workflow entries are posted once per key, and each issued refund has exactly its entry.
      const [keys] = await app.ownerQuery(`select count(*)::int as n, count(distinct external_id)::int as d from ledger_entry where tenant_id = $1`, [t]);
      expect(keys.n).toBe(keys.d);
      const missing = await app.ownerQuery(`
        select r.id from refund_request r where r.tenant_id = $1 and r.status in ('ISSUED','VOIDED') and r.issued_at is not null
           and not exists (select 1 from ledger_entry e where e.tenant_id = $1 and e.external_id = 'refund:' || r.id)`, [t]);
      expect(missing).toEqual([]);
    }),
    { numRuns: 30, seed: 20261122 },
  );
}, 180_000);

it('exercised every kind of action in those sequences (the property above is not vacuous)', async () => {
  const [seen] = await app.ownerQuery(`select
    (select count(*) from refund_request where status = 'ISSUED')::int as issued,
    (select count(*) from refund_request where status = 'VOIDED')::int as voided,
    (select count(*) from ledger_entry where external_id like 'adjust:%')::int as adjustments,
    (select count(*) from credit where status = 'RESOLVED')::int as resolved`);
  expect(seen.issued).toBeGreaterThan(0);
  expect(seen.voided).toBeGreaterThan(0);
  expect(seen.adjustments).toBeGreaterThan(0);
  expect(seen.resolved).toBeGreaterThan(0);
});
