/**
 * The audit trail of kaizen-http with OAuth, in process over real HTTP against a real authorization
 * server (oidc-provider): a failed authentication, a call refused for lack of scope and a change each
 * leave one row, with principal, client, action, targets and outcome; reads leave none; no token in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createAuthenticator } from '@kaizen/auth';
import { freePort, requestToken, SECRET, startAuthorizationServer } from '@kaizen/auth/testing';
import { createKaizen } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenHttpServer, type KaizenHttpServer } from '../src/index.js';

describe('rate limits per principal with OAuth', () => {
  it('gives two principals behind one address a budget each', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const resource = `${publicUrl}/mcp`;
    const as = await startAuthorizationServer({ resource });
    const store = await openStore({ databaseUrl: 'memory://' });
    const server = await createKaizenHttpServer({
      kaizen: createKaizen({ store }),
      logger: pino({ level: 'silent' }),
      checkDatabase: () => store.ping(),
      host: '127.0.0.1',
      port,
      rateLimit: 3,
      auth: {
        authenticator: createAuthenticator({ issuer: as.issuer, resource, introspection: { url: as.meta.introspection_endpoint!, clientId: 'kaizen-rs', clientSecret: SECRET } }),
        resource,
        publicUrl,
        issuer: as.issuer,
      },
    });
    await server.listen();
    const ping = (token: string) =>
      fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-03-26' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      }).then((r) => r.status);
    const a = await requestToken(as.meta, { grant_type: 'client_credentials', resource, scope: 'kaizen:read' }, 'agent-jwt');
    const b = await requestToken(as.meta, { grant_type: 'client_credentials', resource, scope: 'kaizen:read' }, 'agent-opaque');
    const statuses = [await ping(a), await ping(a), await ping(a), await ping(a)];
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]); // authenticated, limited, then refused for having no session
    expect(statuses[3]).toBe(429);
    // Another principal from the same address: past the limiter (400: no session), not 429.
    expect(await ping(b)).toBe(400);
    await server.shutdown();
    await store.close();
    await as.close();
  });
});

describe('audit trail over HTTP with OAuth', () => {
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let store: DrizzleKnowledgeStore;
  let server: KaizenHttpServer;
  let mcp: string;
  let resource: string;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    resource = `${publicUrl}/mcp`;
    as = await startAuthorizationServer({ resource });
    store = await openStore({ databaseUrl: 'memory://' });
    server = await createKaizenHttpServer({
      kaizen: createKaizen({ store }),
      logger: pino({ level: 'silent' }),
      checkDatabase: () => store.ping(),
      host: '127.0.0.1',
      port,
      auth: { authenticator: createAuthenticator({ issuer: as.issuer, resource, apiKeys: store.security }), resource, publicUrl, issuer: as.issuer },
      audit: store.security,
    });
    await server.listen();
    mcp = resource;
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await as?.close();
  });

  const rpc = (body: unknown, token?: string) =>
    fetch(mcp, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-03-26',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  it('records a failed authentication, a denied call and a change, and no read', async () => {
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }, 'garbage')).status).toBe(401);
    const read = await requestToken(as.meta, { grant_type: 'client_credentials', resource, scope: 'kaizen:read' }, 'agent-jwt');
    const denied = await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'write_knowledge', arguments: { scope: 'global:default', content: 'x', context: 'y' } } }, read);
    expect(denied.status).toBe(403);
    const write = await requestToken(as.meta, { grant_type: 'client_credentials', resource, scope: 'kaizen:write' }, 'agent-jwt');
    const init = await rpc({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'audit', version: '1' } } }, write);
    const session = init.headers.get('mcp-session-id')!;
    const call = (id: number, name: string, args: unknown) =>
      fetch(mcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${write}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
      }).then((r) => r.text());
    await call(4, 'get_namespaces', {});
    expect(await call(5, 'write_knowledge', { scope: 'global:default', content: 'Review every migration.', context: 'migrations' })).toMatch(/"id"/);
    await server.shutdown(); // flushes the trail

    const rows = await store.security.listAudit({});
    const byAction = Object.fromEntries(rows.map((r) => [r.action, r]));
    expect(byAction.authenticate).toMatchObject({ principal: 'anonymous', outcome: 'denied', detail: { reason: 'malformed' } });
    expect(byAction.write_knowledge).toBeDefined();
    const changes = rows.filter((r) => r.action === 'write_knowledge');
    expect(changes.map((r) => r.outcome).sort()).toEqual(['denied', 'ok']);
    expect(changes.find((r) => r.outcome === 'ok')).toMatchObject({ principal: 'user:agent-jwt', clientId: 'agent-jwt', namespace: 'global', scope: 'global:default', address: '127.0.0.1' });
    expect(rows.some((r) => r.action === 'get_namespaces')).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(write.slice(0, 40));
  });
});
