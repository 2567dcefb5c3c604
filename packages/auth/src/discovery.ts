import { AuthError } from './errors.js';

/** The parts of RFC 8414 / OpenID Connect Discovery metadata a resource server uses. */
export interface AuthServerMetadata {
  issuer: string;
  jwks_uri: string;
}

const FETCH_TIMEOUT_MS = 5_000;
/** After a failed discovery, requests fail fast for this long instead of each hitting a down server. */
const RETRY_AFTER_MS = 1_000;

/** Issuers compared as the same server despite a trailing slash (Auth0's issuers end with one). */
export const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * Where the metadata of an issuer may live, in the order the MCP authorization spec tries them:
 * RFC 8414 inserts the well-known segment before the issuer's path; some servers append it instead;
 * OpenID Connect Discovery appends `/.well-known/openid-configuration` (and some insert it). For an
 * issuer without a path the forms coincide.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    ...new Set([
      `${url.origin}/.well-known/oauth-authorization-server${path}`,
      `${url.origin}${path}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration${path}`,
      `${url.origin}${path}/.well-known/openid-configuration`,
    ]),
  ];
}

async function discover(issuer: string, fetchImpl: typeof fetch): Promise<AuthServerMetadata> {
  for (const url of metadataUrls(issuer)) {
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (cause) {
      // All candidates are on the same origin: if one cannot be reached, none can.
      throw new AuthError('unavailable', undefined, { cause });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      continue;
    }
    const doc = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    // RFC 8414 §3.3: the document must name the issuer it was fetched for, or it must not be used.
    if (typeof doc?.issuer !== 'string' || !sameIssuer(doc.issuer, issuer)) {
      throw unavailable(`the metadata at ${url} names issuer ${String(doc?.issuer)}, not ${issuer}`);
    }
    if (typeof doc.jwks_uri !== 'string') throw unavailable(`the metadata at ${url} has no jwks_uri`);
    return { issuer: doc.issuer, jwks_uri: doc.jwks_uri };
  }
  throw unavailable(`no authorization server metadata for ${issuer} (tried ${metadataUrls(issuer).join(', ')})`);
}

// The detail goes to `cause` (the server's log); the client only learns that the server is unavailable.
const unavailable = (detail: string) => new AuthError('unavailable', undefined, { cause: new Error(detail) });

/**
 * Lazy, cached discovery: nothing is fetched until the first token, so an authorization server that is
 * down when Kaizen starts does not stop Kaizen from starting; tokens get `unavailable` until it is back.
 * Concurrent first requests share one fetch; success is kept for the life of the process (signing keys
 * rotate through the JWKS, not the metadata).
 */
export function createDiscovery<T>(issuer: string, fetchImpl: typeof fetch, prepare: (m: AuthServerMetadata) => T): () => Promise<T> {
  let ready: T | undefined;
  let pending: Promise<T> | undefined;
  let failure: { at: number; error: unknown } | undefined;
  return async () => {
    if (ready !== undefined) return ready;
    if (!pending) {
      if (failure && performance.now() - failure.at < RETRY_AFTER_MS) throw failure.error;
      pending = discover(issuer, fetchImpl)
        .then((metadata) => (ready = prepare(metadata)))
        .catch((cause: unknown) => {
          // e.g. a jwks_uri that is not a URL: still the server's problem, not the client's
          const error = cause instanceof AuthError ? cause : new AuthError('unavailable', undefined, { cause });
          failure = { at: performance.now(), error };
          throw error;
        })
        .finally(() => (pending = undefined));
    }
    return pending;
  };
}
