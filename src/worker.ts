import 'reflect-metadata';
import { loadConfig } from './config.js';
import { Runtime } from './app/runtime.js';
import { runUntilSignal } from './app/lifecycle.js';

/** `npm run worker`: the BullMQ workers for every bulk job. */
const runtime = await Runtime.start(loadConfig());
await runtime.startWorkers();
runtime.logger.info({ prefix: runtime.config.queuePrefix }, 'workers started');
runUntilSignal(runtime);
