import { connect, createServer, type Server, type Socket } from 'node:net';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@kaizen/storage/testing';
import { call, connectStreamable, initialize, startServer, type RunningServer } from './harness.js';

/** A TCP proxy to PostgreSQL that the test can cut and restore: the database "goes away" for this server only. */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Stops accepting and drops every open connection, like a database host that died. */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const readyz = async (server: RunningServer) => {
  const res = await fetch(new URL('/readyz', server.url));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!process.env.KAIZEN_TEST_DATABASE_URL)('kaizen-http readiness on postgres', () => {
  let database: TestDatabase;
  let proxy: CuttableProxy;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const url = new URL(database.url);
    proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.up();
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    server = await startServer({ KAIZEN_DATABASE_URL: url.toString() });
  });
  afterAll(async () => {
    await server?.stop();
    await proxy?.down();
    await database?.drop();
  });

  it('fails while the database is unreachable and recovers when it is back, staying alive throughout', async () => {
    expect(await readyz(server)).toMatchObject({ status: 200, body: { status: 'ready', database: 'ok' } });
    const traced = await connectStreamable(server, { requestInit: { headers: { 'x-request-id': 'db-outage-42' } } });

    await proxy.down();
    const down = await eventually(() => readyz(server), (r) => r.status === 503);
    expect(down).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'unreachable', error: expect.any(String) } });
    expect(JSON.stringify(down.body)).not.toMatch(/select|failed query|postgres:\/\//i); // no SQL, no URL
    expect((await fetch(new URL('/healthz', server.url))).status).toBe(200); // liveness does not depend on the database

    // A tool call during the outage: a short error for the agent, the details logged under the request's id.
    const failed = await traced.client.callTool({ name: 'get_namespaces', arguments: { style: 'short' } });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toMatch(/INTERNAL: get_namespaces failed unexpectedly/);
    const logged = await server.waitForLog((l) => l.msg === 'operation failed' && JSON.stringify(l).includes('db-outage-42'));
    expect(logged).toMatchObject({ operation: 'tool get_namespaces' });
    expect(JSON.stringify(logged)).not.toMatch(/select .* from/i); // statement names, never SQL
    await traced.client.close();

    await proxy.up();
    const back = await eventually(() => readyz(server), (r) => r.status === 200);
    expect(back).toMatchObject({ status: 200, body: { status: 'ready' } });
    const { client } = await connectStreamable(server);
    expect(await call(client, 'get_namespaces', { style: 'short' })).toHaveProperty('namespaces.global');
    await client.close();
  });
});

describe('kaizen-http graceful shutdown', () => {
  it('on SIGTERM finishes the request in progress, refuses new connections, closes sessions and exits 0', async () => {
    const server = await startServer({ KAIZEN_DATABASE_URL: 'memory://' });
    const { client, transport } = await connectStreamable(server);
    await client.listTools();
    const session = transport.sessionId;

    // A request whose body is still arriving when the signal comes: it is in progress.
    const body = JSON.stringify(initialize);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(server.mcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      req.flushHeaders();
      setTimeout(async () => {
        server.proc.kill('SIGTERM');
        await server.waitForLog((l) => l.msg === 'waiting for requests in progress');
        req.end(body.slice(20));
      }, 300);
    });

    const finished = await answer;
    expect(finished.status).toBe(200);
    expect(finished.text).toContain('"protocolVersion"');
    expect(await server.exited).toBe(0);
    expect(server.logs.some((l) => l.msg === 'session closed' && l.session === session)).toBe(true);
    expect(server.logs.at(-1)?.msg).toBe('stopped');
    await expect(fetch(new URL('/healthz', server.url))).rejects.toThrow();
    await client.close().catch(() => undefined);
  });
});
