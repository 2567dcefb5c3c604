import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { listen, sendJson } from './http.js';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * A minimal authorization server for the token matrix: RFC 8414 metadata and a JWKS on loopback,
 * with a key set the test can rotate. Counts requests per path, to see caching and refetches.
 */
export async function startJwksServer(initial: SigningKey[]) {
  let keys = initial;
  const hits = new Map<string, number>();
  const server = await listen();
  const issuer = server.origin;
  server.setHandler((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/.well-known/oauth-authorization-server') {
      return sendJson(res, 200, { issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` });
    }
    if (path === '/jwks') return sendJson(res, 200, { keys: keys.map((k) => k.publicJwk) });
    return sendJson(res, 404, { error: 'not_found' });
  });
  return {
    issuer,
    hits: (path: string) => hits.get(path) ?? 0,
    setKeys: (next: SigningKey[]) => (keys = next),
    close: server.close,
  };
}

/** A JWT access token signed with `key`; claims default to a valid token for `resource` from `issuer`. */
export function sign(key: SigningKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 300, scope: 'kaizen:read', client_id: 'cli', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
}
