#!/usr/bin/env node
/* global process, console, fetch, setTimeout, URL */
// Benchmark: get_task_context over HTTP (the built kaizen-http, Streamable HTTP) with 1, 10 and 50
// concurrent clients, on a fresh PostgreSQL database seeded with a modest corpus. Loopback only, bounded
// in time (KAIZEN_BENCH_SECONDS per level, default 10). Prints requests/s and latency percentiles.
//
//   KAIZEN_BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres pnpm bench:http
//   (falls back to KAIZEN_TEST_DATABASE_URL; the database named in the URL is only used to create and
//   drop a fresh one)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createTestDatabase } from '@kaizen/storage/testing';

const serverUrl = process.env.KAIZEN_BENCH_DATABASE_URL ?? process.env.KAIZEN_TEST_DATABASE_URL;
if (!serverUrl) {
  console.error('Set KAIZEN_BENCH_DATABASE_URL (or KAIZEN_TEST_DATABASE_URL) to a PostgreSQL server URL.');
  process.exit(2);
}
process.env.KAIZEN_TEST_DATABASE_URL = serverUrl;
const SECONDS = Number(process.env.KAIZEN_BENCH_SECONDS ?? 10);
const LEVELS = [1, 10, 50];
const ENTRIES = 2_000;
const SERVER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TOPICS = ['payments', 'logging', 'testing', 'deploys', 'database', 'caching', 'auth', 'frontend', 'api', 'queues'];
const ASPECTS = ['retries', 'timeouts', 'naming', 'migrations', 'errors', 'metrics', 'security', 'performance'];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startServer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, KAIZEN_HTTP_PORT: String(port), KAIZEN_LOG_LEVEL: 'warn', KAIZEN_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return { child, base };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('kaizen-http did not become ready');
}

async function seed(base) {
  const client = new Client({ name: 'bench-seed', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base)));
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
    return r.structuredContent;
  };
  await call('create_namespace', { name: 'acme', description: 'Bench organisation' });
  await call('create_namespace', { name: 'platform', description: 'Shared platform' });
  await call('create_scope', { scope: 'platform:node', description: 'Node services' });
  await call('create_scope', { scope: 'acme:shop', description: 'Shop', parents: ['platform:node'] });
  await call('create_scope', { scope: 'acme:shop-api', description: 'Shop API', parents: ['acme:shop'] });
  const scopes = ['global:default', 'platform:default', 'platform:node', 'acme:default', 'acme:shop', 'acme:shop-api'];
  const pending = [];
  for (let i = 0; i < ENTRIES; i++) {
    const topic = TOPICS[i % TOPICS.length];
    const aspect = ASPECTS[(i * 7) % ASPECTS.length];
    pending.push(
      call('write_knowledge', {
        scope: scopes[i % scopes.length],
        content: `Rule ${i}: for ${topic} ${aspect}, follow the team convention number ${i} and document exceptions in the ${topic} runbook.`,
        context: `${topic} ${aspect} convention rule-${i}`,
        ...(i % 5 === 0 ? { task_size: ['XS', 'S', 'M', 'L', 'XL'][i % 5] } : {}),
      }),
    );
    if (pending.length === 20) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const check = await call('get_task_context', { scope: 'acme:shop-api', queries: ['payments retries', 'logging errors'] });
  if (!check.results.length) throw new Error('seeded corpus returns nothing');
  await client.close();
}

const bodies = Array.from({ length: 16 }, (_, i) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: i + 1,
    method: 'tools/call',
    params: {
      name: 'get_task_context',
      arguments: {
        scope: 'acme:shop-api',
        queries: [`${TOPICS[i % TOPICS.length]} ${ASPECTS[i % ASPECTS.length]}`, `${TOPICS[(i + 3) % TOPICS.length]} conventions`, ASPECTS[(i + 5) % ASPECTS.length]],
      },
    },
  }),
);

async function openSession(base) {
  const res = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }),
  });
  await res.text();
  const id = res.headers.get('mcp-session-id');
  await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  return id;
}

// The same traffic with an MCP ping instead of the tool: what HTTP, the transport and the SDK cost alone.
const pings = [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })];

async function measure(base, connections, stateless, requestBodies = bodies, label = 'get_task_context') {
  const sessions = stateless ? [] : await Promise.all(Array.from({ length: connections }, () => openSession(base)));
  let next = 0;
  const result = await autocannon({
    url: `${base}/mcp`,
    connections,
    duration: SECONDS,
    setupClient: (client) => {
      const session = sessions[next++ % Math.max(sessions.length, 1)];
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...(session ? { 'mcp-session-id': session } : {}) };
      client.setRequests(requestBodies.map((body) => ({ method: 'POST', path: '/mcp', headers, body })));
    },
  });
  return {
    call: label,
    mode: stateless ? 'stateless (JSON)' : 'sessions (SSE)',
    clients: connections,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const database = await createTestDatabase('postgres');
const rows = [];
try {
  for (const stateless of [false, true]) {
    const { child, base } = await startServer({ KAIZEN_DATABASE_URL: database.url, KAIZEN_HTTP_STATELESS: stateless ? '1' : '0' });
    try {
      if (!stateless) await seed(base);
      for (const level of LEVELS) rows.push(await measure(base, level, stateless));
      rows.push(await measure(base, 10, stateless, pings, 'ping (baseline)'));
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
} finally {
  await database.drop();
}

console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; get_task_context over HTTP (3 queries, scope with 4 ancestors, ${ENTRIES} entries), PostgreSQL, ${SECONDS} s per level, node ${process.version}, ${availableParallelism()} CPUs\n`);
console.log('| call | mode | clients | requests | req/s | p50 ms | p99 ms | non-2xx | errors |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.call} | ${r.mode} | ${r.clients} | ${r.requests} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
if (rows.some((r) => r.non2xx || r.errors)) process.exitCode = 1;
