import 'reflect-metadata';
import { loadConfig } from './config.js';
import { Runtime } from './app/runtime.js';
import { runUntilSignal } from './app/lifecycle.js';
import { StartupState } from './app/startup.js';

/** `npm run worker`: the BullMQ workers for every bulk job; waits for PostgreSQL and Redis if down. */
const runtime = await Runtime.start(loadConfig(), { startup: new StartupState() });
await runtime.startWorkers();
runtime.logger.info({ prefix: runtime.config.queuePrefix }, 'workers started');
runUntilSignal(runtime);
