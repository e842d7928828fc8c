import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Role } from '../src/domain/context/role.js';
import { TestApp } from './support/test-app.js';

describe('tokens from an identity provider (RS256 through JWKS)', () => {
  let app: TestApp;
  let jwks: http.Server;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    app = await TestApp.start({ workers: false, env: { JWT_JWKS_URL: url, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'credit-api' } });
  });
  afterAll(async () => {
    await app.stop();
    jwks.close();
  });

  const sign = (claims: Record<string, unknown>, { exp = '5m', aud = 'credit-api', iss = 'https://idp.example' } = {}) =>
    new SignJWT({ tenant: 'clinic-j', roles: [Role.ANALYST], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('alice')
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(privateKey);

  it('accepts a valid RS256 token and refuses expired, foreign-audience and HS256 ones', async () => {
    expect((await app.gql(await sign({}), '{ payers { id } }')).data).toEqual({ payers: [] });
    const codes = async (token: string) => (await app.gql(token, '{ payers { id } }')).errors?.[0]?.extensions?.code;
    expect(await codes(await sign({}, { exp: '-1m' }))).toBe('UNAUTHENTICATED');
    expect(await codes(await sign({}, { aud: 'another-api' }))).toBe('UNAUTHENTICATED');
    expect(await codes(await sign({}, { iss: 'https://evil.example' }))).toBe('UNAUTHENTICATED');
    expect(await codes(await app.token('clinic-j', [Role.ADMIN]))).toBe('UNAUTHENTICATED');
    expect(await codes(await sign({ roles: ['ROOT'] }))).toBe('UNAUTHENTICATED');
  });
});

describe('production mode', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ workers: false, env: { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars' } });
  });
  afterAll(() => app.stop());

  it('turns introspection off and gives no schema hints or stack traces', async () => {
    const token = await app.token('clinic-p', [Role.ADMIN]);
    const introspection = await app.gql(token, '{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await app.gql(token, '{ credits { totalCont } }');
    expect(typo.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(typo)).not.toMatch(/Did you mean|stacktrace/);
    const bad = await app.gql(token, 'mutation { upsertPayer(input: { code: "x y", name: "n", kind: OTHER }) { id } }');
    expect(bad.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.code' });
  });
});
