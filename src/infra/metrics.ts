import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process. Labels carry operation names, codes and job kinds only:
 * never a tenant's data, never a patient's.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Bulk job run time by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  constructor(collectors: { queueDepth?: () => Promise<Record<string, number>>; openCredits?: () => Promise<{ bucket: string; credits: number }[]> } = {}) {
    collectDefaultMetrics({ register: this.registry });
    const { queueDepth, openCredits } = collectors;
    if (queueDepth) {
      new Gauge({
        name: 'queue_jobs_waiting',
        help: 'Jobs waiting or delayed, by queue',
        labelNames: ['queue'] as const,
        registers: [this.registry],
        async collect() {
          for (const [queue, depth] of Object.entries(await queueDepth())) this.set({ queue }, depth);
        },
      });
    }
    if (openCredits) {
      new Gauge({
        name: 'credits_open',
        help: 'Open credits (all tenants) by aging bucket',
        labelNames: ['bucket'] as const,
        registers: [this.registry],
        async collect() {
          for (const row of await openCredits()) this.set({ bucket: row.bucket }, row.credits);
        },
      });
    }
  }
}
