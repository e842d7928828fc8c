import 'reflect-metadata';
import { loadConfig } from './config.js';
import { Runtime } from './app/runtime.js';
import { runUntilSignal } from './app/lifecycle.js';
import { listenWhileStarting, StartupState } from './app/startup.js';
import { createLogger } from './infra/logger.js';

/**
 * `npm start`: the GraphQL API. It listens at once; until PostgreSQL and Redis answer, /readyz
 * says what it waits for and requests get SERVICE_UNAVAILABLE. Then the API takes over.
 */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const startup = new StartupState();
const server = await listenWhileStarting(config.port, startup);
const exitWhileStarting = () => process.exit(0);
process.once('SIGTERM', exitWhileStarting).once('SIGINT', exitWhileStarting);
logger.info({ port: config.port }, 'listening; connecting to PostgreSQL and Redis');

const runtime = await Runtime.start(config, { logger, startup });
await runtime.serveHttp(config.port, server);
process.off('SIGTERM', exitWhileStarting).off('SIGINT', exitWhileStarting);
runtime.logger.info({ url: `http://localhost:${config.port}/graphql` }, 'API ready');
runUntilSignal(runtime);
