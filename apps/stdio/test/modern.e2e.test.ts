/**
 * The 2026-07-28 era over stdio with the SDK v2 Client: discovery without initialize, resources and
 * templates, completion, prompts, and subscriptions/listen streams that hear writes up a scope's chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';
import { connectEra } from './harness.js';

type Json = Record<string, unknown>;

describe.each(testDatabaseKinds())('kaizen-mcp over stdio on %s, protocol 2026-07-28', (kind) => {
  let client: Client;
  let database: TestDatabase | undefined;

  async function call(name: string, args: Json): Promise<Json> {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Json;
  }

  beforeAll(async () => {
    if (kind === 'postgres') database = await createTestDatabase('postgres');
    const env = { KAIZEN_DATABASE_URL: database?.url ?? 'memory://' };
    client = (await connectEra('2026-07-28', env, 'kaizen-modern-e2e')) as unknown as Client;
    await call('create_namespace', { name: 'acme', description: 'Acme Corp' });
    await call('create_scope', { scope: 'acme:shop', description: 'Pet shop' });
  });
  afterAll(async () => {
    await client?.close();
    await database?.drop();
  });

  it('negotiates 2026-07-28 and announces resources with subscribe, prompts and the instructions', () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true, listChanged: true });
    expect(client.getServerCapabilities()?.prompts).toBeDefined();
    expect(client.getServerVersion()?.name).toBe('kaizen');
    expect(client.getInstructions()).toMatch(/get_task_context/);
  });

  it('reads resources and templates, refuses a URI the URL parser would normalise, completes arguments', async () => {
    const tree = await client.readResource({ uri: 'kaizen://namespaces' });
    expect(JSON.parse((tree.contents[0] as { text: string }).text).namespaces.map((n: { name: string }) => n.name)).toContain('acme');
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['kaizen://audit/{namespace}', 'kaizen://knowledge/{id}', 'kaizen://namespaces/{namespace}', 'kaizen://scopes/{scope}']);
    await expect(client.readResource({ uri: 'kaizen://namespaces/acme/../global' })).rejects.toMatchObject({ code: -32602 });
    await expect(client.readResource({ uri: 'kaizen://scopes/acme%3Aghost' })).rejects.toThrow(/acme:ghost/);
    const done = await client.complete({ ref: { type: 'ref/resource', uri: 'kaizen://scopes/{scope}' }, argument: { name: 'scope', value: 'acme:s' } });
    expect(done.completion.values).toEqual(['acme:shop']);
    const prompt = await client.getPrompt({ name: 'start_task', arguments: { task: 'add a price field', scope: 'acme:shop' } });
    expect(JSON.stringify(prompt.messages)).toMatch(/acme:shop/);
  });

  it('delivers updates of a listened scope when its chain changes, and list changes', async () => {
    const uri = 'kaizen://scopes/acme%3Ashop';
    const seen: string[] = [];
    let resolveUpdate!: () => void;
    const updated = new Promise<void>((r) => (resolveUpdate = r));
    let resolveList!: () => void;
    const listChanged = new Promise<void>((r) => (resolveList = r));
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      seen.push(n.params.uri);
      if (n.params.uri === uri) resolveUpdate();
    });
    client.setNotificationHandler('notifications/resources/list_changed', () => resolveList());
    const subscription = await client.listen({ resourceSubscriptions: [uri], resourcesListChanged: true });
    expect(subscription.honoredFilter).toMatchObject({ resourceSubscriptions: [uri], resourcesListChanged: true });
    // global:default is an ancestor of every scope: a write there changes acme:shop's chain view.
    await call('write_knowledge', { scope: 'global:default', content: 'Write the test first.', context: 'testing tdd' });
    await Promise.all([updated, listChanged]);
    expect(seen).toContain(uri);
    await subscription.close();
    expect(await subscription.closed).toBe('local');
  });

  it('writes the get_task_context text for a model: each entry once, grouped by scope, with id and relevance', async () => {
    const { id } = await call('write_knowledge', { scope: 'acme:shop', content: 'Prices are integers in cents.', context: 'prices money' });
    const result = await client.callTool({ name: 'get_task_context', arguments: { scope: 'acme:shop', queries: ['prices money', 'testing'] } });
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text.match(/Prices are integers in cents\./g)).toHaveLength(1);
    expect(text).toMatch(/## acme:shop[\s\S]*## global:default/);
    expect(text).toContain(`id ${String(id)}`);
    expect(text).toMatch(/relevance \d\.\d\d/);
    expect((result.structuredContent as { results: unknown[] }).results).toHaveLength(2);
  });
});
