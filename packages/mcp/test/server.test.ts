import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createKaizen } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenMcpServer, SERVER_INSTRUCTIONS, type Operation } from '../src/index.js';

let store: DrizzleKnowledgeStore | undefined;
afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
});

async function connected(onInternalError?: (e: unknown, operation: Operation) => void) {
  store = await openStore({ databaseUrl: 'memory://' });
  const server = createKaizenMcpServer(createKaizen({ store }), { onInternalError });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

describe('createKaizenMcpServer', () => {
  it('announces instructions and every tool has an output schema and a title', async () => {
    const client = await connected();
    expect(client.getInstructions()).toBe(SERVER_INSTRUCTIONS);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(12);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.description!.length, tool.name).toBeGreaterThan(60);
    }
  });

  it('reports schema violations as tool errors naming the field', async () => {
    const client = await connected();
    const result = (await client.callTool({ name: 'get_task_context', arguments: { scope: 'acme:web', queries: [] } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/queries/);
  });

  it('hides unexpected failures behind a short message and reports them to the host', async () => {
    const seen: string[] = [];
    const client = await connected((_e, operation) => seen.push(operation.name));
    await store!.close(); // the database goes away under the server
    const result = (await client.callTool({ name: 'get_namespaces', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toMatch(/^INTERNAL: get_namespaces failed unexpectedly/);
    expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect(seen).toEqual(['get_namespaces']);
  });
});
