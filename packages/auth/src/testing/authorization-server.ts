import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const RESOURCE = 'https://kaizen.example/mcp';
export const OTHER = 'http://other.example/mcp';
export const SECRET = 'a-client-secret-long-enough-for-the-test-0123456789';
export const REDIRECT_URI = 'http://127.0.0.1/callback';
/** The user every authorization_code flow logs in as, and the groups the server puts in their tokens. */
export const USER = { id: 'alice', groups: ['eng', 'platform'] };

export const basic = (id: string) => `Basic ${Buffer.from(`${id}:${SECRET}`).toString('base64')}`;

/**
 * oidc-provider (a certified OpenID provider) on loopback, configured as a Kaizen deployment would
 * configure its authorization server: resource indicators (RFC 8707) with Kaizen's scopes, ES256 JWT
 * access tokens, introspection and revocation. Clients: agent-jwt and agent-opaque (client_credentials,
 * JWT and opaque tokens), kaizen-rs (Kaizen itself, to introspect) and web-app (a public client using
 * authorization_code with PKCE; its interaction logs USER in without a login page).
 */
export async function startAuthorizationServer(options: { resource?: string } = {}) {
  const resource = options.resource ?? RESOURCE;
  const server = await listen();
  const issuer = server.origin; // the port is known only once listening, and the issuer contains it
  const keys = await Promise.all(
    (['ES256', 'RS256'] as const).map(async (alg) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      return { ...(await exportJWK(privateKey)), kid: `test-${alg}`, alg, use: 'sig' };
    }),
  );
  const confidential = (client_id: string) => ({
    client_id,
    client_secret: SECRET,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  });
  const provider = new Provider(issuer, {
    clients: [
      ...['agent-jwt', 'agent-opaque', 'kaizen-rs'].map(confidential),
      { client_id: 'web-app', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: [REDIRECT_URI] },
    ],
    jwks: { keys },
    // Kaizen's scopes are resource scopes; listing them lets dynamically registered clients ask for them.
    scopes: ['openid', 'offline_access', 'kaizen:read', 'kaizen:write', 'kaizen:admin'],
    ttl: Object.fromEntries(['AccessToken', 'ClientCredentials', 'Grant', 'IdToken', 'Interaction', 'Session'].map((k) => [k, 600])),
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    // The user's groups travel in the access token, as with Keycloak or Entra group claims.
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => (token.accountId ? { groups: USER.groups } : undefined),
    features: {
      devInteractions: { enabled: false },
      // Dynamic client registration (RFC 7591), as MCP clients use it to register themselves.
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      // Only Kaizen (the resource server) may introspect, as a real deployment would configure it.
      introspection: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }) => client.clientId === 'kaizen-rs' },
      revocation: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => client.clientId === token.clientId },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        // One resource server description per (resource, client): agent-opaque gets opaque tokens.
        getResourceServerInfo: (_ctx: unknown, indicator: string, client: { clientId: string }) => {
          if (indicator !== resource && indicator !== OTHER) throw new errors.InvalidTarget();
          return {
            scope: 'kaizen:read kaizen:write kaizen:admin',
            audience: indicator,
            accessTokenFormat: client.clientId === 'agent-opaque' ? 'opaque' : 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  const callback = provider.callback();
  server.setHandler((req, res) => {
    if (req.url?.startsWith('/interaction/')) return void loginAndConsent(provider, resource, req, res);
    callback(req, res);
  });
  const meta = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return { issuer, meta, close: server.close };
}

/** The interaction a login page would run: USER logs in and grants what the client asked for. */
async function loginAndConsent(provider: Provider, resource: string, req: IncomingMessage, res: ServerResponse) {
  const details = (await provider.interactionDetails(req, res)) as { params: { client_id: string; scope: string } };
  const grant = new provider.Grant({ accountId: USER.id, clientId: details.params.client_id });
  // Kaizen's scopes are listed as provider scopes too (for dynamic registration): grant them at both levels.
  grant.addOIDCScope(`openid ${details.params.scope}`.trim());
  grant.addResourceScope(resource, details.params.scope.replace('openid', '').trim());
  const result = { login: { accountId: USER.id }, consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

/** An access token from the token endpoint; throws with the server's error otherwise. */
export async function requestToken(meta: Record<string, string>, params: Record<string, string>, client?: string): Promise<string> {
  const response = await fetch(meta.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client ? { authorization: basic(client) } : {}) },
    body: new URLSearchParams(params),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${response.status} ${body.error}: ${body.error_description}`);
  return body.access_token;
}

/** A loopback HTTP server on a free port; the handler is set once the port (part of the issuer) is known. */
export async function listen(handler?: (req: IncomingMessage, res: ServerResponse) => void) {
  let current = handler;
  const server: Server = createServer((req, res) => (current ? current(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setHandler: (h: (req: IncomingMessage, res: ServerResponse) => void) => (current = h),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A free loopback port, for a resource server whose URL must be known before it starts (the
 * authorization server issues tokens for `http://127.0.0.1:<port>/mcp`).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * What a user's browser does with an authorization URL: follows the redirects (with the server's
 * cookies) through the interaction, which logs USER in and consents, until the redirect to the client's
 * redirect_uri, which it returns (carrying `code` and `state`).
 */
export async function authorize(url: string, redirectUri = REDIRECT_URI): Promise<URL> {
  const cookies = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`no redirect from ${next}: HTTP ${response.status} ${await response.text()}`);
    next = new URL(location, next).href;
    if (next.startsWith(redirectUri)) return new URL(next);
  }
  throw new Error('too many redirects');
}
