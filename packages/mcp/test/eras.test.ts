/**
 * The seam sees the same thing whichever era a client speaks: a 2026-07-28 request (served in process by
 * the SDK's createMcpHandler, no socket) reaches the core with its era, its trace context from `_meta`
 * and its request id; a 2025 session with its era. Every operation is reported once to the host's hook.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, InMemoryTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createKaizen } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenSurface, type OperationReport } from '../src/index.js';

let store: DrizzleKnowledgeStore | undefined;
afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
});

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('one seam for both eras', () => {
  it('builds the call context of a 2026-07-28 request from its _meta, and of a 2025 session', async () => {
    store = await openStore({ databaseUrl: 'memory://' });
    const reports: OperationReport[] = [];
    const surface = createKaizenSurface(createKaizen({ store }), { onOperation: (r) => reports.push(r) });

    const handler = createMcpHandler(({ era }) => surface.createServer({ era }), { legacy: 'reject' });
    const modern = new Client({ name: 'modern', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await modern.connect(new StreamableHTTPClientTransport(new URL('http://kaizen.test/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    const result = await modern.callTool({ name: 'get_namespaces', arguments: {}, _meta: { traceparent: TRACEPARENT } });
    expect(result.isError).toBeFalsy();

    const legacy = new Client({ name: 'legacy', version: '1' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await surface.createServer({ era: 'legacy' }).connect(serverSide);
    await legacy.connect(clientSide);
    await legacy.callTool({ name: 'get_namespaces', arguments: { nope: 1 } });

    const tools = reports.filter((r) => r.operation.kind === 'tool');
    expect(tools).toHaveLength(2);
    expect(tools[0]).toMatchObject({ outcome: 'ok', operation: { name: 'get_namespaces' }, ctx: { client: { era: 'modern', protocolVersion: '2026-07-28' }, trace: { traceparent: TRACEPARENT } } });
    expect(tools[1]).toMatchObject({ outcome: 'refused', ctx: { client: { era: 'legacy' }, principal: { id: 'local' } } });
    expect(tools[0]!.ctx.requestId).not.toBe(tools[1]!.ctx.requestId);
    await modern.close();
    await legacy.close();
    await handler.close();
    surface.close();
  });
});
