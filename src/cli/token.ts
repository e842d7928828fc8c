import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { parseRoles } from '../domain/context/role.js';
import { signToken } from '../infra/auth/jwt.js';

/** `npm run token -- --tenant demo --roles ADMIN,ANALYST [--sub alice] [--expires 8h]`: prints an HS256 JWT. */
const { values } = parseArgs({
  options: {
    tenant: { type: 'string', default: 'demo' },
    roles: { type: 'string', default: 'ADMIN' },
    sub: { type: 'string', default: 'local-user' },
    expires: { type: 'string', default: '8h' },
  },
});
const roles = parseRoles(values.roles.split(',').map((r) => r.trim().toUpperCase()));
if (!roles?.length) {
  console.error(`--roles must list roles among ADMIN, ANALYST, APPROVER, AUDITOR, PARTNER, BI, JOB_RUNNER (got "${values.roles}")`);
  process.exit(2);
}
const config = loadConfig();
console.log(await signToken(config.jwtSecret, { sub: values.sub, tenant: values.tenant, roles, expiresIn: values.expires }));
