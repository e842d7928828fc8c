import {
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { Role, ALL_ROLES } from '../src/domain/context/role.js';
import { createServices } from '../src/app/services.js';
import { createSchema } from '../src/infra/graphql/schema.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * Tenant B, with every role, calls every query of the schema — generated from the schema itself,
 * with tenant A's real ids and numbers as arguments — and must see none of A's data. Then it calls
 * every mutation with A's identifiers, and A's rows must not change.
 */
let app: TestApp;
const A = 'clinic-a';
const B = 'clinic-b';
const secrets: string[] = [];
let ids: Record<string, string> = {};

beforeAll(async () => {
  app = await TestApp.start();
  const adminA = await app.token(A, [Role.ADMIN]);
  await app.ok(adminA, UPSERT_PAYER, { input: { code: 'SECRET-PAYER', name: 'Secret Payer Name', kind: 'MEDICARE' } });
  await app.ok(adminA, POST_ENTRIES, {
    entries: [
      entry({ externalId: 'secret-ext-1', accountNumber: 'SECRET-ACCT', patientId: 'SECRET-PATIENT', guarantorId: 'SECRET-GUAR', amount: '100.00', postedAt: '2026-08-01T10:00:00Z' }),
      entry({ externalId: 'secret-ext-2', accountNumber: 'SECRET-ACCT', patientId: 'SECRET-PATIENT', kind: 'PAYMENT', payerCode: 'SECRET-PAYER', amount: '-987.65', postedAt: '2026-08-02T10:00:00Z' }),
    ],
  });
  const { runCreditDetection } = await app.ok(adminA, 'mutation { runCreditDetection(input: { idempotencyKey: "secret-key" }) { id } }');
  await app.waitForJob(adminA, runCreditDetection.id);
  const [credit] = await app.ownerQuery('select id from credit');
  const [payer] = await app.ownerQuery('select id from payer');
  const [account] = await app.ownerQuery('select id from account');
  ids = { credit: credit.id, job: runCreditDetection.id, payer: payer.id, account: account.id };
  secrets.push(...Object.values(ids), 'SECRET-ACCT', 'SECRET-PATIENT', 'SECRET-GUAR', 'SECRET-PAYER', 'Secret Payer Name', 'secret-ext', '887.65', '987.65');
});
afterAll(() => app.stop());

/** A sample value for an argument: A's ids and numbers wherever an id or a string fits. */
function sample(type: GraphQLInputType, name: string): unknown {
  const named = getNamedType(type);
  if (isListType(isNonNullType(type) ? type.ofType : type)) return [sample(named as GraphQLInputType, name)];
  if (isScalarType(named)) {
    if (named.name === 'ID') return name.toLowerCase().includes('job') ? ids.job : ids.credit;
    if (named.name === 'String') return /account/i.test(name) ? 'SECRET-ACCT' : /key/i.test(name) ? 'secret-key' : 'SECRET-PAYER';
    if (named.name === 'Int') return 10;
    if (named.name === 'Decimal') return '1.00';
    if (named.name === 'DateTime') return new Date().toISOString();
    if (named.name === 'Date') return '2026-08-01';
    if (named.name === 'Boolean') return false;
    return null;
  }
  if (isEnumType(named)) return named.getValues()[0]!.value;
  return {};
}

/** Every field down to scalars, two object levels deep. */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const parts = Object.values(named.getFields()).map((f) => {
    const leaf = getNamedType(f.type);
    if (!isObjectType(leaf)) return f.name;
    if (depth <= 0) return '';
    return `${f.name} { ${selection(f.type, depth - 1) || '__typename'} }`;
  });
  return parts.filter(Boolean).join(' ');
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const vars = field.args.map((a, i) => ({ name: `v${i}`, arg: a.name, type: String(a.type), value: sample(a.type, `${field.name}.${a.name}`) }));
  const decl = vars.length ? `(${vars.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
  const args = vars.length ? `(${vars.map((v) => `${v.arg}: $${v.name}`).join(', ')})` : '';
  const sel = selection(field.type, 3);
  return {
    query: `${kind}${decl} { ${field.name}${args}${sel ? ` { ${sel} }` : ''} }`,
    variables: Object.fromEntries(vars.map((v) => [v.name, v.value])),
  };
}

it("never shows tenant B any of tenant A's data, through any query of the schema", async () => {
  const schema = await createSchema(createServices({ schedule: async () => undefined }));
  const tokenB = await app.token(B, ALL_ROLES);
  const fields = Object.values(schema.getQueryType()!.getFields());
  expect(fields.length).toBeGreaterThanOrEqual(6);
  for (const field of fields) {
    const { query, variables } = operation('query', field);
    const res = await app.gql(tokenB, query, variables);
    const text = JSON.stringify(res);
    for (const secret of secrets) expect([field.name, text.includes(secret)]).toEqual([field.name, false]);
    expect([field.name, res.errors?.filter((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') ?? []]).toEqual([field.name, []]);
  }
  // Control: the same generated queries as tenant A do reveal A's data (the test is not vacuous).
  const tokenA = await app.token(A, ALL_ROLES);
  let revealing = 0;
  for (const field of fields) {
    const { query, variables } = operation('query', field);
    const text = JSON.stringify(await app.gql(tokenA, query, variables));
    if (secrets.some((secret) => text.includes(secret))) revealing += 1;
  }
  expect(revealing).toBeGreaterThanOrEqual(5);

  const { creditKpis, credits } = await app.ok(tokenB, '{ creditKpis { openCredits creditBalanceTotal accountsReceivable } credits { totalCount } }');
  expect({ creditKpis, credits }).toEqual({ creditKpis: { openCredits: 0, creditBalanceTotal: '0.00', accountsReceivable: '0.00' }, credits: { totalCount: 0 } });
});

it("never lets tenant B change tenant A's rows, through any mutation of the schema", async () => {
  const snapshot = async () =>
    JSON.stringify(
      await app.ownerQuery(`select
        (select json_agg(p order by id) from payer p where tenant_id = $1) payers,
        (select json_agg(a order by id) from account a where tenant_id = $1) accounts,
        (select json_agg(e order by id) from ledger_entry e where tenant_id = $1) entries,
        (select json_agg(c order by id) from credit c where tenant_id = $1) credits,
        (select json_agg(j order by id) from job_run j where tenant_id = $1) jobs`, [A]),
    );
  const before = await snapshot();
  const schema = await createSchema(createServices({ schedule: async () => undefined }));
  const tokenB = await app.token(B, ALL_ROLES);
  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    const { query, variables } = operation('mutation', field);
    const res = await app.gql(tokenB, query, variables);
    // The ids and codes B itself sent may come back in an error message; nothing else of A's may.
    const sent = new Set(['SECRET-PAYER', 'secret-key', 'SECRET-ACCT', ids.credit, ids.job]);
    for (const secret of secrets.filter((s) => !sent.has(s))) {
      expect([field.name, JSON.stringify(res).includes(secret)]).toEqual([field.name, false]);
    }
  }
  // Same calls with A's literal ledger input: B gets its own rows, A's stay as they were.
  await app.gql(tokenB, POST_ENTRIES, {
    entries: [entry({ externalId: 'secret-ext-1', accountNumber: 'SECRET-ACCT', patientId: 'OTHER', amount: '5.00', postedAt: '2026-08-01T10:00:00Z' })],
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(await snapshot()).toBe(before);
});
