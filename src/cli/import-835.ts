import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { Runtime } from '../app/runtime.js';
import { asSystem } from '../app/system-context.js';
import { DomainError } from '../domain/errors.js';
import { JobState } from '../domain/jobs/job-state.js';
import { MAX_REMITTANCE_BYTES } from '../domain/remittance/remittance-upload.service.js';
import type { RemittanceImportResult } from '../domain/remittance/remittance-import.service.js';

/**
 * `npm run import:835 -- <files or folders> [--tenant demo]`: imports ERA files one by one through
 * the same path as the importRemittance mutation (staged in PostgreSQL, a remittance-import job on
 * BullMQ, run here by in-process workers), with a progress bar and a summary per file. Importing a
 * file again imports nothing. Exit code 1 when a file could not be imported or had rejected sets.
 */
const { values, positionals } = parseArgs({ allowPositionals: true, options: { tenant: { type: 'string', default: 'demo' } } });
if (!positionals.length) {
  console.error('usage: npm run import:835 -- <file.835 | folder>... [--tenant demo]');
  process.exit(2);
}
const files = positionals.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(p, e.name)).sort()
    : [p],
);

const config = loadConfig();
const runtime = await Runtime.start(config);
await runtime.startWorkers();
const tenant = values.tenant;
let failed = false;

async function waitFor(runId: string, bar: cliProgress.SingleBar) {
  for (;;) {
    const run = await asSystem(runtime.orm, tenant, 'import-835', (ctx) => runtime.services.jobs.find(ctx, runId));
    if (!run) throw new Error(`run ${runId} disappeared`);
    if (run.total) bar.setTotal(run.total);
    bar.update(run.processed);
    if (run.state === JobState.COMPLETED || run.state === JobState.FAILED) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  for (const file of files) {
    const name = path.basename(file);
    const size = statSync(file).size;
    if (size > MAX_REMITTANCE_BYTES) {
      console.error(`${name}: ${size} bytes, above the 20 MB limit of one import; skipped`);
      failed = true;
      continue;
    }
    const started = Date.now();
    let runId: string;
    try {
      const run = await asSystem(runtime.orm, tenant, 'import-835', (ctx) => runtime.services.remittanceUpload.submit(ctx, readFileSync(file, 'utf8'), name));
      runId = run.id;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      console.error(`${name}: ${error.code}: ${error.message}`);
      failed = true;
      continue;
    }
    const bar = new cliProgress.SingleBar({ format: `${name} [{bar}] {value}/{total} claims`, stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(1, 0);
    const run = await waitFor(runId, bar);
    bar.stop();
    if (run.state === JobState.FAILED) {
      console.error(`${name}: import failed: ${run.error}`);
      failed = true;
      continue;
    }
    const r = run.result as unknown as RemittanceImportResult;
    const seconds = (Date.now() - started) / 1000;
    if (r.alreadyImported) {
      console.error(`${name}: already imported; nothing done`);
      continue;
    }
    console.error(
      `${name}: ${r.acceptedSets.length} sets accepted, ${r.rejectedSets.length} rejected, ${r.duplicateSets.length} duplicate; ` +
        `claims ${r.claims.posted} posted, ${r.claims.reversed} reversed, ${r.claims.denied} denied, ${r.claims.unmatched} unmatched; ` +
        `${r.entriesPosted} entries posted, ${r.warningCount} warnings; ${seconds.toFixed(1)} s`,
    );
    for (const e of r.fileErrors) console.error(`  file error: ${e.message}`);
    if (r.fileErrors.length) failed = true;
    for (const set of r.rejectedSets.slice(0, 5)) {
      console.error(`  rejected set ${set.controlNumber ?? set.setIndex + 1} (${set.reason}): ${set.errors?.slice(0, 3).map((e) => e.message).join('; ')}`);
    }
    if (r.rejectedSets.length > 5) console.error(`  … and ${r.rejectedSets.length - 5} more rejected sets (see job ${runId})`);
    if (r.rejectedSets.length) failed = true;
  }
} finally {
  await runtime.stop();
}
process.exit(failed ? 1 : 0);
