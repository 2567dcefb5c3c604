import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createKaizen } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenHttpServer, type KaizenHttpOptions, type KaizenHttpServer } from '../src/index.js';

let store: DrizzleKnowledgeStore | undefined;
let server: KaizenHttpServer | undefined;
afterEach(async () => {
  await server?.shutdown();
  await store?.close();
  server = store = undefined;
});

async function start(options: Partial<KaizenHttpOptions>) {
  store = await openStore({ databaseUrl: 'memory://' });
  const s = store;
  server = await createKaizenHttpServer({ kaizen: createKaizen({ store: s }), logger: pino({ level: 'silent' }), checkDatabase: () => s.ping(), host: '127.0.0.1', port: 0, ...options });
  const { port } = await server.listen();
  return new URL(`http://127.0.0.1:${port}/mcp`);
}

const connect = async (url: URL) => {
  const transport = new StreamableHTTPClientTransport(url);
  const client = new Client({ name: 'limits', version: '1' });
  await client.connect(transport);
  return { client, transport };
};

describe('createKaizenHttpServer session bounds', () => {
  it('caps the sessions one client may hold (429), leaving room for the others', async () => {
    const url = await start({ sessions: { max: 10, maxPerClient: 2 } });
    const mine = [await connect(url), await connect(url)];
    await expect(connect(url)).rejects.toThrow(/429|already has 2 open sessions/);
    await mine[0]!.transport.terminateSession();
    const again = await connect(url);
    await Promise.all([mine[1]!.client.close(), again.client.close()]);
  });

  it('refuses a session beyond the maximum with 503, and frees the slot when one ends', async () => {
    const url = await start({ sessions: { max: 1 } });
    const first = await connect(url);
    await expect(connect(url)).rejects.toThrow(/503|sessions are open/);
    await first.transport.terminateSession();
    const second = await connect(url);
    expect((await second.client.listTools()).tools).toHaveLength(12);
    await Promise.all([first.client.close(), second.client.close()]);
  });

  it('closes sessions left idle (no request and no open stream), after which their id is unknown', async () => {
    const url = await start({ sessions: { idleMs: 150 } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'idle', version: '1' } } }),
    });
    await init.text();
    const id = init.headers.get('mcp-session-id')!;
    const ping = () =>
      fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': id }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    const alive = await ping();
    expect(alive.status).toBe(200);
    await alive.text();
    await new Promise((r) => setTimeout(r, 700));
    expect((await ping()).status).toBe(404);
  });
});
