import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { sameIssuer } from './discovery.js';
import { AuthError } from './errors.js';

export interface IntrospectionOptions {
  /** The authorization server's RFC 7662 introspection endpoint. */
  url: string;
  /** Kaizen's own client credentials at that server (client_secret_basic). */
  clientId?: string;
  clientSecret?: string;
}

interface IntrospectorSettings extends IntrospectionOptions {
  issuer?: string;
  resource: string;
  clockToleranceSec: number;
  fetch: typeof fetch;
}

type Claims = Record<string, unknown>;

const FETCH_TIMEOUT_MS = 5_000;
/**
 * Positive answers are reused for a minute (never past the token's exp): without a cache every MCP
 * request would cost a round trip to the authorization server. The price is that a revoked token keeps
 * working for up to this long. Negative answers are not cached: a client retrying with a bad token
 * is rare, and caching it would delay a token that becomes valid (nbf).
 */
const CACHE_TTL_MS = 60_000;

/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/** Opaque access tokens, verified by asking the authorization server (RFC 7662). */
export function createIntrospector(settings: IntrospectorSettings) {
  const cache = new LRUCache<string, Claims>({ max: 10_000, ttl: CACHE_TTL_MS });
  const inFlight = new Map<string, Promise<Claims>>();
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  if (settings.clientId !== undefined) {
    const basic = `${formEncode(settings.clientId)}:${formEncode(settings.clientSecret ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }

  async function ask(token: string): Promise<Claims> {
    let response: Response;
    try {
      response = await settings.fetch(settings.url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new AuthError('unavailable', undefined, { cause });
    }
    const body = (await response.json().catch(() => undefined)) as unknown;
    if (response.status !== 200 || typeof body !== 'object' || body === null || Array.isArray(body)) {
      // e.g. 401 when Kaizen's client credentials are wrong: an operator problem, logged from `cause`
      const cause = new Error(`the introspection endpoint answered HTTP ${response.status}`);
      throw new AuthError('unavailable', undefined, { cause });
    }
    return body as Claims;
  }

  /** Checks what the server said; the same checks run on cached answers, whose exp may have passed. */
  function check(claims: Claims): Claims {
    if (claims.active !== true) throw new AuthError('inactive');
    const now = Date.now() / 1000;
    const tolerance = settings.clockToleranceSec;
    if (typeof claims.exp === 'number' && claims.exp + tolerance <= now) throw new AuthError('expired');
    if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now) throw new AuthError('not_yet_valid');
    // iss and aud are optional in RFC 7662; when present they must be ours (one AS may serve many APIs).
    if (settings.issuer && typeof claims.iss === 'string' && !sameIssuer(claims.iss, settings.issuer)) {
      throw new AuthError('wrong_issuer');
    }
    if (claims.aud !== undefined) {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(settings.resource)) throw new AuthError('wrong_audience');
    }
    return claims;
  }

  return async function introspect(token: string): Promise<Claims> {
    // Keyed by a hash so that the cache holds no usable tokens.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = cache.get(key);
    if (cached) return check(cached);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = ask(token).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const claims = check(await pending);
    const ttl = Math.min(CACHE_TTL_MS, typeof claims.exp === 'number' ? claims.exp * 1000 - Date.now() : CACHE_TTL_MS);
    if (ttl > 0) cache.set(key, claims, { ttl });
    return claims;
  };
}
