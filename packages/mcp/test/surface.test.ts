import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, TextResourceContents } from '@modelcontextprotocol/sdk/types.js';
import { createCallContext, createKaizen, type KaizenService } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenMcpServer, createKaizenSurface, MAX_SESSION_SUBSCRIPTIONS, MAX_URI_LENGTH, scopeUri, type KaizenSurface } from '../src/index.js';
import { Notifications } from '../src/testing.js';
import { LoggingMessageNotificationSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const ctx = createCallContext();

/** The SDK 1.x client takes notification schemas, not method names. */
const V1_NOTIFICATIONS = [ResourceUpdatedNotificationSchema, ResourceListChangedNotificationSchema, LoggingMessageNotificationSchema];

let store: DrizzleKnowledgeStore | undefined;
afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
});

async function session(kaizen: KaizenService, resourcePageSize?: number, surface?: KaizenSurface) {
  // Consent for destructive calls has its own suite (consent.test.ts).
  const server = surface ? surface.createServer({ era: 'legacy' }) : createKaizenMcpServer(kaizen, { resourcePageSize, consent: { mode: 'never' } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  const notifications = new Notifications(client, V1_NOTIFICATIONS);
  await client.connect(clientSide);
  return { client, server, notifications };
}

async function kaizenWithData() {
  store = await openStore({ databaseUrl: 'memory://' });
  const kaizen = createKaizen({ store });
  await kaizen.createNamespace({ name: 'acme', description: 'Acme Corp' }, ctx);
  await kaizen.createScope({ scope: 'acme:shop', description: 'Pet shop' }, ctx);
  return kaizen;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(JSON.stringify(result.content));
  return result.structuredContent as Record<string, string>;
};
const text = (r: { contents: unknown[] }) => (r.contents[0] as TextResourceContents).text;

describe('resources', () => {
  it('pages resources/list with a cursor, each resource once', async () => {
    const kaizen = await kaizenWithData();
    for (let i = 0; i < 7; i++) await kaizen.writeKnowledge({ scope: 'acme:shop', content: `Fact ${i}.`, context: `fact ${i}` }, ctx);
    const { client } = await session(kaizen, 3);
    const uris: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      expect(page.resources.length).toBeLessThanOrEqual(3);
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    // root + 2 namespaces + 3 scopes (global:default, acme:default, acme:shop) + 7 entries
    expect(uris).toHaveLength(13);
    expect(new Set(uris).size).toBe(13);
    expect(pages).toBe(5);
    expect(uris.slice(0, 6)).toEqual([
      'kaizen://namespaces', 'kaizen://namespaces/acme', 'kaizen://namespaces/global',
      scopeUri('acme:default'), scopeUri('acme:shop'), scopeUri('global:default'),
    ]);
    await expect(client.listResources({ cursor: 'bogus' })).rejects.toThrow(/cursor/);
  });

  it('reads a scope as Markdown with its chain and a knowledge entry with its conflict status', async () => {
    const kaizen = await kaizenWithData();
    const keep = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Prices are integers in cents.', context: 'prices cents', task_size: 'S' }, ctx);
    const old = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Prices are floats.', context: 'prices floats' }, ctx);
    await kaizen.resolveKnowledgeConflict({ active_id: keep.id, suppressed_ids: [old.id] }, ctx);
    const { client } = await session(kaizen);
    const scope = await client.readResource({ uri: 'kaizen://scopes/acme%3Ashop' });
    expect(scope.contents[0]).toMatchObject({ uri: 'kaizen://scopes/acme%3Ashop', mimeType: 'text/markdown' });
    const md = text(scope);
    expect(md).toContain('# Scope acme:shop');
    expect(md).toMatch(/\| 0 \| \[acme:shop\].*\| 2 \(1 suppressed\) \|/);
    expect(md).toMatch(/\| 1 \| \[acme:default\]/);
    expect(md).toMatch(/\| 2 \| \[global:default\]/);
    expect(md).toContain(`### ${old.id} (any task size, suppressed)`);
    const entry = JSON.parse(text(await client.readResource({ uri: `kaizen://knowledge/${keep.id}` })));
    expect(entry).toMatchObject({ id: keep.id, scope: 'acme:shop', task_size: 'S', conflict: { suppressed: false, suppressed_by: null, suppresses: [old.id] } });
    const loser = JSON.parse(text(await client.readResource({ uri: `kaizen://knowledge/${old.id}` })));
    expect(loser.conflict).toEqual({ suppressed: true, suppressed_by: keep.id, suppresses: [] });
    await expect(client.readResource({ uri: 'kaizen://scopes/acme%3Aghost' })).rejects.toThrow(/acme:ghost.*does not exist/);
    await expect(client.readResource({ uri: 'kaizen://scopes/Bad' })).rejects.toThrow(/scope: invalid scope/);
  });

  it('completes namespaces, scopes and ids by prefix', async () => {
    const kaizen = await kaizenWithData();
    const { id } = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'x y z', context: 'x' }, ctx);
    const { client } = await session(kaizen);
    const complete = async (uri: string, name: string, value: string) =>
      (await client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value } })).completion.values;
    expect(await complete('kaizen://namespaces/{namespace}', 'namespace', 'ac')).toEqual(['acme']);
    expect(await complete('kaizen://scopes/{scope}', 'scope', 'acme:')).toEqual(['acme:default', 'acme:shop']);
    expect(await complete('kaizen://scopes/{scope}', 'scope', 'sh')).toEqual(['acme:shop']);
    expect(await complete('kaizen://knowledge/{id}', 'id', id.slice(0, 4))).toContain(id);
    const prompt = await client.complete({ ref: { type: 'ref/prompt', name: 'start_task' }, argument: { name: 'scope', value: 'glo' } });
    expect(prompt.completion.values).toEqual(['global:default']);
  });
});

describe('subscriptions across sessions sharing one service', () => {
  it('notifies the subscriber of its scope and entries, and sessions that listed resources of list changes; a closed session stops listening', async () => {
    const kaizen = await kaizenWithData();
    const surface = createKaizenSurface(kaizen, { consent: { mode: 'never' } });
    const a = await session(kaizen, undefined, surface);
    const b = await session(kaizen, undefined, surface);
    const idle = await session(kaizen, undefined, surface);
    await b.client.listResources();
    const shop = scopeUri('acme:shop');
    await a.client.subscribeResource({ uri: shop });
    // Written through session B: the change reaches A through the shared service.
    const { id } = await call(b.client, 'write_knowledge', { scope: 'acme:shop', content: 'Use cents.', context: 'prices' });
    await a.notifications.updated(shop);
    await a.client.subscribeResource({ uri: `kaizen://knowledge/${id}` });
    await call(b.client, 'update_knowledge', { id, content: 'Use integer cents.' });
    await a.notifications.updated(`kaizen://knowledge/${id}`);
    // A change in an ancestor of the scope is a change of its chain view.
    a.notifications.clear();
    await call(b.client, 'write_knowledge', { scope: 'global:default', content: 'Test first.', context: 'tests' });
    await a.notifications.updated(shop);
    await call(b.client, 'create_scope', { scope: 'acme:blog', description: 'Blog' });
    await a.notifications.next('notifications/resources/list_changed');
    await b.notifications.next('notifications/resources/list_changed');
    // One listener on the change feed whatever the number of sessions; a session that never listed
    // resources has no list to refresh and is not told.
    expect(kaizen.changes.size).toBe(1);
    expect(idle.notifications.count('notifications/resources/list_changed')).toBe(0);
    expect(surface.hub.size).toBe(2);
    await a.client.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(surface.hub.size).toBe(0);
    await b.client.close();
    await idle.client.close();
    surface.close();
    expect(kaizen.changes.size).toBe(0);
  });
});

describe('subscription bounds', () => {
  it('refuses a session its 101st subscription and a URI over 2,048 characters, keeping the ones it has', async () => {
    const kaizen = await kaizenWithData();
    const { client } = await session(kaizen);
    for (let i = 0; i < MAX_SESSION_SUBSCRIPTIONS; i++) await client.subscribeResource({ uri: `kaizen://knowledge/id${i}` });
    await expect(client.subscribeResource({ uri: 'kaizen://knowledge/one-more' })).rejects.toThrow(/already has 100 subscriptions/);
    await expect(client.subscribeResource({ uri: `kaizen://knowledge/${'x'.repeat(MAX_URI_LENGTH)}` })).rejects.toThrow(/longer than 2048/);
    await client.unsubscribeResource({ uri: 'kaizen://knowledge/id0' });
    await client.subscribeResource({ uri: 'kaizen://knowledge/one-more' });
  });
});

describe('subscriptions on namespace and scope changes', () => {
  it('follows renames and deletions of namespaces and scopes', async () => {
    const kaizen = await kaizenWithData();
    const { id } = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Use cents.', context: 'prices' }, ctx);
    const { client, notifications } = await session(kaizen);
    const entry = `kaizen://knowledge/${id}`;
    for (const uri of [entry, 'kaizen://namespaces/acme', 'kaizen://namespaces']) await client.subscribeResource({ uri });
    await call(client, 'update_namespace', { name: 'acme', new_name: 'acme-corp' });
    await Promise.all([entry, 'kaizen://namespaces/acme', 'kaizen://namespaces'].map((u) => notifications.updated(u)));
    await notifications.next('notifications/resources/list_changed');
    expect(JSON.parse(text(await client.readResource({ uri: entry }))).scope).toBe('acme-corp:shop');

    // The entry now depends on acme-corp:shop: deleting that scope (and the entry with it) notifies.
    notifications.clear();
    await call(client, 'delete_scope', { scope: 'acme-corp:shop' });
    await Promise.all([notifications.updated(entry), notifications.updated('kaizen://namespaces')]);
    await expect(client.readResource({ uri: entry })).rejects.toThrow(/does not exist|no knowledge entry/);
    await expect(client.subscribeResource({ uri: 'https://example.com/x' })).rejects.toThrow(/not a Kaizen resource/);
  });
});

describe('logging', () => {
  it('sends log messages at or above the level the client set', async () => {
    const kaizen = await kaizenWithData();
    const { client, notifications } = await session(kaizen);
    const logs = () => notifications.seen.filter((n) => n.method === 'notifications/message').map((n) => n.params!.level);
    await client.setLoggingLevel('warning');
    await call(client, 'write_knowledge', { scope: 'acme:shop', content: 'An info-level write.', context: 'x' });
    await client.callTool({ name: 'delete_knowledge', arguments: { id: 'missing' } });
    await notifications.next('notifications/message', (p) => p.level === 'warning');
    expect(logs()).toEqual(['warning']);
    await client.setLoggingLevel('debug');
    await call(client, 'get_namespaces', {});
    await notifications.next('notifications/message', (p) => p.level === 'debug');
    await expect(client.setLoggingLevel('loud' as never)).rejects.toThrow();
  });
});
