import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportSPKI, importJWK, SignJWT, type CryptoKey } from 'jose';
import { createAuthenticator, type Authenticator } from '../src/index.js';
import { listen, reasonOf, sendJson } from './helpers/http.js';
import { sign, signingKey, startJwksServer, type SigningKey } from './helpers/jwks-server.js';

/** Tokens signed here with jose, verified against a JWKS served over real HTTP on loopback. */
const RESOURCE = 'https://kaizen.example/mcp';
let server: Awaited<ReturnType<typeof startJwksServer>>;
let key: SigningKey;
let auth: Authenticator;
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  key = await signingKey('key-1');
  server = await startJwksServer([key]);
  auth = createAuthenticator({ issuer: server.issuer, resource: RESOURCE });
});
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

const valid = (claims: Record<string, unknown> = {}) => sign(key, { iss: server.issuer, aud: RESOURCE, sub: 'alice', ...claims });
const reason = async (token: Promise<string> | string) => reasonOf(auth.authenticate(`Bearer ${await token}`));

describe('JWT access tokens', () => {
  it('authenticates a valid token into a principal, fetching metadata and keys once', async () => {
    const principal = await auth.authenticate(`Bearer ${await valid({ scope: 'openid kaizen:write', groups: ['eng', 7] })}`);
    expect(principal).toMatchObject({ id: 'user:alice', subject: 'alice', scopes: ['kaizen:read', 'kaizen:write'], groups: ['eng'], clientId: 'cli', via: 'jwt' });
    expect(principal.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    await auth.authenticate(`bearer ${await valid()}`); // the scheme is case-insensitive
    expect(server.hits('/.well-known/oauth-authorization-server')).toBe(1);
    expect(server.hits('/jwks')).toBe(1);
  });

  it('reads scp, azp, an aud list and a custom groups claim', async () => {
    const custom = createAuthenticator({ issuer: server.issuer, resource: RESOURCE, groupsClaim: 'roles' });
    const token = await valid({ scope: undefined, scp: ['kaizen:admin'], azp: 'web', aud: ['other', RESOURCE], roles: 'ops' });
    expect(await custom.authenticate(`Bearer ${token}`)).toMatchObject({
      scopes: ['kaizen:read', 'kaizen:write', 'kaizen:admin'],
      clientId: 'web',
      groups: ['ops'],
    });
  });

  it('refuses each kind of bad token with its reason', async () => {
    const other = await signingKey('key-1'); // same kid, another key
    const stranger = await signingKey('key-unknown');
    const good = await valid();
    const [h, , s] = good.split('.');
    const hmacSecret = new TextEncoder().encode(await exportSPKI(await importJWK(key.publicJwk, 'ES256', { extractable: true }) as CryptoKey));
    const matrix: Record<string, Promise<string> | string> = {
      expired: valid({ exp: now() - 120 }),
      not_yet_valid: valid({ nbf: now() + 120 }),
      wrong_issuer: valid({ iss: 'https://evil.example' }),
      wrong_audience: valid({ aud: 'https://other.example/mcp' }),
      bad_signature: sign(other, { iss: server.issuer, aud: RESOURCE, sub: 'alice' }),
      'bad_signature (unknown kid)': sign(stranger, { iss: server.issuer, aud: RESOURCE, sub: 'alice' }),
      'unsupported_alg (none)': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: server.issuer, aud: RESOURCE, sub: 'alice', exp: now() + 60 })}.`,
      'bad_signature (tampered)': `${h}.${b64({ iss: server.issuer, aud: RESOURCE, sub: 'alice', exp: now() + 60, scope: 'kaizen:admin' })}.${s}`,
      'unsupported_alg (HS256 with the public key)': new SignJWT({ iss: server.issuer, aud: RESOURCE, sub: 'alice', exp: now() + 60 })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
        .sign(hmacSecret),
      'malformed (no exp)': valid({ exp: undefined }),
      'malformed (no subject)': valid({ sub: undefined, client_id: undefined }),
      'malformed (DPoP-bound, presented as bearer)': valid({ cnf: { jkt: 'thumbprint' } }),
      'malformed (not a JWT, no introspection)': 'opaque-token-value',
      'malformed (bad header)': `${b64('x')}.${b64({})}.sig`,
    };
    for (const [expected, pending] of Object.entries(matrix)) {
      const token = await pending;
      const error = (await auth.authenticate(`Bearer ${token}`).catch((e: unknown) => e)) as AuthErrorLike;
      expect({ expected, got: error.reason }).toEqual({ expected, got: expected.split(' ')[0] });
      expect(error.message).not.toContain(token.split('.')[1] ?? token); // messages never quote the token
    }
  });

  it('accepts exp and nbf within the clock tolerance (30 s by default)', async () => {
    expect(await reason(valid({ exp: now() - 10, nbf: now() + 10 }))).toBeUndefined();
    const strict = createAuthenticator({ issuer: server.issuer, resource: RESOURCE, clockToleranceSec: 0 });
    expect(await reasonOf(strict.authenticate(`Bearer ${await valid({ exp: now() - 10 })}`))).toBe('expired');
  });

  it('verifies tokens from a rotated key without a restart', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // jose throttles JWKS refetches by Date.now()
    const fresh = createAuthenticator({ issuer: server.issuer, resource: RESOURCE });
    const before = server.hits('/jwks');
    expect(await reasonOf(fresh.authenticate(`Bearer ${await valid()}`))).toBeUndefined();
    const rotated = await signingKey('key-2');
    server.setKeys([rotated]);
    const signedByNew = () => sign(rotated, { iss: server.issuer, aud: RESOURCE, sub: 'alice' });
    // An unknown kid refetches the JWKS at most once per 30 s, so forged kids cannot flood the server.
    expect(await reasonOf(fresh.authenticate(`Bearer ${await signedByNew()}`))).toBe('bad_signature');
    vi.setSystemTime(Date.now() + 31_000);
    expect(await fresh.authenticate(`Bearer ${await signedByNew()}`)).toMatchObject({ subject: 'alice' });
    expect(server.hits('/jwks') - before).toBe(2);
    server.setKeys([key]);
  });

  it('refuses a disallowed algorithm before any network call', async () => {
    const fresh = createAuthenticator({ issuer: 'http://127.0.0.1:9/', resource: RESOURCE }); // nothing listens there
    const token = `${b64({ alg: 'HS256' })}.${b64({ sub: 'x' })}.c2ln`;
    expect(await reasonOf(fresh.authenticate(`Bearer ${token}`))).toBe('unsupported_alg');
  });
});

describe('authorization server discovery', () => {
  it('is lazy: an authorization server down at start gives unavailable, then works once it is up', async () => {
    const late = await listen(); // answers 503 until a handler is set
    const lateKey = await signingKey('late');
    const lateAuth = createAuthenticator({ issuer: late.origin, resource: RESOURCE });
    const token = await sign(lateKey, { iss: late.origin, aud: RESOURCE, sub: 'bob' });
    const error = await lateAuth.authenticate(`Bearer ${token}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unavailable', message: 'the authorization server cannot be reached; try again later' });
    expect(String((error as Error).cause)).toContain('no authorization server metadata');
    late.setHandler((req, res) => {
      if (req.url === '/.well-known/openid-configuration') return sendJson(res, 200, { issuer: late.origin, jwks_uri: `${late.origin}/k` });
      if (req.url === '/k') return sendJson(res, 200, { keys: [lateKey.publicJwk] });
      sendJson(res, 404, {});
    });
    expect(await reasonOf(lateAuth.authenticate(`Bearer ${token}`))).toBe('unavailable'); // failing fast for 1 s
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await lateAuth.authenticate(`Bearer ${token}`)).toMatchObject({ subject: 'bob', via: 'jwt' });
    await late.close();
  });

  it('finds RFC 8414 metadata of an issuer with a path at the path-inserted location', async () => {
    const tenantKey = await signingKey('t');
    const srv = await listen();
    const issuer = `${srv.origin}/realms/acme`;
    srv.setHandler((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server/realms/acme') return sendJson(res, 200, { issuer, jwks_uri: `${issuer}/certs` });
      if (req.url === '/realms/acme/certs') return sendJson(res, 200, { keys: [tenantKey.publicJwk] });
      sendJson(res, 404, {});
    });
    const tenantAuth = createAuthenticator({ issuer, resource: RESOURCE });
    const token = await sign(tenantKey, { iss: issuer, aud: RESOURCE, sub: 'carol' });
    expect(await tenantAuth.authenticate(`Bearer ${token}`)).toMatchObject({ subject: 'carol' });
    await srv.close();
  });

  it('refuses metadata that names another issuer (RFC 8414 §3.3)', async () => {
    const srv = await listen((_req, res) => sendJson(res, 200, { issuer: 'https://evil.example', jwks_uri: 'https://evil.example/k' }));
    const token = await sign(key, { iss: 'https://evil.example', aud: RESOURCE, sub: 'x' });
    const error = await createAuthenticator({ issuer: srv.origin, resource: RESOURCE }).authenticate(`Bearer ${token}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect(String((error as Error).cause)).toContain('names issuer https://evil.example');
    await srv.close();
  });

  it('reports a jwks_uri that is not a URL as unavailable', async () => {
    const srv = await listen((_req, res) => sendJson(res, 200, { issuer: srv.origin, jwks_uri: 'not a url' }));
    const token = await sign(key, { iss: srv.origin, aud: RESOURCE, sub: 'x' });
    expect(await reasonOf(createAuthenticator({ issuer: srv.origin, resource: RESOURCE }).authenticate(`Bearer ${token}`))).toBe('unavailable');
    await srv.close();
  });
});

describe('the Authorization header', () => {
  it('maps a missing header or a wrong scheme to missing or malformed, never echoing the token', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['  ', 'missing'],
      ['Basic dXNlcjpwYXNz', 'malformed'],
      ['Bearer', 'malformed'],
      ['Bearer two tokens', 'malformed'],
      ['Bearer tok<en>', 'malformed'],
    ];
    for (const [header, expected] of cases) {
      const error = (await auth.authenticate(header).catch((e: unknown) => e)) as AuthErrorLike;
      expect({ header, reason: error.reason }).toEqual({ header, reason: expected });
      const token = header?.trim().split(' ')[1];
      if (token) expect(error.message).not.toContain(token);
    }
  });
});

type AuthErrorLike = { reason: string; message: string };
