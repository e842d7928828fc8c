import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createServices } from '../app/services.js';
import { createSchema } from '../infra/graphql/schema.js';

/** `npm run schema:emit`: writes schema.graphql (committed, so every API change shows in review). */
const noScheduler = { schedule: async () => undefined };
const schema = await createSchema(createServices(noScheduler));
writeFileSync('schema.graphql', `${printSchema(lexicographicSortSchema(schema))}\n`);
console.log('wrote schema.graphql');
