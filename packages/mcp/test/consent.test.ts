/**
 * Consent for destructive calls, over real SDK clients of both eras: a client that can elicit is asked
 * (accept deletes, decline and cancel change nothing); one that cannot gets a preview with counts and a
 * one-time confirm token bound to the caller and the exact arguments (another call, a second use or an
 * expired token is refused).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createCallContext, createKaizen, type KaizenService } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenSurface, type ConsentOptions } from '../src/index.js';

let store: DrizzleKnowledgeStore | undefined;
afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
});

const ctx = createCallContext();
type Text = { type: string; text: string }[];
const text = (r: { content?: unknown }) => ((r.content ?? []) as Text)[0]?.text ?? '';

async function withData(consent: ConsentOptions = {}) {
  store = await openStore({ databaseUrl: 'memory://' });
  const kaizen = createKaizen({ store });
  await kaizen.createNamespace({ name: 'acme', description: 'Acme' }, ctx);
  await kaizen.createScope({ scope: 'acme:shop', description: 'Shop' }, ctx);
  await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Prices in cents.', context: 'prices' }, ctx);
  return { kaizen, surface: createKaizenSurface(kaizen, { consent }) };
}

async function legacyClient(surface: ReturnType<typeof createKaizenSurface>, elicit?: (message: string) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, boolean> }) {
  const client = new Client({ name: 'consent', version: '1' }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
  const asked: string[] = [];
  if (elicit) {
    client.setRequestHandler('elicitation/create', async (request) => {
      const message = String((request.params as { message?: string }).message);
      asked.push(message);
      return elicit(message);
    });
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await surface.createServer({ era: 'legacy' }).connect(b);
  await client.connect(a);
  return { client, asked };
}

const scopeExists = async (kaizen: KaizenService) =>
  (await kaizen.browse.scopesPage({ limit: 50 }, ctx)).some((s) => s.scope === 'acme:shop');

describe('consent for destructive calls', () => {
  it('asks an eliciting 2025 client, with counts; accept deletes, decline and cancel change nothing', async () => {
    const { kaizen, surface } = await withData();
    for (const action of ['decline', 'cancel'] as const) {
      const { client, asked } = await legacyClient(surface, () => ({ action }));
      const result = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop' } });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^CANCELLED: delete_scope was not confirmed/);
      expect(asked[0]).toMatch(/permanently deletes scope "acme:shop" and its 1 entry/);
      expect(await scopeExists(kaizen)).toBe(true);
      await client.close();
    }
    const { client } = await legacyClient(surface, () => ({ action: 'accept', content: { confirm: true } }));
    const deleted = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop' } });
    expect(deleted.isError).toBeFalsy();
    expect(deleted.structuredContent).toMatchObject({ scope: 'acme:shop', knowledge_deleted: 1 });
    expect(await scopeExists(kaizen)).toBe(false);
    await client.close();
  });

  it('asks a 2026-07-28 client through an input-required round', async () => {
    const { kaizen, surface } = await withData();
    const handler = createMcpHandler(({ era }) => surface.createServer({ era }), { legacy: 'reject' });
    const client = new Client({ name: 'consent-2026', version: '1' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String((request.params as { message?: string }).message));
      return { action: 'accept', content: { confirm: true } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL('http://kaizen.test/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    const result = await client.callTool({ name: 'delete_namespace', arguments: { name: 'acme' } });
    expect(result.isError).toBeFalsy();
    expect(asked[0]).toMatch(/namespace "acme": 2 scope\(s\) and 1 entry/);
    expect((await kaizen.getNamespaces({}, ctx)).namespaces.acme).toBeUndefined();
    await client.close();
    await handler.close();
  });

  it('gives a client that cannot elicit a preview and a one-time token bound to the exact call', async () => {
    const { kaizen, surface } = await withData();
    const { client } = await legacyClient(surface);
    const first = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop' } });
    expect(first.isError).toBe(true);
    expect(text(first)).toMatch(/^CONFIRMATION_REQUIRED: This permanently deletes scope "acme:shop" and its 1 entry/);
    const token = /confirm: "([^"]+)"/.exec(text(first))![1]!;
    expect(await scopeExists(kaizen)).toBe(true);
    // Another call (other arguments) cannot use it.
    const other = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:default', confirm: token } });
    expect(text(other)).toMatch(/INVALID_INPUT: confirm: the token was issued for another call/);
    const confirmed = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop', confirm: token } });
    expect(confirmed.isError).toBeFalsy();
    expect(await scopeExists(kaizen)).toBe(false);
    const again = await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop', confirm: token } });
    expect(text(again)).toMatch(/already used/);
    // Renames move every entry: they ask too; a plain description change does not.
    expect(text(await client.callTool({ name: 'update_namespace', arguments: { name: 'acme', new_name: 'acme-corp' } }))).toMatch(/^CONFIRMATION_REQUIRED: This renames to "acme-corp" namespace "acme"/);
    expect((await client.callTool({ name: 'update_namespace', arguments: { name: 'acme', description: 'Acme Corp' } })).isError).toBeFalsy();
    await client.close();
  });

  it('refuses an expired token, and never asks with KAIZEN_CONFIRM=never', async () => {
    const { surface } = await withData({ ttlMs: 1 });
    const { client } = await legacyClient(surface);
    const token = /confirm: "([^"]+)"/.exec(text(await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop' } })))![1]!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text(await client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop', confirm: token } }))).toMatch(/expired/);
    await client.close();
    await store!.close();
    const never = await withData({ mode: 'never' });
    const direct = await legacyClient(never.surface);
    expect((await direct.client.callTool({ name: 'delete_scope', arguments: { scope: 'acme:shop' } })).isError).toBeFalsy();
    await direct.client.close();
  });
});
