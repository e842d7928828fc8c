import 'reflect-metadata';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { backendCpuMs, cpuSpent } from './cpu-time.js';
import { Runtime } from '../src/app/runtime.js';
import { asSystem } from '../src/app/system-context.js';
import { PayerKind } from '../src/domain/payers/payer-kind.js';
import { importLedgerRecords } from '../src/domain/ledger/ledger-copy-import.js';
import { writeEra, type EraClaimSpec, type EraSetSpec } from '../src/domain/remittance/era-writer.js';
import type { RemittanceImportResult } from '../src/domain/remittance/remittance-import.service.js';

/**
 * 835 import throughput, end to end: a generated ERA file of `claims` claims (sets of 10,000, one
 * service line each with a CO and a PR adjustment) is staged through the upload service, imported
 * by the BullMQ worker (parse, record, post through the ledger staging path, scoped detection) and
 * timed until the run is COMPLETED. It runs in its own database, `credit_balance_bench_835`,
 * recreated each time with one account per claim, so it never changes the main bench practice.
 *
 * `npm run bench:835 -- [--claims 100000]` runs it alone; `npm run bench` runs it near its end.
 */
export type Record835 = (figure: string, value: string, baseline?: string, ratio?: string, target?: string) => void;

export const TENANT = 'bench-835';
export const PAYER = 'BENCHPAY';
const SET_SIZE = 10_000;

export function generatedEra(claims: number, trace: string): string {
  const sets: EraSetSpec[] = [];
  for (let from = 0; from < claims; from += SET_SIZE) {
    const specs: EraClaimSpec[] = [];
    for (let i = from; i < Math.min(claims, from + SET_SIZE); i++) {
      specs.push({
        pcn: `ERA${String(i).padStart(7, '0')}`, charge: '100.00', paid: '70.00', patientResponsibility: '10.00', icn: `ICN${i}`,
        lines: [{ code: '99213', charge: '100.00', paid: '70.00', date: '20260110', cas: [['CO', '45', '20.00'], ['PR', '1', '10.00']] }],
      });
    }
    sets.push({ payerId: PAYER, trace: `${trace}-${sets.length + 1}`, claims: specs, paymentDate: '20260115' });
  }
  return writeEra(sets);
}

export async function* accountRecords(claims: number): AsyncGenerator<string[]> {
  for (let i = 0; i < claims; i++) {
    const account = `ERA${String(i).padStart(7, '0')}`;
    yield [`chg-${account}`, account, `P${i}`, '', PAYER, 'CHARGE', '100.00', '2026-01-05T00:00:00Z', '2026-01-10', `ICN${i}`, '', ''];
  }
}

export async function bench835(claims: number, record: Record835): Promise<void> {
  const base = loadConfig();
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = '/credit_balance_bench_835';
  const appUrl = new URL(base.appDatabaseUrl);
  appUrl.pathname = '/credit_balance_bench_835';
  const admin = new pg.Client({ connectionString: new URL('/postgres', base.databaseUrl).toString() });
  await admin.connect();
  await admin.query('drop database if exists credit_balance_bench_835 with (force)');
  await admin.end();
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl.toString(), APP_DATABASE_URL: appUrl.toString(), QUEUE_PREFIX: 'bench-835', LOG_LEVEL: 'warn' });
  const runtime = await Runtime.start(config);
  const owner = new pg.Client({ connectionString: config.databaseUrl });
  try {
    await runtime.startWorkers();
    await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.payers.upsert(ctx, { code: PAYER, name: 'Bench payer', kind: PayerKind.COMMERCIAL }));
    await importLedgerRecords(config.appDatabaseUrl, TENANT, accountRecords(claims), {}, 1);
    await owner.connect();
    await owner.query('vacuum analyze');

    const text = generatedEra(claims, `BENCH${Date.now()}`);
    const mb = Buffer.byteLength(text) / 1e6;
    const importOnce = async () => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const dbCpu = await backendCpuMs(owner);
      const run = await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.remittanceUpload.submit(ctx, text, 'bench.835'));
      for (;;) {
        const job = await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.jobs.find(ctx, run.id));
        if (job?.state === 'FAILED') throw new Error(job.error ?? '835 import failed');
        if (job?.state === 'COMPLETED') {
          const used = process.cpuUsage(cpu);
          const ms = performance.now() - started;
          const dbCpuMs = cpuSpent(dbCpu, await backendCpuMs(owner));
          return { ms, cpuMs: (used.user + used.system) / 1000, dbCpuMs, result: job.result as unknown as RemittanceImportResult };
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const first = await importOnce();
    const s = first.ms / 1000;
    const p = first.result.phaseMs;
    record(
      `835 import, ${claims.toLocaleString()} claims / ${mb.toFixed(1)} MB, end to end (stage, queue, parse, record, post ${first.result.entriesPosted.toLocaleString()} entries, detect)`,
      `${Math.round(claims / s).toLocaleString()} claims/s, ${(mb / s).toFixed(2)} MB/s (${s.toFixed(2)} s: parse ${p.parse} ms, record ${p.store} ms, post ${p.post} ms, detect ${p.detect} ms; ` +
        `Node CPU ${(first.cpuMs / 1000).toFixed(2)} s${first.dbCpuMs === null ? '' : `, PostgreSQL CPU ${(first.dbCpuMs / 1000).toFixed(2)} s`}, load average ${loadavg()[0]!.toFixed(1)})`,
      '',
      '',
      '≥ 10,000 claims/s',
    );
    const again = await importOnce();
    record('835 re-import of the same file (idempotent: nothing posted)', `${Math.round(again.ms)} ms, ${again.result.entriesPosted} entries`);
  } finally {
    await owner.end().catch(() => undefined);
    await runtime.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { claims: { type: 'string', default: '100000' } } });
  await bench835(Number(values.claims), (figure, value, _b, _r, target) => console.log(`${figure}: ${value}${target ? ` (target ${target})` : ''}`));
  process.exit(0);
}
