// The dashboard: one GraphQL request with the signed-in token, then tiles and Chart.js charts.
// Amounts arrive as decimal strings; they are formatted as text and turned into numbers only to
// draw a chart.
'use strict';

const TOKEN_KEY = 'cbs.dashboard.token';
const TREND_DAYS = 90;
const QUERY = `query Dashboard($from: Date!, $to: Date!) {
  creditKpis { asOf accountsReceivable creditBalanceTotal creditPercentOfAr openCredits over90Share over90AmountShare slaAdherence
    agingBuckets { bucket count amount } }
  totals: kpis { pastDueCount pastDueAmount }
  causes: kpis(groupBy: ROOT_CAUSE) { key openCredits creditBalanceTotal }
  kpiTrend(from: $from, to: $to, interval: DAY) { period creditBalanceTotal over90Share slaAdherence }
}`;
const BUCKET_LABELS = { DAYS_0_30: '0–30 days', DAYS_31_60: '31–60 days', DAYS_61_90: '61–90 days', DAYS_OVER_90: 'Over 90 days' };
const CAUSE_LABELS = {
  DUPLICATE_PAYMENT: 'Duplicate payment', PAYER_OVERPAYMENT: 'Payer overpayment', COB_ERROR: 'COB error',
  PATIENT_OVERPAYMENT: 'Patient overpayment', INCORRECT_ADJUSTMENT: 'Incorrect adjustment', POSTING_ERROR: 'Posting error',
  UNDETERMINED: 'Undetermined',
};
const COLORS = ['#2563eb', '#0891b2', '#d97706', '#dc2626', '#7c3aed', '#059669', '#64748b'];

const $ = (id) => document.getElementById(id);
const charts = {};

/** "1234567.80" → "$1,234,567.80", from the decimal string (no float involved). */
function money(text) {
  const negative = text.startsWith('-');
  const [whole, cents = '00'] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '−' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents.padEnd(2, '0')}`;
}
const count = (n) => n.toLocaleString('en-US');
const share = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const percent = (x) => `${x.toFixed(2)}%`;

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

async function graphql(token, query, variables) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
  if (body.errors?.length) {
    const e = body.errors[0];
    const error = new Error(`${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
    error.code = e.extensions?.code;
    throw error;
  }
  return body.data;
}

function tile(name, value, display, tone) {
  const el = document.querySelector(`[data-kpi="${name}"]`);
  const out = el.querySelector('.value');
  out.textContent = display;
  out.dataset.value = value === null ? '' : String(value);
  el.classList.remove('good', 'warn', 'bad');
  if (tone) el.classList.add(tone);
}

function note(name, text) {
  document.querySelector(`[data-note="${name}"]`).textContent = text;
}

function chart(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart($(id), config);
}

function render(data, from, to) {
  const k = data.creditKpis;
  const totals = data.totals[0] ?? { pastDueCount: 0, pastDueAmount: '0.00' };
  tile('creditBalanceTotal', k.creditBalanceTotal, money(k.creditBalanceTotal));
  note('openCredits', `${count(k.openCredits)} open credits`);
  tile('creditPercentOfAr', k.creditPercentOfAr, percent(k.creditPercentOfAr));
  note('accountsReceivable', `of ${money(k.accountsReceivable)} gross A/R`);
  tile('over90Share', k.over90Share, share(k.over90Share), k.over90Share < 0.1 ? 'good' : 'bad');
  tile('over90AmountShare', k.over90AmountShare, share(k.over90AmountShare), k.over90AmountShare < 0.1 ? 'good' : 'warn');
  tile('slaAdherence', k.slaAdherence, share(k.slaAdherence), k.slaAdherence === null ? null : k.slaAdherence >= 0.95 ? 'good' : 'warn');
  tile('pastDueCount', totals.pastDueCount, count(totals.pastDueCount), totals.pastDueCount > 0 ? 'bad' : 'good');
  note('pastDueAmount', `${money(totals.pastDueAmount)} past their deadline`);

  const sub = claims(sessionStorage.getItem(TOKEN_KEY) ?? '');
  $('context').textContent = `Tenant ${sub.tenant ?? '?'} · as of ${new Date(k.asOf).toUTCString()}`;

  chart('aging-chart', {
    type: 'bar',
    data: {
      labels: k.agingBuckets.map((b) => BUCKET_LABELS[b.bucket] ?? b.bucket),
      datasets: [{ label: 'Open credit dollars', data: k.agingBuckets.map((b) => Number(b.amount)), backgroundColor: ['#93c5fd', '#60a5fa', '#f59e0b', '#dc2626'] }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `${money(k.agingBuckets[c.dataIndex].amount)} · ${count(k.agingBuckets[c.dataIndex].count)} credits` } },
      },
      scales: { y: { ticks: { callback: (v) => `$${Number(v).toLocaleString('en-US')}` } } },
    },
  });

  const causes = [...data.causes].filter((c) => c.openCredits > 0).sort((a, b) => Number(b.creditBalanceTotal) - Number(a.creditBalanceTotal));
  chart('causes-chart', {
    type: 'doughnut',
    data: {
      labels: causes.map((c) => CAUSE_LABELS[c.key] ?? c.key),
      datasets: [{ data: causes.map((c) => Number(c.creditBalanceTotal)), backgroundColor: COLORS }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { position: 'right', labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${money(causes[c.dataIndex].creditBalanceTotal)} · ${count(causes[c.dataIndex].openCredits)} credits` } },
      },
    },
  });

  const trend = data.kpiTrend;
  $('trend-range').textContent = `${from} to ${to}, daily snapshots`;
  $('trend-empty').hidden = trend.length > 0;
  const labels = trend.map((p) => p.period);
  chart('trend-chart', {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'Open credit total', data: trend.map((p) => Number(p.creditBalanceTotal)), borderColor: '#2563eb', backgroundColor: 'rgba(37,99,235,.12)', fill: true, yAxisID: 'dollars', tension: 0.2, pointRadius: trend.length > 40 ? 0 : 3 },
        { label: 'Over-90 share (count)', data: trend.map((p) => p.over90Share * 100), borderColor: '#dc2626', yAxisID: 'share', tension: 0.2, pointRadius: trend.length > 40 ? 0 : 3 },
      ],
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { tooltip: { callbacks: { label: (c) => (c.datasetIndex === 0 ? `Open credit total ${money(trend[c.dataIndex].creditBalanceTotal)}` : `Over 90 days ${share(trend[c.dataIndex].over90Share)}`) } } },
      scales: {
        dollars: { position: 'left', beginAtZero: true, ticks: { callback: (v) => `$${Number(v).toLocaleString('en-US')}` } },
        share: { position: 'right', beginAtZero: true, suggestedMax: 20, grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
        x: { ticks: { maxTicksLimit: 12 } },
      },
    },
  });

  $('sla-empty').hidden = trend.some((p) => p.slaAdherence !== null);
  chart('sla-chart', {
    type: 'line',
    data: {
      labels,
      datasets: [{ label: 'SLA adherence', data: trend.map((p) => (p.slaAdherence === null ? null : p.slaAdherence * 100)), borderColor: '#059669', backgroundColor: 'rgba(5,150,105,.12)', fill: true, spanGaps: true, tension: 0.2, pointRadius: 2.5 }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } }, x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } } },
    },
  });
}

function show(state, message) {
  $('sign-in').hidden = state !== 'signed-out';
  $('dashboard').hidden = state !== 'ready';
  $('sign-out').hidden = state === 'signed-out';
  $('error').hidden = !message;
  $('error').textContent = message ?? '';
  document.body.dataset.state = state;
}

async function load() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return show('signed-out');
  const today = new Date();
  const to = isoDay(today);
  const from = isoDay(new Date(today.getTime() - (TREND_DAYS - 1) * 86_400_000));
  document.body.dataset.state = 'loading';
  try {
    const data = await graphql(token, QUERY, { from, to });
    show('ready');
    render(data, from, to);
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED') sessionStorage.removeItem(TOKEN_KEY);
    show(error.code === 'UNAUTHENTICATED' ? 'signed-out' : 'error', error.message);
  }
}

// A token in the address (?token=, for the demo) is taken once and dropped from the address and history.
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem(TOKEN_KEY, params.get('token').trim());
  history.replaceState(null, '', location.pathname);
}
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  load();
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  Object.values(charts).forEach((c) => c.destroy());
  show('signed-out');
});
load();
