import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';
import { call, connectSse, connectStreamable, errorOf, initialize, post, startServer, type RunningServer } from './harness.js';

describe.each(testDatabaseKinds())('kaizen-http transports on %s', (kind) => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    server = await startServer({ KAIZEN_DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('serves the tools over Streamable HTTP in a session', async () => {
    const { client, transport } = await connectStreamable(server);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(12);
    await call(client, 'create_namespace', { name: 'acme', description: 'Acme Corp' });
    const written = await call(client, 'write_knowledge', { scope: 'acme:default', content: 'Money is stored in integer cents.', context: 'money cents prices' });
    const ctx = await call(client, 'get_task_context', { scope: 'acme:default', queries: ['prices in cents'] });
    expect((ctx.results as { id: string }[]).map((r) => r.id)).toEqual([written.id]);
    const refused = await client.callTool({ name: 'write_knowledge', arguments: { scope: 'nope:missing', content: 'x', context: 'x' } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/nope:missing/);
    await client.close();
  });

  it('keeps two clients in separate sessions over one shared core', async () => {
    const a = await connectStreamable(server);
    const b = await connectStreamable(server);
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
    const [one, two] = await Promise.all([
      call(a.client, 'write_knowledge', { scope: 'global:default', content: 'Client A was here.', context: 'concurrency alpha' }),
      call(b.client, 'write_knowledge', { scope: 'global:default', content: 'Client B was here.', context: 'concurrency bravo' }),
    ]);
    // Each sees what the other wrote: one store behind every session.
    const seenByA = await call(a.client, 'get_task_context', { scope: 'global:default', queries: ['bravo'] });
    const seenByB = await call(b.client, 'get_task_context', { scope: 'global:default', queries: ['alpha'] });
    expect((seenByA.results as { id: string }[]).map((r) => r.id)).toContain(two.id);
    expect((seenByB.results as { id: string }[]).map((r) => r.id)).toContain(one.id);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('ends a session on DELETE: its id is then unknown', async () => {
    const { client, transport } = await connectStreamable(server);
    const id = transport.sessionId!;
    await transport.terminateSession();
    expect(server.logs.some((l) => l.msg === 'session closed' && l.session === id)).toBe(true);
    const after = await post(server, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, message: expect.stringMatching(/Session not found/) }, id: null });
    await client.close();
  });

  it('resumes a dropped response stream with Last-Event-ID and delivers the result', async () => {
    const requests: { method: string; lastEventId: string | null }[] = [];
    let cut = false;
    // Cuts the first tools/call response stream right after its priming event, as a lost connection would.
    const cuttingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push({ method: init?.method ?? 'GET', lastEventId: headers.get('last-event-id') });
      const response = await fetch(input, init);
      const isCall = typeof init?.body === 'string' && init.body.includes('"tools/call"');
      if (cut || !isCall || !response.body) return response;
      cut = true;
      // Keep only the priming event ("id: ...\ndata: \n\n"), even if the result arrived in the same chunk.
      const reader = response.body.getReader();
      let text = '';
      while (!text.includes('\n\n')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      const priming = new TextEncoder().encode(text.slice(0, text.indexOf('\n\n') + 2));
      return new Response(new ReadableStream({ start: (c) => (c.enqueue(priming), c.close()) }), {
        status: response.status,
        headers: response.headers,
      });
    };
    const { client } = await connectStreamable(server, {
      fetch: cuttingFetch,
      reconnectionOptions: { initialReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 2, maxRetries: 10 },
    });
    const result = await call(client, 'get_namespaces', { style: 'short' });
    expect(cut).toBe(true);
    expect(result).toHaveProperty('namespaces');
    const resumed = requests.find((r) => r.method === 'GET' && r.lastEventId);
    expect(resumed?.lastEventId).toMatch(/^[0-9a-f]{16}\/[0-9a-f-]{36}:0$/); // the priming event id
    await client.close();
  });

  it('serves older clients over the legacy HTTP+SSE transport', async () => {
    const { client } = await connectSse(server);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('get_task_context');
    const ctx = await call(client, 'get_task_context', { scope: 'global:default', queries: ['alpha'] });
    expect((ctx.results as unknown[]).length).toBeGreaterThan(0);
    await client.close();
    const stale = await fetch(new URL('/messages?sessionId=00000000-0000-0000-0000-000000000000', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(stale.status).toBe(404);
  });

  it('answers malformed requests with JSON-RPC errors, not HTML', async () => {
    const garbled = await post(server, '{"jsonrpc": "2.0", "id": ');
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/not valid JSON/) }, id: null });

    const noSession = await post(server, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(noSession.status).toBe(400);
    expect((await errorOf(noSession)).message).toMatch(/Mcp-Session-Id/);

    const wrongType = await fetch(server.mcp, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toMatch(/application\/json/);

    const huge = await post(server, { ...initialize, params: { ...initialize.params, padding: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).message).toMatch(/Payload Too Large/);

    const unknownPath = await fetch(new URL('/admin', server.url));
    expect(unknownPath.status).toBe(404);
    expect((await errorOf(unknownPath)).message).toMatch(/Not Found/);

    const badVersion = await post(server, initialize);
    const session = badVersion.headers.get('mcp-session-id')!;
    await badVersion.body?.cancel();
    const unsupported = await post(server, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': session, 'mcp-protocol-version': '1999-01-01' });
    expect(unsupported.status).toBe(400);
    expect((await errorOf(unsupported)).message).toMatch(/Unsupported protocol version/);
  });

  it('logs one line per request with the correlation id it returns', async () => {
    const res = await fetch(new URL('/healthz', server.url), { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    const line = await server.waitForLog((l) => l.requestId === 'trace-abc.123' && l.msg === 'GET /healthz 200');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/healthz' }, res: { statusCode: 200 } });

    const generated = await post(server, initialize, { 'x-request-id': 'bad id with spaces' });
    await generated.body?.cancel();
    const id = generated.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await server.waitForLog((l) => l.requestId === id && l.msg === 'POST /mcp 200')).toMatchObject({ mcpMethod: 'initialize' });
  });

  it('reports liveness and readiness as JSON', async () => {
    const live = await fetch(new URL('/healthz', server.url));
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(new URL('/readyz', server.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok' });
  });
});
