import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import {
  buildSchema as buildSdl,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { createServices } from '../src/app/services.js';
import { createSchema } from '../src/infra/graphql/schema.js';

const contract = buildSdl(readFileSync(new URL('./contract/core.graphql', import.meta.url), 'utf8'));

/** Contract names not implemented yet (none left). */
const PENDING = new Set<string>([]);

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema(createServices({ schedule: async () => undefined }));
});

function typeString(t: { toString(): string }): string {
  return t.toString();
}

it('contains every type, field, argument and enum value of the contract with the same types', () => {
  const missing: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__') || PENDING.has(type.name)) continue;
    const ours = schema.getType(type.name);
    if (!ours) {
      missing.push(type.name);
      continue;
    }
    if (isEnumType(type) && isEnumType(ours)) {
      for (const v of type.getValues()) if (!ours.getValue(v.name)) missing.push(`${type.name}.${v.name}`);
    }
    if ((isObjectType(type) && isObjectType(ours)) || (isInputObjectType(type) && isInputObjectType(ours))) {
      const fields = ours.getFields() as Record<string, { type: unknown; args?: readonly { name: string; type: unknown }[] }>;
      for (const field of Object.values(type.getFields()) as { name: string; type: unknown; args?: readonly { name: string; type: unknown }[] }[]) {
        const key = `${type.name}.${field.name}`;
        if (PENDING.has(key)) continue;
        const mine = fields[field.name];
        if (!mine) {
          missing.push(key);
          continue;
        }
        if (typeString(mine.type as object) !== typeString(field.type as object)) missing.push(`${key}: ${String(mine.type)} ≠ ${String(field.type)}`);
        for (const arg of field.args ?? []) {
          const myArg = mine.args?.find((a) => a.name === arg.name);
          if (!myArg || String(myArg.type) !== String(arg.type)) missing.push(`${key}(${arg.name}: ${String(arg.type)})`);
        }
      }
    }
    if (isScalarType(type) && !isScalarType(ours)) missing.push(`${type.name} is not a scalar`);
  }
  expect(missing).toEqual([]);
});

it('keeps schema.graphql equal to the schema the code builds (run npm run schema:emit)', () => {
  const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
});

it('puts an authorization rule on every query and mutation', () => {
  const authorized = new Set(getMetadataStorage().authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
  const resolvers = getMetadataStorage().queries.concat(getMetadataStorage().mutations);
  const open = resolvers.filter((r) => !authorized.has(`${r.target.name}.${r.methodName}`)).map((r) => r.schemaName);
  expect(resolvers.length).toBeGreaterThan(5);
  expect(open).toEqual([]);
  // And every root field of the built schema comes from a resolver we checked.
  const rootFields = [schema.getQueryType(), schema.getMutationType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
  expect(rootFields.sort()).toEqual(resolvers.map((r) => r.schemaName).sort());
});

it('guards patient identifiers with a field-level rule', () => {
  const authorized = getMetadataStorage().authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`);
  expect(authorized).toEqual(expect.arrayContaining(['AccountResolver.patientId', 'AccountResolver.guarantorId']));
});
