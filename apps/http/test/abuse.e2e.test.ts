/**
 * What an audit of the server found, made impossible and tested: refused initialize requests leave no
 * session behind, a batch counts as its messages against the rate limit, internals (SQL, parameters)
 * never reach a client, and both eras are served on one path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectModern, connectStreamable, errorOf, initialize, post, startServer, type RunningServer } from './harness.js';

describe('kaizen-http refuses abuse without leaking memory or internals', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('allocates no session for an initialize it refuses (wrong Accept, a batch of two)', async () => {
    for (let i = 0; i < 20; i++) {
      const wrongAccept = await post(server, initialize, { accept: 'application/json' });
      expect(wrongAccept.status).toBe(406);
      const batch = await post(server, [initialize, { ...initialize, id: 2 }]);
      expect(batch.status).toBe(400);
      expect((await errorOf(batch)).message).toMatch(/alone, not in a batch/);
    }
    expect(server.logs.filter((l) => l.msg === 'session opened')).toHaveLength(0);
    // A valid one still opens exactly one session.
    const { client } = await connectStreamable(server);
    expect(server.logs.filter((l) => l.msg === 'session opened')).toHaveLength(1);
    await client.close();
  });

  it('answers a completion with a NUL byte without SQL, parameters or a stack', async () => {
    const client = await connectModern(server.mcp);
    const done = await client
      .complete({ ref: { type: 'ref/resource', uri: 'kaizen://scopes/{scope}' }, argument: { name: 'scope', value: 'ac\u0000me' } })
      .catch((error: Error) => ({ completion: { values: [] as string[] }, error: error.message }));
    expect(JSON.stringify(done)).not.toMatch(/select|insert|where|\$1|\n\s+at /i);
    expect(done.completion.values).toEqual([]);
    await client.close();
  });

  it('serves a 2025 session and a 2026 client on the same /mcp path', async () => {
    const legacy = await connectStreamable(server);
    const modern = await connectModern(server.mcp);
    expect(modern.getProtocolEra()).toBe('modern');
    expect((await legacy.client.listTools()).tools).toHaveLength(12);
    expect((await modern.listTools()).tools).toHaveLength(12);
    // 2026-07-28 lists carry deliberate cache hints: tools are static, resources live.
    const raw = await fetch(server.mcp, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/list',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/list',
        params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } },
      }),
    });
    const body = (await raw.json()) as { result: { ttlMs: number; cacheScope: string } };
    expect(body.result).toMatchObject({ ttlMs: 3_600_000, cacheScope: 'public' });
    await legacy.client.close();
    await modern.close();
  });
});

describe('kaizen-http rate limits count JSON-RPC messages', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_RATE_LIMIT: '5', KAIZEN_HTTP_STATELESS: '1' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes a batch of six pings as six requests: past a limit of five', async () => {
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const res = await post(server, [1, 2, 3, 4, 5, 6].map(ping), { 'mcp-protocol-version': '2025-03-26' });
    expect(res.status).toBe(429);
    expect((await errorOf(res)).message).toMatch(/at most 5 per minute/);
  });
});
