import { createApiKeyVerifier, isApiKeyToken, type ApiKeyLookup } from './api-keys.js';
import { AuthError } from './errors.js';
import { createIntrospector, type IntrospectionOptions } from './introspection.js';
import { createJwtVerifier, isJwt } from './jwt.js';
import { principalOfClaims, type AuthenticatedPrincipal } from './principal.js';

export interface AuthenticatorOptions {
  /**
   * The authorization server's issuer (KAIZEN_AUTH_ISSUER). Its metadata (RFC 8414, else OpenID
   * Connect Discovery) gives the jwks_uri that JWT access tokens are verified with.
   */
  issuer?: string;
  /** Kaizen's canonical resource, `${KAIZEN_PUBLIC_URL}/mcp`: a token's `aud` must contain it (RFC 8707). */
  resource: string;
  /** RFC 7662 introspection of opaque (non-JWT) tokens. */
  introspection?: IntrospectionOptions;
  /** The claim listing the user's groups; default 'groups'. */
  groupsClaim?: string;
  /** Where `Bearer kzn_…` API keys are looked up. */
  apiKeys?: ApiKeyLookup;
  /** Allowed clock skew for exp/nbf, in seconds; default 30. */
  clockToleranceSec?: number;
  /** fetch for metadata, JWKS and introspection; default the global fetch. */
  fetch?: typeof fetch;
}

export interface Authenticator {
  /** Takes the raw Authorization header value. Throws AuthError. */
  authenticate(authorization: string | undefined): Promise<AuthenticatedPrincipal>;
}

// RFC 6750 §2.1 b64token; anything else in a bearer header is a client bug or an attack.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// Far above any real token (big JWTs are a few KB); bounds the work a hostile header can cause.
const MAX_TOKEN_LENGTH = 16_384;

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235). */
export function bearerToken(authorization: string | undefined): string {
  const value = authorization?.trim();
  if (!value) throw new AuthError('missing');
  const [scheme, ...rest] = value.split(/\s+/);
  if (scheme!.toLowerCase() !== 'bearer') {
    throw new AuthError('malformed', 'use the Bearer scheme: Authorization: Bearer <token>');
  }
  const token = rest.length === 1 ? rest[0]! : '';
  if (!token || token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) throw new AuthError('malformed');
  return token;
}

/**
 * Kaizen as an OAuth 2.1 resource server: JWTs are verified locally against the issuer's keys, opaque
 * tokens are introspected, `kzn_` tokens are API keys. Creating it does no I/O.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const resource = options.resource;
  if (!URL.canParse(resource)) throw new TypeError('resource must be an absolute URL, e.g. https://kaizen.acme.dev/mcp');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clockToleranceSec = options.clockToleranceSec ?? 30;
  const groupsClaim = options.groupsClaim ?? 'groups';
  const verifyJwt = options.issuer
    ? createJwtVerifier({ issuer: options.issuer, resource, clockToleranceSec, fetch: fetchImpl })
    : undefined;
  const introspect = options.introspection
    ? createIntrospector({ ...options.introspection, issuer: options.issuer, resource, clockToleranceSec, fetch: fetchImpl })
    : undefined;
  const verifyApiKey = createApiKeyVerifier(options.apiKeys);

  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (isApiKeyToken(token)) return verifyApiKey(token);
      if (verifyJwt && isJwt(token)) return principalOfClaims(await verifyJwt(token), 'jwt', groupsClaim);
      // Without an issuer, JWTs are introspected too: the server that issued them can vouch for them.
      if (introspect) return principalOfClaims(await introspect(token), 'introspection', groupsClaim);
      throw new AuthError('malformed', verifyJwt ? 'the access token is not a JWT' : 'this server only accepts API keys');
    },
  };
}
