/**
 * Per-namespace grants over HTTP with real tokens (oidc-provider): what a principal may not read does not
 * exist for it — not in get_namespaces, not in get_task_context (the same NOT_FOUND as a missing scope),
 * not in a listen stream's notifications — until a grant gives it read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startWithOAuth, type OAuthFixture } from './oauth-fixture.js';

type Text = { text: string }[];

describe('grants over HTTP with OAuth', () => {
  let fixture: OAuthFixture;
  beforeAll(async () => {
    fixture = await startWithOAuth({
      core: (store) => ({ grants: store.security, audit: store.security }),
      server: (store) => ({ audit: store.security, consent: { mode: 'never' } }),
    });
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  const connect = async (clientId: 'agent-jwt' | 'agent-opaque') => {
    const token = await fixture.token(clientId, 'kaizen:write');
    const client = new Client({ name: clientId, version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    return client;
  };

  it('hides another team’s namespace everywhere, and shows it once granted', async () => {
    const alice = await connect('agent-jwt'); // user:agent-jwt
    const bob = await connect('agent-opaque'); // user:agent-opaque, verified by introspection
    await alice.callTool({ name: 'create_namespace', arguments: { name: 'team-a', description: 'Team A' } });
    await alice.callTool({ name: 'create_scope', arguments: { scope: 'team-a:web', description: 'Web' } });
    await alice.callTool({ name: 'write_knowledge', arguments: { scope: 'team-a:web', content: 'Team A ships on Fridays.', context: 'release day' } });

    const listed = await bob.callTool({ name: 'get_namespaces', arguments: {} });
    expect(Object.keys((listed.structuredContent as { namespaces: object }).namespaces)).toEqual(['global']);
    const hidden = await bob.callTool({ name: 'get_task_context', arguments: { scope: 'team-a:web', queries: ['release day'] } });
    const missing = await bob.callTool({ name: 'get_task_context', arguments: { scope: 'team-z:web', queries: ['release day'] } });
    expect(hidden.isError).toBe(true);
    expect((hidden.content as Text)[0]!.text.replaceAll('team-a', 'team-z')).toBe((missing.content as Text)[0]!.text);

    // Bob's listen stream hears his own changes, never Alice's.
    let lists = 0;
    let resolveOwn!: () => void;
    const own = new Promise<void>((r) => (resolveOwn = r));
    bob.setNotificationHandler('notifications/resources/list_changed', () => {
      lists++;
      resolveOwn();
    });
    const subscription = await bob.listen({ resourcesListChanged: true });
    await alice.callTool({ name: 'create_scope', arguments: { scope: 'team-a:api', description: 'API' } });
    await new Promise((r) => setTimeout(r, 200));
    await bob.callTool({ name: 'create_namespace', arguments: { name: 'team-b', description: 'Team B' } });
    await own;
    await new Promise((r) => setTimeout(r, 100));
    expect(lists).toBe(1);
    await subscription.close();

    await fixture.store.security.setGrant({ principal: 'user:agent-opaque', namespace: 'team-a', role: 'read', grantedBy: 'test' });
    const granted = await bob.callTool({ name: 'get_task_context', arguments: { scope: 'team-a:web', queries: ['release day'] } });
    expect(JSON.stringify(granted.structuredContent)).toContain('Team A ships on Fridays.');
    const write = await bob.callTool({ name: 'write_knowledge', arguments: { scope: 'team-a:web', content: 'x y z', context: 'x' } });
    expect((write.content as Text)[0]!.text).toMatch(/^FORBIDDEN: /);
    // Alice administers team-a: she reads its audit trail as a resource; Bob (a reader) may not.
    await new Promise((r) => setTimeout(r, 1_200)); // the trail is written in batches, at least every second
    const trail = await alice.readResource({ uri: 'kaizen://audit/team-a' });
    const events = JSON.parse((trail.contents[0] as { text: string }).text).events as { action: string; principal: string }[];
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['create_scope', 'write_knowledge']));
    expect(events.every((e) => e.principal === 'user:agent-jwt' || e.principal === 'user:agent-opaque')).toBe(true);
    await expect(bob.readResource({ uri: 'kaizen://audit/team-a' })).rejects.toThrow(/FORBIDDEN/);
    await Promise.all([alice.close(), bob.close()]);
  });

  it("binds a 2025 session to the principal that opened it: another principal's valid token gets not found", async () => {
    const post = (token: string, body: unknown, session?: string) =>
      fetch(fixture.resource, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
          'mcp-protocol-version': '2025-11-25',
          ...(session && { 'mcp-session-id': session }),
        },
        body: JSON.stringify(body),
      });
    const mine = await fixture.token('agent-jwt', 'kaizen:read');
    const theirs = await fixture.token('agent-opaque', 'kaizen:read');
    const init = await post(mine, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'a', version: '1' } } });
    const session = init.headers.get('mcp-session-id')!;
    expect(session).toBeTruthy();
    expect((await post(mine, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202);
    expect((await post(theirs, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, session)).status).toBe(404);
    expect((await post(mine, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, session)).status).toBe(200);
  });
});
