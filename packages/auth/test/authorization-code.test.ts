import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthenticator } from '../src/index.js';
import { authorize, REDIRECT_URI, RESOURCE, requestToken, startAuthorizationServer, USER } from '../src/testing/authorization-server.js';

/**
 * What an MCP client does for a user: authorization_code with PKCE (S256) and a resource indicator at
 * oidc-provider, then the access token against Kaizen. The interaction (login, consent) is answered by
 * the test server for USER; the redirects are followed by hand, with the server's cookies.
 */
let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
beforeAll(async () => {
  as = await startAuthorizationServer();
});
afterAll(() => as?.close());

it('authenticates a user token from authorization_code + PKCE, with sub and groups', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const callback = await authorize(
    `${as.meta.authorization_endpoint}?${new URLSearchParams({
      client_id: 'web-app',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid kaizen:write',
      resource: RESOURCE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
    })}`,
  );
  expect(callback.searchParams.get('state')).toBe('state-1');
  const code = callback.searchParams.get('code');
  expect(code, callback.href).toBeTruthy();
  const jwt = await requestToken(as.meta, {
    grant_type: 'authorization_code',
    client_id: 'web-app',
    code: code!,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    resource: RESOURCE,
  });
  const principal = await createAuthenticator({ issuer: as.issuer, resource: RESOURCE }).authenticate(`Bearer ${jwt}`);
  expect(principal).toMatchObject({
    id: `user:${USER.id}`,
    subject: USER.id,
    scopes: ['kaizen:read', 'kaizen:write'],
    groups: USER.groups,
    clientId: 'web-app',
    via: 'jwt',
  });
});
