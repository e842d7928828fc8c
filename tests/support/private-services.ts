import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * PostgreSQL and Redis servers of a test's own, on free ports, that the test may stop, kill and
 * restart without disturbing the machine's shared servers (or other test files running beside it).
 * They use the machine's binaries: PostgreSQL's from `pg_config --bindir`, `redis-server` from PATH.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function pgBinDir(): string | null {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** True where the private servers can run (PostgreSQL server binaries and redis-server exist). */
export function privateServicesAvailable(): boolean {
  const bin = pgBinDir();
  if (!bin || !existsSync(join(bin, 'initdb'))) return false;
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const isRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` system user. */
function pgTool(bin: string, tool: string, args: string[]): void {
  const command = isRoot ? 'runuser' : join(bin, tool);
  const argv = isRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
  execFileSync(command, argv, { stdio: 'pipe' });
}

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  /** initdb (trust auth; fsync off, which a server crash survives — only an OS crash would not) and start it. */
  static async start(): Promise<PrivatePostgres> {
    const bin = pgBinDir();
    if (!bin) throw new Error('pg_config not found: PostgreSQL server binaries are needed for this test');
    const dir = mkdtempSync(join(tmpdir(), 'cbs-pg-'));
    if (isRoot) {
      const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
      const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
      chownSync(dir, Number(ids), Number(gid));
    }
    pgTool(bin, 'initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const pg = new PrivatePostgres(await freePort(), dir, bin);
    pg.up();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(name: string, user = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${name}`;
  }

  /** Starts the server and waits until it accepts connections. */
  up(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    pgTool(this.bin, 'pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /**
   * Stops the server: `fast` disconnects clients and shuts down cleanly; `immediate` is a crash
   * (no checkpoint; recovery replays the WAL on the next start).
   */
  down(mode: 'fast' | 'immediate' = 'fast'): void {
    pgTool(this.bin, 'pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
  }

  destroy(): void {
    try {
      this.down('immediate');
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a non-persistent server (as the machine's: nothing kept on disk) and waits for it. */
  async up(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 15_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  }

  /** Kills the server (SIGKILL: a crash; it keeps nothing, so every queue is empty after). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.down();
  }
}
