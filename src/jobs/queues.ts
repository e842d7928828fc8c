import { Queue, type ConnectionOptions } from 'bullmq';
import type { JobPayload, JobScheduler } from '../domain/jobs/job-run.service.js';
import { JobKind } from '../domain/jobs/job-state.js';

/**
 * Retry policy shared by every bulk job. Jobs are idempotent (effects and COMPLETED commit
 * together), so a retry after a crash or a stalled lock is always safe.
 * @defaultValue 3 attempts, exponential backoff from 2 s
 */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** One BullMQ queue per job kind, named after the kind. */
export class BullJobScheduler implements JobScheduler {
  private readonly queues = new Map<JobKind, Queue<JobPayload>>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    /** Connection errors of the queues (they reconnect on their own). */
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  queue(kind: JobKind): Queue<JobPayload> {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue<JobPayload>(kind, { connection: this.connection, prefix: this.prefix });
      queue.on('error', this.onError);
      this.queues.set(kind, queue);
    }
    return queue;
  }

  /**
   * The BullMQ job id is the run id, so scheduling a run twice adds it once. BullMQ waits for
   * Redis indefinitely; a request must not: after `timeoutMs` this rejects (the run is already
   * durable in PostgreSQL, and the workers' requeue sweeper adds it once Redis is back).
   */
  async schedule(kind: JobKind, payload: JobPayload, timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`Redis did not accept the ${kind} job within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    const added = this.queue(kind).add(kind, payload, { ...JOB_OPTIONS, jobId: payload.runId });
    added.catch(() => undefined);
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  static kinds(): JobKind[] {
    return Object.values(JobKind);
  }
}
