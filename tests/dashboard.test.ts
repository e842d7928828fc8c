import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadSyntheticPractice } from '../src/app/synthetic-practice.js';
import { Role } from '../src/domain/context/role.js';
import { TestApp } from './support/test-app.js';

/*
 * The dashboard page in headless Chromium (Debian's, driven by playwright-core: no browser
 * download) against a small synthetic practice: the tiles show the API's numbers, the charts draw,
 * and a screenshot lands in .artifacts/dashboard.png for a person to look at.
 */
const CHROMIUM = '/usr/bin/chromium';
const TENANT = 'dash';
const SCREENSHOT = path.resolve('.artifacts/dashboard.png');

let app: TestApp;
let admin: string;
let bi: string;
let context: BrowserContext;
let page: Page;
let profile: string;

const KPIS = `{ creditKpis { accountsReceivable creditBalanceTotal creditPercentOfAr openCredits over90Share over90AmountShare slaAdherence }
  kpis { pastDueCount pastDueAmount } }`;

async function waitForJob(id: string) {
  const job = await app.waitForJob(admin, id, 60_000);
  expect(job.state).toBe('COMPLETED');
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  app = await TestApp.start();
  admin = await app.token(TENANT, [Role.ADMIN]);
  bi = await app.token(TENANT, [Role.BI], 'bi-dashboard');
  const asOf = new Date();
  asOf.setUTCHours(0, 0, 0, 0);
  await loadSyntheticPractice(app.runtime, TENANT, { accounts: 400, seed: 7, asOf });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection(input: { idempotencyKey: "dash" }) { id } }');
  await waitForJob(runCreditDetection.id);
  // Some resolutions, so SLA adherence has something to show.
  const { autoAdjustSmallCredits } = await app.ok(admin, 'mutation { autoAdjustSmallCredits(input: { maxAmount: "30.00", idempotencyKey: "dash" }) { id } }');
  await waitForJob(autoAdjustSmallCredits.id);
  const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
  const { backfillKpiSnapshots } = await app.ok(admin, 'mutation($from: Date) { backfillKpiSnapshots(from: $from, idempotencyKey: "dash") { id } }', { from });
  await waitForJob(backfillKpiSnapshots.id);

  profile = await mkdtemp(path.join(os.tmpdir(), 'cbs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await app?.stop();
});

const tileValue = (name: string) => page.locator(`[data-kpi="${name}"] .value`);
const usd = (text: string) => `$${Number(text).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('the /dashboard page', () => {
  it('asks for a token when none is given, and serves Chart.js from node_modules', async () => {
    await page.goto(`${app.url}/dashboard`);
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(await page.locator('#token-form').isVisible()).toBe(true);
    const chart = await fetch(`${app.url}/dashboard/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect((await chart.text()).length).toBeGreaterThan(100_000);
  });

  it('signs in with ?token=, drops it from the address, and shows the same numbers as the API', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${app.url}/dashboard?token=${bi}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    expect(page.url()).toBe(`${app.url}/dashboard`);

    const { creditKpis: k, kpis } = await app.ok(bi, KPIS);
    expect(k.openCredits).toBeGreaterThan(0);
    const expected: Record<string, [string, string]> = {
      creditBalanceTotal: [k.creditBalanceTotal, usd(k.creditBalanceTotal)],
      creditPercentOfAr: [String(k.creditPercentOfAr), `${k.creditPercentOfAr.toFixed(2)}%`],
      over90Share: [String(k.over90Share), pct(k.over90Share)],
      over90AmountShare: [String(k.over90AmountShare), pct(k.over90AmountShare)],
      slaAdherence: [k.slaAdherence === null ? '' : String(k.slaAdherence), k.slaAdherence === null ? '—' : pct(k.slaAdherence)],
      pastDueCount: [String(kpis[0].pastDueCount), kpis[0].pastDueCount.toLocaleString('en-US')],
    };
    for (const [name, [raw, shown]] of Object.entries(expected)) {
      expect([name, await tileValue(name).getAttribute('data-value'), await tileValue(name).textContent()]).toEqual([name, raw, shown]);
    }
    expect(await page.locator('[data-note="openCredits"]').textContent()).toBe(`${k.openCredits.toLocaleString('en-US')} open credits`);
    expect(await page.locator('[data-note="accountsReceivable"]').textContent()).toBe(`of ${usd(k.accountsReceivable)} gross A/R`);

    // Every chart drew, and the trend has a point per backfilled day.
    const drawn = await page.evaluate(() =>
      ['trend-chart', 'aging-chart', 'causes-chart', 'sla-chart'].map((id) => {
        const chart = (globalThis as any).Chart.getChart(id);
        return [id, chart?.data.labels.length ?? 0];
      }),
    );
    expect(Object.fromEntries(drawn)).toMatchObject({ 'trend-chart': 90, 'aging-chart': 4 });
    expect(Object.fromEntries(drawn)['causes-chart']).toBeGreaterThan(0);
    expect(await page.locator('#trend-empty').isHidden()).toBe(true);
    expect(errors).toEqual([]);

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('sends a bad token back to the sign-in form', async () => {
    await page.goto(`${app.url}/dashboard?token=not-a-jwt`);
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(await page.locator('#error').textContent()).toContain('UNAUTHENTICATED');
  });
});
