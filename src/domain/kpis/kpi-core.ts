import type { Decimal } from '../money/money.js';

/** Hours from identification to resolution of the credits resolved in a window. */
export interface TurnaroundHours {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/**
 * The KPIs every grouped view shares — `kpis(groupBy)` computed live and `kpiTrend` read from
 * snapshots — so both speak of one definition (README "KPIs").
 */
export interface KpiCore {
  key: string;
  openCredits: number;
  creditBalanceTotal: Decimal;
  over90Count: number;
  over90Amount: Decimal;
  pastDueCount: number;
  pastDueAmount: Decimal;
  resolvedInWindow: number;
  resolvedOnTime: number;
  slaAdherence: number | null;
  turnaroundHours: TurnaroundHours;
  inflowCount: number;
  inflowAmount: Decimal;
}
