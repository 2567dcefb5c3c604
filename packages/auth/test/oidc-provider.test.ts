import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticator } from '../src/index.js';
import { basic, OTHER, RESOURCE, requestToken, SECRET, startAuthorizationServer } from '../src/testing/authorization-server.js';
import { reasonOf } from './helpers/http.js';

/**
 * Against a real, certified authorization server (oidc-provider) over real HTTP: tokens are obtained
 * with client_credentials at its token endpoint, verified through its discovery document and JWKS, and
 * opaque ones through its introspection endpoint.
 */
let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
beforeAll(async () => {
  as = await startAuthorizationServer();
});
afterAll(() => as?.close());

const token = (client: string, params: Record<string, string>) => requestToken(as.meta, { grant_type: 'client_credentials', ...params }, client);

/** A real fetch that counts the requests per path, to see discovery and caching at work. */
function countingFetch() {
  const hits = new Map<string, number>();
  const counted: typeof fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    return fetch(input, init);
  };
  return { fetch: counted, hits: (path: string) => hits.get(path) ?? 0 };
}

describe('JWT access tokens from oidc-provider (client_credentials)', () => {
  let auth: Authenticator;
  const counter = countingFetch();
  beforeAll(() => {
    auth = createAuthenticator({ issuer: as.issuer, resource: RESOURCE, fetch: counter.fetch });
  });

  it('authenticates a token, with scopes and client id', async () => {
    const jwt = await token('agent-jwt', { resource: RESOURCE, scope: 'kaizen:read' });
    expect(jwt.split('.')).toHaveLength(3);
    const principal = await auth.authenticate(`Bearer ${jwt}`);
    // client_credentials tokens act for the client: oidc-provider puts the client id in sub
    expect(principal).toMatchObject({ id: 'user:agent-jwt', subject: 'agent-jwt', scopes: ['kaizen:read'], clientId: 'agent-jwt', via: 'jwt' });
    expect(principal.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    // oidc-provider serves RFC 8414 metadata, which is tried first; then the JWKS, each once
    expect(counter.hits('/.well-known/oauth-authorization-server')).toBe(1);
    expect(counter.hits('/.well-known/openid-configuration')).toBe(0);
    expect(counter.hits(new URL(as.meta.jwks_uri!).pathname)).toBe(1);
  });

  it('expands a granted kaizen:write to read and write', async () => {
    const jwt = await token('agent-jwt', { resource: RESOURCE, scope: 'kaizen:write' });
    expect((await auth.authenticate(`Bearer ${jwt}`)).scopes).toEqual(['kaizen:read', 'kaizen:write']);
  });

  it('refuses a token issued for another resource', async () => {
    const jwt = await token('agent-jwt', { resource: OTHER, scope: 'kaizen:admin' });
    expect(await reasonOf(auth.authenticate(`Bearer ${jwt}`))).toBe('wrong_audience');
  });
});

describe('introspection of opaque tokens at oidc-provider', () => {
  const counter = countingFetch();
  const introspecting = (clientSecret = SECRET) =>
    createAuthenticator({
      issuer: as.issuer,
      resource: RESOURCE,
      introspection: { url: as.meta.introspection_endpoint!, clientId: 'kaizen-rs', clientSecret },
      fetch: counter.fetch,
    });

  it('authenticates an active token and caches the answer', async () => {
    const auth = introspecting();
    const opaque = await token('agent-opaque', { resource: RESOURCE, scope: 'kaizen:admin' });
    expect(opaque).not.toContain('.');
    const principal = await auth.authenticate(`Bearer ${opaque}`);
    // RFC 7662 answers for client_credentials tokens carry no sub: the client id is the subject
    expect(principal).toMatchObject({ id: 'user:agent-opaque', subject: 'agent-opaque', clientId: 'agent-opaque', via: 'introspection' });
    expect(principal.scopes).toEqual(['kaizen:read', 'kaizen:write', 'kaizen:admin']);
    await auth.authenticate(`Bearer ${opaque}`);
    expect(counter.hits(new URL(as.meta.introspection_endpoint!).pathname)).toBe(1);
  });

  it('refuses a revoked token as inactive', async () => {
    const opaque = await token('agent-opaque', { resource: RESOURCE, scope: 'kaizen:read' });
    const revoked = await fetch(as.meta.revocation_endpoint!, {
      method: 'POST',
      headers: { authorization: basic('agent-opaque'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: opaque, token_type_hint: 'access_token' }),
    });
    expect(revoked.status).toBe(200);
    expect(await reasonOf(introspecting().authenticate(`Bearer ${opaque}`))).toBe('inactive');
  });

  it('checks the audience of an introspected token', async () => {
    const opaque = await token('agent-opaque', { resource: OTHER, scope: 'kaizen:read' });
    expect(await reasonOf(introspecting().authenticate(`Bearer ${opaque}`))).toBe('wrong_audience');
  });

  it('reports wrong introspection credentials as unavailable, with the status in the cause', async () => {
    const opaque = await token('agent-opaque', { resource: RESOURCE, scope: 'kaizen:read' });
    const error = await introspecting('wrong-secret').authenticate(`Bearer ${opaque}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect(String((error as Error).cause)).toContain('HTTP 401');
    expect((error as Error).message).not.toContain('wrong-secret');
  });
});
