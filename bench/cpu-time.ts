import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU time (ms) so far of each PostgreSQL backend connected to the client's database, read from
 * /proc (same machine): with Node's own CPU time it tells work from waiting for a shared core, so
 * that figures taken on a busy machine can still be compared. Null where /proc is not readable.
 */
export async function backendCpuMs(owner: pg.Client): Promise<Map<number, number> | null> {
  const { rows } = await owner.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
  const cpu = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100); // utime + stime, 100 ticks/s
    }
  } catch {
    return null;
  }
  return cpu;
}

/** CPU spent between two backendCpuMs readings, over the backends of the second. */
export function cpuSpent(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** CPU time (ms) so far of another process on this machine (a worker child), from /proc; 0 where unreadable. */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs fn and returns its result with the database backends' CPU time and the Node CPU time of
 * this process plus the given child processes (the worker, when it runs apart).
 */
export async function withCpu<T>(owner: pg.Client, fn: () => Promise<T>, children: () => (number | undefined)[] = () => []): Promise<{ result: T; nodeCpuMs: number; dbCpuMs: number | null }> {
  const db = await backendCpuMs(owner);
  const childCpu = (): number => children().reduce<number>((sum, pid) => sum + processCpuMs(pid), 0);
  const childBefore = childCpu();
  const node = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(node);
  return { result, nodeCpuMs: (used.user + used.system) / 1000 + childCpu() - childBefore, dbCpuMs: cpuSpent(db, await backendCpuMs(owner)) };
}
