import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { prepareDatabase } from '../infra/db/bootstrap.js';

const config = loadConfig();
const applied = await prepareDatabase(config.databaseUrl, config.appDatabaseUrl);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
