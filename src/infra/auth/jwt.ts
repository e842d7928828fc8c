import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Actor } from '../../domain/context/request-context.js';
import { parseRoles, type Role } from '../../domain/context/role.js';

export class AuthenticationFailed extends Error {}

export interface TokenVerifier {
  verify(token: string): Promise<Actor>;
}

export interface JwtSettings {
  jwtSecret: string;
  jwtJwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function actorFrom(payload: JWTPayload): Actor {
  const tenant = payload.tenant;
  if (typeof payload.sub !== 'string' || !payload.sub) throw new AuthenticationFailed('token has no subject (sub)');
  if (typeof tenant !== 'string' || !TENANT_ID.test(tenant)) throw new AuthenticationFailed('token has no valid tenant claim');
  const roles = parseRoles(payload.roles);
  if (!roles || roles.length === 0) throw new AuthenticationFailed('token has no valid roles claim');
  return { id: payload.sub, tenantId: tenant, roles };
}

/**
 * Verifies bearer tokens: RS256/ES256 against a JWKS when JWT_JWKS_URL is set (production), else
 * HS256 with JWT_SECRET. Expiry is always enforced; issuer and audience when configured.
 */
export function createTokenVerifier(settings: JwtSettings): TokenVerifier {
  const options = {
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
    requiredClaims: ['exp', 'sub'],
  };
  if (settings.jwtJwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.jwtJwksUrl));
    return {
      async verify(token) {
        try {
          const { payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] });
          return actorFrom(payload);
        } catch (error) {
          if (error instanceof AuthenticationFailed) throw error;
          throw new AuthenticationFailed(`invalid token: ${(error as Error).message}`);
        }
      },
    };
  }
  // Imported once: given the raw bytes, jose imports a WebCrypto key on every verification (a
  // quarter of the token check's CPU in a profile of sequential requests).
  const secret = crypto.subtle.importKey('raw', new TextEncoder().encode(settings.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await secret, { ...options, algorithms: ['HS256'] });
        return actorFrom(payload);
      } catch (error) {
        if (error instanceof AuthenticationFailed) throw error;
        throw new AuthenticationFailed(`invalid token: ${(error as Error).message}`);
      }
    },
  };
}

export interface TokenClaims {
  sub: string;
  tenant: string;
  roles: Role[];
  /** e.g. "8h", "30d" (jose time span). */
  expiresIn?: string;
}

/** Signs an HS256 token for local use and tests (`npm run token`). */
export async function signToken(secret: string, claims: TokenClaims): Promise<string> {
  return new SignJWT({ tenant: claims.tenant, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(secret));
}
