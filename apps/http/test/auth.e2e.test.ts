/**
 * kaizen-http as an OAuth 2.1 resource server in front of a real authorization server (oidc-provider on
 * loopback): the SDK's own OAuth client finds the authorization server from the 401 (RFC 9728 metadata),
 * gets a token for Kaizen's resource (RFC 8707) with client credentials and calls tools; tools/list shows
 * what the token's scopes allow; a call needing more is a 403 insufficient_scope challenge; tokens for
 * another resource, in the URL, or missing are refused. (Sessions bound to their principal: packages/http/test/grants.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort, OTHER, requestToken, SECRET, startAuthorizationServer } from '@kaizen/auth/testing';
import { connectStreamable, initialize, post, SERVER, startServer, type RunningServer } from './harness.js';

describe('kaizen-http with OAuth (oidc-provider)', () => {
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let kaizen: RunningServer;
  let publicUrl: string;
  let resource: string;
  const token = (scope: string, target = resource) => requestToken(as.meta, { grant_type: 'client_credentials', resource: target, scope }, 'agent-jwt');

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    resource = `${publicUrl}/mcp`;
    as = await startAuthorizationServer({ resource });
    kaizen = await startServer({
      KAIZEN_DATABASE_URL: 'memory://',
      KAIZEN_HTTP_PORT: String(port),
      KAIZEN_AUTH_ISSUER: as.issuer,
      KAIZEN_PUBLIC_URL: publicUrl,
      KAIZEN_RATE_LIMIT: '0',
    });
  }, 60_000);
  afterAll(async () => {
    await kaizen?.stop();
    await as?.close();
  });

  it('answers a request without a token 401, pointing at its protected resource metadata', async () => {
    const res = await post(kaizen, initialize);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const metadata = (await (await fetch(new URL(path, kaizen.url))).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({ resource, authorization_servers: [as.issuer], bearer_methods_supported: ['header'] });
      expect(metadata.scopes_supported).toEqual(['kaizen:read', 'kaizen:write', 'kaizen:admin']);
    }
  });

  it('runs the SDK OAuth client flow, then lists only the tools a read token allows', async () => {
    const authProvider = new ClientCredentialsProvider({ clientId: 'agent-jwt', clientSecret: SECRET, scope: 'kaizen:read' });
    const client = new Client({ name: 'oauth-e2e', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(kaizen.mcp, { authProvider }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_namespaces', 'get_task_context']);
    const namespaces = await client.callTool({ name: 'get_namespaces', arguments: {} });
    expect(namespaces.isError).toBeFalsy();
    await client.close();
  });

  it('answers a call that needs more than the token grants 403 insufficient_scope, naming every scope needed', async () => {
    const read = await token('kaizen:read');
    const res = await post(
      kaizen,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'delete_namespace', arguments: { name: 'global' } } },
      { authorization: `Bearer ${read}`, 'mcp-protocol-version': '2025-03-26' },
    );
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="kaizen:read kaizen:write kaizen:admin"');
    expect(challenge).toContain('resource_metadata=');
    // With the scope, a 2025 session writes.
    const write = await token('kaizen:write');
    const { client } = await connectStreamable(kaizen, { requestInit: { headers: { authorization: `Bearer ${write}` } } });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('write_knowledge');
    // Writing into global needs a grant; a namespace it creates is its own (it becomes its admin).
    const global = await client.callTool({ name: 'write_knowledge', arguments: { scope: 'global:default', content: 'Review every migration.', context: 'migrations review' } });
    expect(JSON.stringify(global.content)).toMatch(/FORBIDDEN/);
    await client.callTool({ name: 'create_namespace', arguments: { name: 'agents', description: 'Agents' } });
    const written = await client.callTool({ name: 'write_knowledge', arguments: { scope: 'agents:default', content: 'Review every migration.', context: 'migrations review' } });
    expect(written.isError).toBeFalsy();
    await client.close();
  });

  it('refuses a token issued for another resource, one in the query string, and a garbage one', async () => {
    const other = await token('kaizen:admin', OTHER);
    const wrongAudience = await post(kaizen, initialize, { authorization: `Bearer ${other}` });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const good = await token('kaizen:read');
    const inQuery = await fetch(new URL(`/mcp?access_token=${good}`, kaizen.url), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(initialize) });
    expect(inQuery.status).toBe(400);
    expect((await post(kaizen, initialize, { authorization: 'Bearer not.a.token' })).status).toBe(401);
    expect(JSON.stringify(kaizen.logs)).not.toContain(good); // tokens are never logged
  });
});

describe('kaizen-http off loopback', () => {
  it('refuses to start without authentication unless KAIZEN_AUTH=none says so', async () => {
    const refused = spawnSync(process.execPath, [SERVER], {
      env: { PATH: process.env.PATH, KAIZEN_DATABASE_URL: 'memory://', KAIZEN_HTTP_HOST: '0.0.0.0', KAIZEN_HTTP_PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/KAIZEN_AUTH/);
    const open = await startServer({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_HTTP_HOST: '0.0.0.0', KAIZEN_AUTH: 'none', KAIZEN_HTTP_ALLOWED_HOSTS: 'localhost,127.0.0.1' });
    expect(open.logs.some((l) => l.level === 40 && String(l.msg).includes('KAIZEN_AUTH=none'))).toBe(true);
    await open.stop();
  });
});
