/**
 * Any instance serves any 2026-07-28 request: two kaizen-http processes on one PostgreSQL behind nginx
 * (round robin, from Debian's packages, started here), a client whose requests alternate between them,
 * and a subscriptions/listen stream on one instance hearing a write made through the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@kaizen/storage/testing';
import { connectModern, startServer, type RunningServer } from './harness.js';

const postgres = Boolean(process.env.KAIZEN_TEST_DATABASE_URL);
const nginxBinary = ['/usr/sbin/nginx', 'nginx'].find((bin) => spawnSync(bin, ['-v']).status === 0);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function startNginx(dir: string, port: number, upstreams: URL[]): Promise<ChildProcess> {
  // proxy_buffering off: SSE (listen streams) must flow through at once.
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream kaizen { ${upstreams.map((u) => `server ${u.host} max_fails=0;`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://kaizen;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn(nginxBinary!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) return proc;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not start');
}

describe.skipIf(!postgres)('two kaizen-http instances behind nginx (2026-07-28, PostgreSQL)', () => {
  let database: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  let nginx: ChildProcess;
  let dir: string;
  let proxy: URL;

  beforeAll(async () => {
    if (!nginxBinary) throw new Error('nginx is not installed: apt-get install nginx-light (CI installs it), or unset KAIZEN_TEST_DATABASE_URL');
    database = await createTestDatabase('postgres');
    const env = { KAIZEN_DATABASE_URL: database.url, KAIZEN_RATE_LIMIT: '0' };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
    dir = mkdtempSync(join(tmpdir(), 'kaizen-nginx-'));
    const port = await freePort();
    nginx = await startNginx(dir, port, [a.mcp, b.mcp]);
    proxy = new URL(`http://127.0.0.1:${port}/mcp`);
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** POSTs to /mcp an instance answered, from its request log ("POST /mcp 200"). */
  const posts = (server: RunningServer) => server.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('POST /mcp')).length;

  it('serves one client whose requests alternate between the instances, with no session', async () => {
    const client = await connectModern(proxy);
    expect(client.getProtocolEra()).toBe('modern');
    await client.callTool({ name: 'create_namespace', arguments: { name: 'acme', description: 'Acme' } });
    await client.callTool({ name: 'create_scope', arguments: { scope: 'acme:shop', description: 'Shop' } });
    for (let i = 0; i < 6; i++) {
      const written = await client.callTool({ name: 'write_knowledge', arguments: { scope: 'acme:shop', content: `Rule ${i}: prices in cents.`, context: 'prices money' } });
      expect(written.isError).toBeFalsy();
    }
    const found = await client.callTool({ name: 'get_task_context', arguments: { scope: 'acme:shop', queries: ['prices'] } });
    expect((found.structuredContent as { results: unknown[] }).results).toHaveLength(6);
    // Both instances answered part of this one client's requests (round robin, no affinity).
    expect(posts(a)).toBeGreaterThanOrEqual(3);
    expect(posts(b)).toBeGreaterThanOrEqual(3);
    await client.close();
  });

  it('delivers a write made through one instance to a listen stream held by the other', async () => {
    const watcher = await connectModern(a.mcp);
    const writer = await connectModern(b.mcp);
    const uri = 'kaizen://scopes/acme%3Ashop';
    const updates: string[] = [];
    const heard = new Promise<void>((resolve) =>
      watcher.setNotificationHandler('notifications/resources/updated', (n) => {
        updates.push(n.params.uri);
        if (n.params.uri === uri) resolve();
      }),
    );
    const subscription = await watcher.listen({ resourceSubscriptions: [uri] });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual([uri]);
    // Written on instance B into an ancestor of the watched scope: A hears of it via PostgreSQL.
    await writer.callTool({ name: 'write_knowledge', arguments: { scope: 'global:default', content: 'Write tests first.', context: 'testing' } });
    await heard;
    expect(updates).toContain(uri);
    await subscription.close();
    await Promise.all([watcher.close(), writer.close()]);
  });
});
