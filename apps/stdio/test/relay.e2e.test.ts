/**
 * Two kaizen-mcp servers on one PostgreSQL database, as two developers' agents (or two instances behind
 * a load balancer) would run them: a client subscribed on one server hears of changes made through the
 * other. PGlite is one process's, so this runs on PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Notifications } from '@kaizen/mcp/testing';
import { createTestDatabase, type TestDatabase } from '@kaizen/storage/testing';
import { connectStdio } from './harness.js';
import { LoggingMessageNotificationSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

/** The SDK 1.x client takes notification schemas, not method names. */
const V1_NOTIFICATIONS = [ResourceUpdatedNotificationSchema, ResourceListChangedNotificationSchema, LoggingMessageNotificationSchema];

const scopeUri = (scope: string) => `kaizen://scopes/${encodeURIComponent(scope)}`;

describe.skipIf(!process.env.KAIZEN_TEST_DATABASE_URL)('two kaizen-mcp servers on one postgres', () => {
  let database: TestDatabase;
  let watcher: Client;
  let writer: Client;
  let notes: Notifications;

  async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Record<string, unknown>;
  }

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { KAIZEN_DATABASE_URL: database.url };
    writer = await connectStdio(env, 'kaizen-relay-writer');
    watcher = new Client({ name: 'kaizen-relay-watcher', version: '1.0.0' });
    notes = new Notifications(watcher, V1_NOTIFICATIONS);
    await connectStdio(env, 'kaizen-relay-watcher', watcher);
    await call(writer, 'create_namespace', { name: 'acme', description: 'Acme' });
    await call(writer, 'create_scope', { scope: 'acme:shop', description: 'Shop' });
  });
  afterAll(async () => {
    await watcher?.close();
    await writer?.close();
    await database?.drop();
  });

  it("notifies a subscriber of one server about the other server's writes, updates and new scopes", async () => {
    const shop = scopeUri('acme:shop');
    await watcher.subscribeResource({ uri: shop });

    notes.clear();
    const { id } = await call(writer, 'write_knowledge', { scope: 'acme:shop', content: 'Prices in cents.', context: 'prices' });
    await notes.updated(shop);
    await notes.next('notifications/resources/list_changed');

    const entry = `kaizen://knowledge/${id as string}`;
    await watcher.subscribeResource({ uri: entry });
    notes.clear();
    await call(writer, 'update_knowledge', { id, context: 'prices money' });
    await notes.updated(entry);

    notes.clear();
    await call(writer, 'create_scope', { scope: 'acme:admin', description: 'Back office' });
    await notes.next('notifications/resources/list_changed');
    // The watcher's server reads the same database: what it now lists includes the other's changes.
    const { resources } = await watcher.listResources();
    expect(resources.map((r) => r.uri)).toContain(scopeUri('acme:admin'));
  });
});
