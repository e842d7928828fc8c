import { spawn, type ChildProcess } from 'node:child_process';
import type { TestApp } from './test-app.js';

/**
 * Worker processes of their own (`npm run worker`'s entry point) against a test app's database and
 * queue prefix, so a test can SIGKILL one mid-job and start another.
 */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  constructor(
    private readonly app: TestApp,
    private readonly env: Record<string, string> = {},
  ) {}

  start(): ChildProcess {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/worker.ts'], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: this.app.config.databaseUrl,
        APP_DATABASE_URL: this.app.config.appDatabaseUrl,
        REDIS_URL: this.app.config.redisUrl,
        QUEUE_PREFIX: this.app.config.queuePrefix,
        JOB_LOCK_MS: '2000',
        LOG_LEVEL: 'silent',
        ...this.env,
      },
      stdio: 'ignore',
    });
    this.children.push(child);
    return child;
  }

  /** SIGKILL: no shutdown hook runs, the open transaction dies with the connection. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.children.map((c) => this.kill(c)));
  }
}
