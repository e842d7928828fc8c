import 'reflect-metadata';
import { loadConfig, ConfigError } from './config.js';
import { Runtime } from './app/runtime.js';
import { runUntilSignal } from './app/lifecycle.js';

/** `npm start`: the GraphQL API. */
const runtime = await Runtime.start(loadConfig());
await runtime.serveHttp();
runtime.logger.info({ url: `http://localhost:${runtime.config.port}/graphql` }, 'API listening');
runUntilSignal(runtime);
