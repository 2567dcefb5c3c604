/**
 * Resources, templates, completion, pagination, subscriptions, prompts and logging levels, end to end:
 * the SDK Client drives the built kaizen-mcp over stdio, on PGlite and (when configured) PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, TextResourceContents } from '@modelcontextprotocol/sdk/types.js';
import { Notifications } from '@kaizen/mcp/testing';
import { connectStdio } from './harness.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';
import { LoggingMessageNotificationSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

/** The SDK 1.x client takes notification schemas, not method names. */
const V1_NOTIFICATIONS = [ResourceUpdatedNotificationSchema, ResourceListChangedNotificationSchema, LoggingMessageNotificationSchema];

const PAGE = 100; // the server's resources/list page size
const BULK = 105; // entries written to force several pages

type Json = Record<string, unknown>;
const scopeUri = (scope: string) => `kaizen://scopes/${encodeURIComponent(scope)}`;
const text = (r: { contents: unknown[] }) => (r.contents[0] as TextResourceContents).text;

describe.each(testDatabaseKinds())('kaizen-mcp resources, prompts and logging over stdio on %s', (kind) => {
  let database: TestDatabase | undefined;
  let dataDir: string;
  let client: Client;
  let notes: Notifications;
  const ids: Record<string, string> = {};

  async function call(name: string, args: Json): Promise<Json> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Json;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kaizen-surface-'));
    let env: Record<string, string> = { KAIZEN_DATA_DIR: dataDir };
    if (kind === 'postgres') {
      database = await createTestDatabase('postgres');
      env = { KAIZEN_DATABASE_URL: database.url };
    }
    client = new Client({ name: 'kaizen-surface-e2e', version: '1.0.0' });
    notes = new Notifications(client, V1_NOTIFICATIONS);
    await connectStdio(env, 'kaizen-surface-e2e', client);

    await call('create_namespace', { name: 'acme', description: 'Acme Corp' });
    await call('create_namespace', { name: 'platform', description: 'Platform team' });
    await call('create_scope', { scope: 'platform:node', description: 'Node services' });
    await call('create_scope', { scope: 'acme:shop', description: 'Pet shop storefront', parents: ['platform:node'] });
    ids.cents = (await call('write_knowledge', { scope: 'acme:shop', content: 'Prices are integers in cents.', context: 'prices money cents', task_size: 'M' })).id as string;
    ids.floats = (await call('write_knowledge', { scope: 'acme:shop', content: 'Prices are floats in euros.', context: 'prices money euros' })).id as string;
    ids.pino = (await call('write_knowledge', { scope: 'platform:node', content: 'Log with pino.', context: 'logging pino' })).id as string;
  });
  afterAll(async () => {
    await client?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('announces resources (with subscribe), prompts, completions and logging', () => {
    expect(client.getServerCapabilities()).toMatchObject({
      resources: { subscribe: true, listChanged: true }, prompts: {}, completions: {}, logging: {},
    });
    expect(client.getInstructions()).toMatch(/kaizen:\/\/scopes\/\{scope\}[\s\S]*start_task/);
  });

  it('lists the templates and reads every kind of resource', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => [t.uriTemplate, t.mimeType])).toEqual([
      ['kaizen://namespaces/{namespace}', 'application/json'],
      ['kaizen://scopes/{scope}', 'text/markdown'],
      ['kaizen://knowledge/{id}', 'application/json'],
      ['kaizen://audit/{namespace}', 'application/json'],
    ]);
    for (const t of resourceTemplates) expect(t.title && t.description, t.uriTemplate).toBeTruthy();

    const tree = await client.readResource({ uri: 'kaizen://namespaces' });
    expect(tree.contents[0]!.mimeType).toBe('application/json');
    const namespaces = JSON.parse(text(tree)).namespaces as { name: string; scopes: { scope: string; parents: string[] }[] }[];
    expect(namespaces.map((n) => n.name)).toEqual(['global', 'acme', 'platform']);
    expect(namespaces[1]!.scopes).toContainEqual({ scope: 'acme:shop', description: 'Pet shop storefront', parents: ['acme:default', 'platform:node'] });

    const ns = JSON.parse(text(await client.readResource({ uri: 'kaizen://namespaces/acme' })));
    expect(ns).toMatchObject({ name: 'acme', description: 'Acme Corp' });
    expect(ns.scopes).toContainEqual(expect.objectContaining({ scope: 'acme:shop', entries: 2, suppressed: 0 }));

    const scope = await client.readResource({ uri: scopeUri('acme:shop') });
    expect(scope.contents[0]!.mimeType).toBe('text/markdown');
    const md = text(scope);
    expect(md).toContain('# Scope acme:shop');
    expect(md).toContain('Parents: acme:default, platform:node');
    expect(md.indexOf('[acme:shop]')).toBeLessThan(md.indexOf('[platform:node]'));
    expect(md).toContain('[global:default]');
    expect(md).toContain(`### ${ids.cents} (task size M)`);
    expect(md).toContain('Prices are integers in cents.');
    expect(md).not.toContain('Log with pino.'); // an ancestor's entries are counted, not listed

    const entry = JSON.parse(text(await client.readResource({ uri: `kaizen://knowledge/${ids.cents}` })));
    expect(entry).toMatchObject({
      id: ids.cents, scope: 'acme:shop', content: 'Prices are integers in cents.', context: 'prices money cents', task_size: 'M',
      conflict: { suppressed: false, suppressed_by: null, suppresses: [] },
    });
    expect(Date.parse(entry.created_at)).not.toBeNaN();

    await expect(client.readResource({ uri: 'kaizen://knowledge/missing' })).rejects.toMatchObject({ code: -32602 });
    await expect(client.readResource({ uri: scopeUri('acme:ghost') })).rejects.toThrow(/acme:ghost/);
  });

  it('completes every templated argument and prompt scopes', async () => {
    const complete = async (uri: string, name: string, value: string) =>
      (await client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value } })).completion.values;
    expect(await complete('kaizen://namespaces/{namespace}', 'namespace', 'pl')).toEqual(['platform']);
    expect(await complete('kaizen://scopes/{scope}', 'scope', 'acme:s')).toEqual(['acme:shop']);
    expect(await complete('kaizen://scopes/{scope}', 'scope', 'no')).toEqual(['platform:node']);
    expect(await complete('kaizen://knowledge/{id}', 'id', ids.pino!.slice(0, 5))).toContain(ids.pino);
    for (const name of ['start_task', 'teach', 'learn_from_failure', 'resolve_conflicts']) {
      const { completion } = await client.complete({ ref: { type: 'ref/prompt', name }, argument: { name: 'scope', value: 'acme:' } });
      expect(completion.values, name).toEqual(['acme:default', 'acme:shop']);
    }
    const byId = await client.complete({ ref: { type: 'ref/prompt', name: 'optimize_entry' }, argument: { name: 'id', value: ids.cents!.slice(0, 6) } });
    expect(byId.completion.values).toContain(ids.cents);
  });

  it('pages resources/list with a cursor over a large store', async () => {
    await call('create_scope', { scope: 'acme:bulk', description: 'Bulk entries' });
    for (let i = 0; i < BULK; i++) await call('write_knowledge', { scope: 'acme:bulk', content: `Bulk fact ${i}.`, context: `bulk ${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      expect(page.resources.length).toBeLessThanOrEqual(PAGE);
      if (page.nextCursor) expect(page.resources).toHaveLength(PAGE);
      seen.push(...page.resources.map((r) => r.uri));
      for (const r of page.resources) expect(r.mimeType, r.uri).toMatch(/^(application\/json|text\/markdown)$/);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    // the tree + 3 namespaces + 6 scopes (3 defaults, platform:node, acme:shop, acme:bulk) + entries
    const expected = 1 + 3 + 6 + 3 + BULK;
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    expect(pages).toBe(Math.ceil(expected / PAGE));
    expect(seen).toContain(`kaizen://knowledge/${ids.cents}`);
    expect(seen).toContain(scopeUri('acme:bulk'));
  });

  it('notifies subscribers on write, update, conflict, rename and delete, and lists changes on scope creation', async () => {
    const shop = scopeUri('acme:shop');
    const cents = `kaizen://knowledge/${ids.cents}`;
    const floats = `kaizen://knowledge/${ids.floats}`;
    await client.subscribeResource({ uri: shop });
    await client.subscribeResource({ uri: cents });
    await client.subscribeResource({ uri: floats });

    notes.clear();
    const written = await call('write_knowledge', { scope: 'acme:shop', content: 'Show prices with currency.', context: 'prices display' });
    await notes.updated(shop);
    await notes.next('notifications/resources/list_changed'); // a new entry is a new resource

    notes.clear();
    await call('update_knowledge', { id: ids.cents, context: 'prices money cents integer' });
    await notes.updated(cents);

    notes.clear();
    await call('resolve_knowledge_conflict', { active_id: ids.cents, suppressed_ids: [ids.floats] });
    await Promise.all([notes.updated(cents), notes.updated(floats), notes.updated(shop)]);
    expect(JSON.parse(text(await client.readResource({ uri: floats }))).conflict).toEqual({ suppressed: true, suppressed_by: ids.cents, suppresses: [] });

    notes.clear();
    await call('update_scope', { scope: 'platform:node', description: 'Node.js services' }); // an ancestor of acme:shop
    await notes.updated(shop);

    notes.clear();
    await call('create_scope', { scope: 'acme:blog', description: 'Blog' });
    await notes.next('notifications/resources/list_changed');

    notes.clear();
    await call('update_scope', { scope: 'acme:shop', new_scope: 'acme:store' });
    await Promise.all([notes.updated(shop), notes.updated(cents), notes.next('notifications/resources/list_changed')]);
    expect(JSON.parse(text(await client.readResource({ uri: cents }))).scope).toBe('acme:store');

    // The entry's dependencies followed the rename: deleting it still notifies.
    notes.clear();
    await call('delete_knowledge', { id: ids.cents });
    await notes.updated(cents);
    await expect(client.readResource({ uri: cents })).rejects.toMatchObject({ code: -32602 });

    // After unsubscribing, changes to that entry are no longer reported; a later update of a
    // still-subscribed resource proves the earlier one would have arrived by then (one ordered stream).
    await client.unsubscribeResource({ uri: floats });
    notes.clear();
    await call('update_knowledge', { id: ids.floats, content: 'Prices were floats in euros (old).' });
    const store = scopeUri('acme:store');
    await client.subscribeResource({ uri: store });
    await call('write_knowledge', { scope: 'acme:store', content: 'Round prices half up.', context: 'prices rounding' });
    await notes.updated(store);
    expect(notes.count('notifications/resources/updated', (p) => p.uri === floats)).toBe(0);
    ids.written = written.id as string;
  });

  it('runs every prompt against the store, with clear errors for a missing argument or an unknown scope', async () => {
    const get = async (name: string, args: Record<string, string>) => {
      const result = await client.getPrompt({ name, arguments: args });
      expect(result.messages[0]!.role).toBe('user');
      return (result.messages[0]!.content as { text: string }).text;
    };
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['learn_from_failure', 'optimize_entry', 'resolve_conflicts', 'setup_project', 'start_task', 'teach']);

    const start = await get('start_task', { task: 'Add gift cards to checkout', scope: 'acme:store' });
    expect(start).toContain('Task: Add gift cards to checkout');
    expect(start).toMatch(/acme:store[\s\S]*acme:default[\s\S]*platform:node \(1 entries\): Node\.js services[\s\S]*global:default/);
    expect(start).toMatch(/2-5 short, focused queries/);

    expect(await get('teach', { scope: 'platform:node', topic: 'error handling' })).toMatch(/about: error handling[\s\S]*get_task_context on "platform:node"/);
    expect(await get('learn_from_failure', { scope: 'acme:store', failure: 'refunds were doubled' })).toMatch(/Something failed: refunds were doubled[\s\S]*write_knowledge/);

    const conflicts = await get('resolve_conflicts', { scope: 'acme:store' });
    expect(conflicts).toContain(`[${ids.written}] (acme:store) Show prices with currency.`);
    expect(conflicts).toContain(`[${ids.pino}] (platform:node) Log with pino.`);
    expect(conflicts).not.toContain(ids.floats); // suppressed entries are already resolved

    const setup = await get('setup_project', { project: 'Mobile app for the pet shop' });
    expect(setup).toContain('- acme:store: Pet shop storefront');
    expect(setup).toContain('kaizen scope: <namespace>:<scope>');

    const optimize = await get('optimize_entry', { id: ids.pino! });
    expect(optimize).toMatch(/Log with pino\.[\s\S]*context: logging pino/);

    await expect(client.getPrompt({ name: 'start_task', arguments: { scope: 'acme:store' } })).rejects.toThrow(/-32602.*\btask\b/);
    await expect(client.getPrompt({ name: 'learn_from_failure', arguments: { scope: 'acme:store' } })).rejects.toThrow(/failure/);
    await expect(client.getPrompt({ name: 'start_task', arguments: { task: 'x', scope: 'acme:shop' } })).rejects.toThrow(/NOT_FOUND.*"acme:shop" does not exist/);
    await expect(client.getPrompt({ name: 'optimize_entry', arguments: {} })).rejects.toThrow(/\bid\b/);
  });

  it('honours logging/setLevel', async () => {
    const levels = () => notes.seen.filter((n) => n.method === 'notifications/message').map((n) => n.params!.level);
    await client.setLoggingLevel('warning');
    notes.clear();
    await call('write_knowledge', { scope: 'acme:store', content: 'Info-level write.', context: 'x' });
    await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:default' } }); // PROTECTED: a warning
    const warning = await notes.next('notifications/message', (p) => p.level === 'warning');
    expect(String(warning.params!.data)).toMatch(/delete_scope failed: PROTECTED/);
    expect(levels()).toEqual(['warning']);

    await client.setLoggingLevel('info');
    notes.clear();
    await call('write_knowledge', { scope: 'acme:store', content: 'Another write.', context: 'y' });
    await notes.next('notifications/message', (p) => p.level === 'info');
    await call('get_namespaces', {}); // debug: below info
    await client.callTool({ name: 'delete_knowledge', arguments: { id: 'missing' } });
    await notes.next('notifications/message', (p) => p.level === 'warning');
    expect(levels()).toEqual(['info', 'warning']);

    await client.setLoggingLevel('debug');
    notes.clear();
    await call('get_namespaces', {});
    await notes.next('notifications/message', (p) => p.level === 'debug');
  });
});
