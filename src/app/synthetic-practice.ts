import { sql } from 'kysely';
import type { PayerKind } from '../domain/payers/payer-kind.js';
import { generateLedger, generatePayers, syntheticAccountDetails, type LedgerRow } from '../domain/generator/index.js';
import { importLedgerRecords, LEDGER_CSV_COLUMNS, type ImportResult } from '../domain/ledger/ledger-copy-import.js';
import type { Runtime } from './runtime.js';
import { asSystem } from './system-context.js';

export interface PracticeOptions {
  accounts: number;
  seed: number;
  asOf: Date;
  onBatch?: (rows: number) => void;
}

function* records(rows: Iterable<LedgerRow>): Generator<string[]> {
  for (const row of rows) {
    yield [
      row.externalId, row.accountNumber, row.patientId, row.guarantorId, row.payerCode, row.kind,
      row.amount, row.postedAt, row.serviceDate, row.claimNumber, row.reference, row.reasonCode,
    ];
  }
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * Loads the deterministic synthetic practice into a tenant: its payers through PayerService, its
 * ledger through the COPY importer (the same path `npm run import:ledger` uses).
 */
export async function loadSyntheticPractice(runtime: Runtime, tenantId: string, options: PracticeOptions): Promise<ImportResult> {
  if (LEDGER_CSV_COLUMNS.length !== 12) throw new Error('ledger CSV layout changed: update records()');
  await asSystem(runtime.orm, tenantId, 'synthetic-practice', async (ctx) => {
    for (const payer of generatePayers()) {
      await runtime.services.payers.upsert(ctx, { ...payer, kind: payer.kind as PayerKind });
    }
  });
  const result = await importLedgerRecords(
    runtime.config.appDatabaseUrl,
    tenantId,
    asAsync(records(generateLedger({ accounts: options.accounts, seed: options.seed, asOf: options.asOf }))),
    { onBatch: options.onBatch },
  );
  await loadSyntheticDetails(runtime, tenantId, options);
  return result;
}

const DETAILS_BATCH = 5_000;

/** The accounts' reporting details (location, names, member ids, claims), set-based in batches. */
async function loadSyntheticDetails(runtime: Runtime, tenantId: string, options: PracticeOptions): Promise<void> {
  for (let from = 0; from < options.accounts; from += DETAILS_BATCH) {
    const end = Math.min(options.accounts, from + DETAILS_BATCH);
    const details = Array.from({ length: end - from }, (_, k) => syntheticAccountDetails(options.seed, from + k, options.accounts));
    await asSystem(runtime.orm, tenantId, 'synthetic-practice', (ctx) =>
      runtime.services.accountDetails.applyBulk(
        ctx.uow,
        tenantId,
        details,
        details.map((d) => ({ ...d.claim, accountNumber: d.accountNumber })),
      ),
    );
  }
}

/** Whether the tenant already holds ledger entries (the demo loads its practice once). */
export async function hasLedger(runtime: Runtime, tenantId: string): Promise<boolean> {
  return asSystem(runtime.orm, tenantId, 'synthetic-practice', async (ctx) =>
    Boolean(await ctx.uow.one(sql`select 1 from ledger_entry where tenant_id = ${tenantId} limit 1`)),
  );
}
