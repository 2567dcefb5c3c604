import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';
import { call, connectStreamable, errorOf, initialize, post, postWithHost, SERVER, startServer, type RunningServer } from './harness.js';

/** A client address of its own per test run (via X-Forwarded-For), so limits never leak between runs. */
const clientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe.each(testDatabaseKinds())('kaizen-http stateless mode on %s', (kind) => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    server = await startServer({ KAIZEN_DATABASE_URL: database.url, KAIZEN_HTTP_STATELESS: '1' });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('answers every POST on its own, as JSON, with no session', async () => {
    const { client, transport } = await connectStreamable(server);
    expect(transport.sessionId).toBeUndefined();
    await call(client, 'create_namespace', { name: 'scale', description: 'Behind a load balancer' });
    const ns = await call(client, 'get_namespaces', { style: 'short' });
    expect(Object.keys(ns.namespaces as object)).toContain('scale');
    await client.close();

    const raw = await post(server, { jsonrpc: '2.0', id: 7, method: 'tools/list' }, { 'mcp-protocol-version': '2025-11-25' });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/application\/json/);
    expect(raw.headers.get('mcp-session-id')).toBeNull();
    expect(((await raw.json()) as { result: { tools: unknown[] } }).result.tools).toHaveLength(12);

    const stream = await fetch(server.mcp, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(405);
    expect((await errorOf(stream)).message).toMatch(/without sessions/);
  });
});

describe('kaizen-http guards and limits', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_RATE_LIMIT: '5', KAIZEN_HTTP_TRUST_PROXY: '1' });
  });
  afterAll(() => server?.stop());

  it('refuses a disallowed Origin or Host with 403 (DNS rebinding), and allows loopback origins', async () => {
    const evil = await post(server, initialize, { origin: 'http://evil.example', 'x-forwarded-for': clientIp() });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/Origin http:\/\/evil.example/) }, id: null });

    const rebound = await postWithHost(server, 'evil.example', initialize);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ jsonrpc: '2.0', error: { message: 'Invalid Host: evil.example' } });

    const local = await post(server, initialize, { origin: `http://localhost:6274`, 'x-forwarded-for': clientIp() });
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    await local.body?.cancel();

    await expect(connectStreamable(server, { requestInit: { headers: { origin: 'http://evil.example', 'x-forwarded-for': clientIp() } } })).rejects.toThrow(/403|Forbidden|Origin/);
  });

  it('answers 429 with Retry-After once a client passes the limit, and only that client', async () => {
    const ip = clientIp();
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await post(server, { jsonrpc: '2.0', id: i, method: 'ping' }, { 'x-forwarded-for': ip });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.body?.cancel();
    }
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused!.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/at most 5 per minute/) } });

    const other = await post(server, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'x-forwarded-for': clientIp() });
    expect(other.status).not.toBe(429);
    expect((await fetch(new URL('/healthz', server.url), { headers: { 'x-forwarded-for': ip } })).status).toBe(200); // probes are never limited
  });
});

describe.skipIf(!process.env.KAIZEN_TEST_REDIS_URL)('kaizen-http rate limits shared through Redis', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const env = { KAIZEN_DATABASE_URL: 'memory://', KAIZEN_RATE_LIMIT: '4', KAIZEN_HTTP_TRUST_PROXY: '1', KAIZEN_REDIS_URL: process.env.KAIZEN_TEST_REDIS_URL! };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('counts a client’s requests across instances', async () => {
    const ip = clientIp();
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a, b]) {
      const res = await post(server, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'x-forwarded-for': ip });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    // Four allowed in total, whichever instance served them; alone, neither instance reached four.
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe('kaizen-http start-up', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [SERVER], { env: { PATH: process.env.PATH, KAIZEN_HTTP_PORT: '0', ...env }, encoding: 'utf8', timeout: 60_000 });

  it('stops with one line naming a bad variable', () => {
    const bad = run({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_RATE_LIMIT: 'lots' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/KAIZEN_RATE_LIMIT \(--rate-limit\)/);
  });

  it('stops with one line when Redis cannot be reached, instead of waiting for it forever', () => {
    const unreachable = run({ KAIZEN_DATABASE_URL: 'memory://', KAIZEN_REDIS_URL: 'redis://127.0.0.1:1', KAIZEN_LOG_LEVEL: 'silent' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/KAIZEN_REDIS_URL: cannot reach Redis at redis:\/\/127.0.0.1:1/);
  });
});
