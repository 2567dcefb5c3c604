/**
 * The SDK's own OAuth client for a user, against kaizen-http and a real authorization server
 * (oidc-provider): 401 → protected resource metadata → authorization server metadata → dynamic client
 * registration → authorization code with PKCE (S256) and the resource indicator → token → tool calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/client';
import { authorize, freePort, REDIRECT_URI, startAuthorizationServer, USER } from '@kaizen/auth/testing';
import { startServer, type RunningServer } from './harness.js';

type Provider = OAuthClientProvider & { authorizationUrl?: URL; registered?: string };

/** An MCP client's OAuth state, in memory; "redirecting" the user just remembers the URL. */
function userProvider(): Provider {
  let info: Parameters<OAuthClientProvider['saveClientInformation'] & {}>[0] | undefined;
  let tokens: Parameters<OAuthClientProvider['saveTokens']>[0] | undefined;
  let verifier = '';
  const provider: Provider = {
    get redirectUrl() {
      return REDIRECT_URI;
    },
    get clientMetadata() {
      return { client_name: 'kaizen-oauth-e2e', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' };
    },
    clientInformation: () => info,
    saveClientInformation: (i) => {
      info = i;
      provider.registered = i.client_id;
    },
    tokens: () => tokens,
    saveTokens: (t) => {
      tokens = t;
    },
    redirectToAuthorization: (url) => {
      provider.authorizationUrl = url;
    },
    saveCodeVerifier: (v) => {
      verifier = v;
    },
    codeVerifier: () => verifier,
  };
  return provider;
}

describe('the SDK OAuth client (authorization code, PKCE, dynamic registration) against kaizen-http', () => {
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let kaizen: RunningServer;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    as = await startAuthorizationServer({ resource: `${publicUrl}/mcp` });
    kaizen = await startServer({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_HTTP_PORT: String(port), KAIZEN_AUTH_ISSUER: as.issuer, KAIZEN_PUBLIC_URL: publicUrl, KAIZEN_RATE_LIMIT: '0' });
  }, 60_000);
  afterAll(async () => {
    await kaizen?.stop();
    await as?.close();
  });

  it('registers, sends the user to authorize with PKCE and the resource, and calls tools as that user', async () => {
    const provider = userProvider();
    const first = new StreamableHTTPClientTransport(kaizen.mcp, { authProvider: provider });
    const client = new Client({ name: 'oauth-user', version: '1' });
    await client.connect(first).catch((e: Error) => { if (!(e instanceof UnauthorizedError)) throw e; });
    expect(provider.registered).toBeTruthy(); // dynamic client registration happened
    const url = provider.authorizationUrl!;
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(kaizen.mcp.href);

    const callback = await authorize(url.href); // the user logs in and consents
    expect(callback.searchParams.get('iss')).toBe(as.issuer); // RFC 9207
    await first.finishAuth(callback.searchParams);

    const connected = new Client({ name: 'oauth-user', version: '1' });
    await connected.connect(new StreamableHTTPClientTransport(kaizen.mcp, { authProvider: provider }));
    const result = await connected.callTool({ name: 'get_namespaces', arguments: {} });
    expect(result.isError).toBeFalsy();
    // The token the client holds is the user's, for Kaizen's resource (RFC 8707).
    const access = (await provider.tokens())!.access_token;
    const claims = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString()) as { sub: string; aud: string | string[] };
    expect(claims.sub).toBe(USER.id);
    expect([claims.aud].flat()).toContain(kaizen.mcp.href);
    await connected.close();
  });
});
