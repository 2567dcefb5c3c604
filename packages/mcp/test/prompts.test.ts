import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createCallContext, createKaizen } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenMcpServer, PROMPT_NAMES } from '../src/index.js';

const ctx = createCallContext();

let store: DrizzleKnowledgeStore;
let client: Client;
let ids: { keep: string; old: string };

beforeAll(async () => {
  store = await openStore({ databaseUrl: 'memory://' });
  const kaizen = createKaizen({ store });
  await kaizen.createNamespace({ name: 'acme', description: 'Acme Corp' }, ctx);
  await kaizen.createNamespace({ name: 'platform', description: 'Platform team' }, ctx);
  await kaizen.createScope({ scope: 'platform:node', description: 'Node services' }, ctx);
  await kaizen.createScope({ scope: 'acme:shop', description: 'Pet shop storefront', parents: ['platform:node'] }, ctx);
  const keep = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Prices are integers in cents.', context: 'prices', task_size: 'M' }, ctx);
  const old = await kaizen.writeKnowledge({ scope: 'platform:node', content: 'Prices are floats in euros.', context: 'prices' }, ctx);
  const hidden = await kaizen.writeKnowledge({ scope: 'acme:shop', content: 'Hidden outdated rule.', context: 'x' }, ctx);
  await kaizen.resolveKnowledgeConflict({ active_id: keep.id, suppressed_ids: [hidden.id] }, ctx);
  ids = { keep: keep.id, old: old.id };
  const server = createKaizenMcpServer(kaizen);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
});
afterAll(async () => {
  await client?.close();
  await store?.close();
});

const prompt = async (name: string, args: Record<string, string>) => {
  const result = await client.getPrompt({ name, arguments: args });
  expect(result.messages).toHaveLength(1);
  return (result.messages[0]!.content as { text: string }).text;
};

describe('prompts', () => {
  it('lists the six prompts with described arguments', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([...PROMPT_NAMES].sort());
    for (const p of prompts) {
      expect(p.description, p.name).toBeTruthy();
      for (const a of p.arguments ?? []) expect(a.description, `${p.name}.${a.name}`).toBeTruthy();
    }
    const teach = prompts.find((p) => p.name === 'teach')!;
    expect(teach.arguments).toEqual([
      expect.objectContaining({ name: 'scope', required: true }),
      expect.objectContaining({ name: 'topic', required: false }),
    ]);
  });

  it('start_task embeds the task and the scope chain', async () => {
    const text = await prompt('start_task', { task: 'Add gift cards', scope: 'acme:shop' });
    expect(text).toContain('Task: Add gift cards');
    expect(text).toContain('acme:shop (2 entries): Pet shop storefront');
    expect(text).toMatch(/platform:node \(1 entries\): Node services[\s\S]*global:default/);
    expect(text).toContain('get_task_context');
    expect(text).toContain('scope "acme:shop"');
  });

  it('teach and learn_from_failure adapt to the topic and failure', async () => {
    const taught = await prompt('teach', { scope: 'acme:shop', topic: 'checkout' });
    expect(taught).toContain('about: checkout');
    expect(taught).toContain('One fact per entry');
    expect(await prompt('teach', { scope: 'acme:shop' })).not.toContain('about:');
    const failed = await prompt('learn_from_failure', { scope: 'platform:node', failure: 'deploy broke the cache' });
    expect(failed).toContain('Something failed: deploy broke the cache');
    expect(failed).toContain('resolve_knowledge_conflict');
    expect(failed).toContain('Kaizen scope: platform:node');
  });

  it('resolve_conflicts lists the active entries of the chain, not suppressed ones', async () => {
    const text = await prompt('resolve_conflicts', { scope: 'acme:shop' });
    expect(text).toContain(`[${ids.keep}] (acme:shop, M) Prices are integers in cents.`);
    expect(text).toContain(`[${ids.old}] (platform:node) Prices are floats in euros.`);
    expect(text).not.toContain('Hidden outdated rule.');
  });

  it('setup_project shows the existing scopes and the instructions line', async () => {
    const text = await prompt('setup_project', { project: 'A storefront for pet food' });
    expect(text).toContain('A storefront for pet food');
    expect(text).toContain('- acme:shop: Pet shop storefront');
    expect(text).toContain('kaizen scope: <namespace>:<scope>');
  });

  it('optimize_entry embeds the entry and its status', async () => {
    const text = await prompt('optimize_entry', { id: ids.keep });
    expect(text).toContain('Prices are integers in cents.');
    expect(text).toContain('task_size: M');
    expect(text).toMatch(/status: active; suppresses \w+/);
    expect(text).toContain(`update_knowledge with id "${ids.keep}"`);
  });

  it('refuses a missing required argument, an unknown scope and an unknown id, naming them', async () => {
    await expect(client.getPrompt({ name: 'start_task', arguments: { scope: 'acme:shop' } })).rejects.toThrow(/task/);
    await expect(client.getPrompt({ name: 'start_task', arguments: { task: 'x', scope: 'acme:ghost' } })).rejects.toThrow(/NOT_FOUND.*acme:ghost/);
    await expect(client.getPrompt({ name: 'teach', arguments: { scope: 'not a scope' } })).rejects.toThrow(/invalid scope/);
    await expect(client.getPrompt({ name: 'optimize_entry', arguments: { id: 'nope' } })).rejects.toThrow(/"nope"/);
  });
});
