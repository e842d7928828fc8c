import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { jsonPgSmartTags } from 'postgraphile/utils';
import { loadConfig } from '../src/config.js';
import { createTokenVerifier } from '../src/infra/auth/jwt.js';

/**
 * The peer of the credits-page benchmark: PostGraphile 5 (Amber preset, no plugins) serving the
 * same database as the same app role `credit_app`, under the same row-level security. Each request
 * verifies the same bearer token as the API and sets `app.tenant_id` from its tenant claim through
 * grafast's `pgSettings` (PostGraphile then runs the request in a transaction with that setting),
 * so both servers read exactly one tenant's rows. Its pool has the size of the API's (10).
 *
 * GRAPHILE_ENV=production (set by the bench): no development-only checks.
 *
 * Run by bench/credits-page.ts as a child process: APP_DATABASE_URL, JWT_SECRET and PORT from the
 * environment; prints "ready" once it listens.
 */
const config = loadConfig();
const verifier = createTokenVerifier(config);
const pool = new pg.Pool({ connectionString: config.appDatabaseUrl, max: 10 });

// The schema checks credits' and entries' references once per statement (triggers) instead of by
// foreign keys, and PostGraphile derives relations from foreign keys: these smart tags declare the
// same references, so the peer serves the same page (relation names as the keys gave them).
const references = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      credit: {
        tags: {
          foreignKey: ['(tenant_id, account_id) references account (tenant_id, id)', '(tenant_id, refund_payer_id) references payer (tenant_id, id)'],
        },
      },
      ledger_entry: { tags: { foreignKey: '(tenant_id, account_id) references account (tenant_id, id)' } },
    },
  },
});

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [references],
  // V5 hides relations and orderings whose columns lead no index (ledger_entry's foreign key to
  // account is (tenant_id, account_id) but its index is (account_id, posted_at, id)); V4 exposed
  // them by default (ignoreIndexes). PostgreSQL still picks the real indexes.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: {
    explain: false,
    async context(requestContext) {
      const header = requestContext.node?.req.headers.authorization ?? '';
      const actor = await verifier.verify(header.replace(/^Bearer /i, ''));
      return { pgSettings: { 'app.tenant_id': actor.tenantId } };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
await pgl.getSchema();
server.listen(config.port, () => process.stdout.write('ready\n'));

// Stops accepting, then gives requests whose client already hung up (the end of an autocannon
// run) a few seconds to finish before the pool closes under them.
const stop = () => {
  server.close();
  void new Promise((r) => setTimeout(r, 3_000))
    .then(() => pgl.release())
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop).once('SIGINT', stop);
