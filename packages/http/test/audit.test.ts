/**
 * The audit trail of kaizen-http with OAuth, in process over real HTTP against a real authorization
 * server (oidc-provider): a failed authentication, a call refused for lack of scope and a change each
 * leave one row, with principal, client, action, targets and outcome; reads leave none; no token in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithOAuth, type OAuthFixture } from './oauth-fixture.js';

describe('rate limits per principal with OAuth', () => {
  it('gives two principals behind one address a budget each', async () => {
    const { resource, token, close } = await startWithOAuth({ server: () => ({ rateLimit: 3 }) });
    const ping = (token: string) =>
      fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-03-26' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      }).then((r) => r.status);
    const a = await token('agent-jwt', 'kaizen:read');
    const b = await token('agent-opaque', 'kaizen:read');
    const statuses = [await ping(a), await ping(a), await ping(a), await ping(a)];
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]); // authenticated, limited, then refused for having no session
    expect(statuses[3]).toBe(429);
    // Another principal from the same address: past the limiter (400: no session), not 429.
    expect(await ping(b)).toBe(400);
    await close();
  });
});

describe('audit trail over HTTP with OAuth', () => {
  let fixture: OAuthFixture;
  beforeAll(async () => {
    fixture = await startWithOAuth({ server: (store) => ({ audit: store.security }) });
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  const rpc = (body: unknown, token?: string) =>
    fetch(fixture.resource, {
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
    const read = await fixture.token('agent-jwt', 'kaizen:read');
    const denied = await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'write_knowledge', arguments: { scope: 'global:default', content: 'x', context: 'y' } } }, read);
    expect(denied.status).toBe(403);
    const write = await fixture.token('agent-jwt', 'kaizen:write');
    const init = await rpc({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'audit', version: '1' } } }, write);
    const session = init.headers.get('mcp-session-id')!;
    const call = (id: number, name: string, args: unknown) =>
      fetch(fixture.resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${write}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
      }).then((r) => r.text());
    await call(4, 'get_namespaces', {});
    expect(await call(5, 'write_knowledge', { scope: 'global:default', content: 'Review every migration.', context: 'migrations' })).toMatch(/"id"/);
    await fixture.server.shutdown(); // flushes the trail

    const rows = await fixture.store.security.listAudit({});
    const byAction = Object.fromEntries(rows.map((r) => [r.action, r]));
    expect(byAction.authenticate).toMatchObject({ principal: 'anonymous', outcome: 'denied', detail: { reason: 'inactive' } }); // introspected: not active
    expect(byAction.write_knowledge).toBeDefined();
    const changes = rows.filter((r) => r.action === 'write_knowledge');
    expect(changes.map((r) => r.outcome).sort()).toEqual(['denied', 'ok']);
    expect(changes.find((r) => r.outcome === 'ok')).toMatchObject({ principal: 'user:agent-jwt', clientId: 'agent-jwt', namespace: 'global', scope: 'global:default', address: '127.0.0.1' });
    expect(rows.some((r) => r.action === 'get_namespaces')).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(write.slice(0, 40));
  });
});
