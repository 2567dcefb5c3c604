// What a write costs with many idle sessions open. Before the subscription hub every session listened to
// the change feed, so every write did work per open session; now a write touches only the watches its
// keys hit, plus a list_changed for sessions that listed resources. Prints figures; not a test.
// Run after `pnpm build`: node packages/mcp/bench/sessions.mjs [writes] [sessions...]
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createCallContext, createKaizen } from '@kaizen/core';
import { openStore } from '@kaizen/storage';
import { createKaizenSurface } from '../dist/index.js';

const WRITES = Number(process.argv[2] ?? 1000);
const COUNTS = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 600];
const ctx = createCallContext();

for (const sessions of COUNTS) {
  const store = await openStore({ databaseUrl: 'memory://' });
  const kaizen = createKaizen({ store });
  await kaizen.createNamespace({ name: 'bench', description: 'Benchmark' }, ctx);
  await kaizen.createScope({ scope: 'bench:main', description: 'Main' }, ctx);
  const surface = createKaizenSurface(kaizen);
  const clients = [];
  for (let i = 0; i < sessions; i++) {
    const [a, b] = InMemoryTransport.createLinkedPair();
    await surface.createServer({ era: 'legacy' }).connect(b);
    const client = new Client({ name: `idle-${i}`, version: '1' });
    await client.connect(a);
    clients.push(client);
  }
  const writer = clients[0];
  const started = performance.now();
  for (let i = 0; i < WRITES; i++) {
    await writer.callTool({ name: 'write_knowledge', arguments: { scope: 'bench:main', content: `Fact ${i}.`, context: 'bench fact' } });
  }
  const ms = performance.now() - started;
  console.log(`${sessions} open sessions: ${WRITES} writes in ${(ms / 1000).toFixed(2)} s (${(ms / WRITES).toFixed(2)} ms each); change-feed listeners: ${kaizen.changes.size}`);
  for (const c of clients) await c.close();
  surface.close();
  await store.close();
}
