import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import type pg from 'pg';
import { Tenant } from '../../domain/tenancy/tenant.entity.js';
import { Payer } from '../../domain/payers/payer.entity.js';
import { Account } from '../../domain/accounts/account.entity.js';
import { AccountBalance } from '../../domain/accounts/account-balance.entity.js';
import { LedgerEntry } from '../../domain/ledger/ledger-entry.entity.js';
import { Credit } from '../../domain/credits/credit.entity.js';
import { JobRun } from '../../domain/jobs/job-run.entity.js';
import { Worklist } from '../../domain/worklists/worklist.entity.js';
import { TenantPolicy } from '../../domain/policies/tenant-policy.entity.js';
import { RefundRequest } from '../../domain/refunds/refund-request.entity.js';
import { Claim } from '../../domain/accounts/claim.entity.js';
import { trackPoolClients } from './pg-clients.js';
import { migrationsList } from '../../../migrations/index.js';

export const ENTITIES = [Tenant, Payer, Account, AccountBalance, LedgerEntry, Credit, JobRun, Worklist, TenantPolicy, RefundRequest, Claim];

export interface OrmOptions {
  url: string;
  poolMax?: number;
  debug?: boolean;
  /** How the pool's connections name themselves in pg_stat_activity. @defaultValue 'credit-balance' */
  applicationName?: string;
}

/**
 * A pooled client whose connection ends while it is checked out (PostgreSQL restarted or crashed)
 * goes back to the pool as broken at once. Without this the slot leaks for good: Kysely releases a
 * transaction's connection only after a successful COMMIT or ROLLBACK, and neither can succeed on a
 * dead socket — ten such requests during an outage and every later request waits forever for a
 * connection. A later release by the holder becomes a no-op.
 */
function releaseClientsWhoseConnectionEnds(pool: pg.Pool): void {
  pool.on('acquire', (client) => {
    // pg-pool installs client.release right after emitting 'acquire'.
    queueMicrotask(() => {
      const release = client.release;
      let released = false;
      const onEnd = () => guarded(new Error('connection ended while checked out'));
      const guarded = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.off('end', onEnd);
        release(err);
      };
      client.release = guarded;
      client.once('end', onEnd);
    });
  });
}

export function ormConfig({ url, poolMax = 10, debug = false, applicationName = 'credit-balance' }: OrmOptions): Options {
  return defineConfig({
    clientUrl: url,
    driverOptions: {
      // Waiting for a pooled connection fails after 10 s (SERVICE_UNAVAILABLE), never hangs.
      connectionTimeoutMillis: 10_000,
      application_name: applicationName,
      onPoolCreated: (pool: pg.Pool) => {
        releaseClientsWhoseConnectionEnds(pool);
        trackPoolClients(pool);
      },
    },
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: { migrationsList, path: 'migrations', transactional: true, allOrNothing: true, silent: true, snapshot: false },
    pool: { min: 0, max: poolMax },
    // Requests and jobs fork their own EntityManager; the global one must never be used implicitly.
    allowGlobalContext: false,
    debug,
  });
}

export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

export type { MikroORM };
