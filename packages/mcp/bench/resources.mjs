// Resource paging, reads and completion over the SDK's in-memory transport on PGlite. Prints figures;
// not a test. Run after `pnpm build`: node packages/mcp/bench/resources.mjs [entries]
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createCallContext, createKaizen } from '@kaizen/core';
import { openStore } from '@kaizen/storage';
import { createKaizenMcpServer } from '../dist/index.js';

const ENTRIES = Number(process.argv[2] ?? 5000);
const SCOPES = 50;

const store = await openStore({ databaseUrl: 'memory://' });
const kaizen = createKaizen({ store });
const ctx = createCallContext();
await kaizen.createNamespace({ name: 'bench', description: 'Benchmark' }, ctx);
for (let s = 0; s < SCOPES; s++) await kaizen.createScope({ scope: `bench:s${s}`, description: `Scope ${s}` }, ctx);
for (let i = 0; i < ENTRIES; i++) {
  await kaizen.writeKnowledge({ scope: `bench:s${i % SCOPES}`, content: `Fact number ${i} about component ${i % 97}.`, context: `component ${i % 97} fact` }, ctx);
}
const server = createKaizenMcpServer(kaizen);
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(b);
const client = new Client({ name: 'bench', version: '1.0.0' });
await client.connect(a);

const stats = (ms) => {
  const s = [...ms].sort((x, y) => x - y);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `n=${s.length} median=${at(0.5).toFixed(2)}ms p95=${at(0.95).toFixed(2)}ms`;
};
const timed = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};

const pageTimes = [];
let cursor;
let listed = 0;
do {
  const [ms, page] = await timed(() => client.listResources(cursor ? { cursor } : {}));
  pageTimes.push(ms);
  listed += page.resources.length;
  cursor = page.nextCursor;
} while (cursor);
console.log(`resources/list over ${listed} resources (${ENTRIES} entries): ${stats(pageTimes)}, total ${pageTimes.reduce((x, y) => x + y, 0).toFixed(0)}ms`);

const reads = [];
for (let s = 0; s < SCOPES; s++) reads.push((await timed(() => client.readResource({ uri: `kaizen://scopes/bench%3As${s}` })))[0]);
console.log(`read kaizen://scopes/{scope} (${ENTRIES / SCOPES} entries each): ${stats(reads)}`);

const completions = [];
for (const value of ['bench:', 'bench:s1', 's4', 'A', 'b', 'zz']) {
  for (let i = 0; i < 10; i++) {
    completions.push((await timed(() => client.complete({ ref: { type: 'ref/resource', uri: 'kaizen://scopes/{scope}' }, argument: { name: 'scope', value } })))[0]);
    completions.push((await timed(() => client.complete({ ref: { type: 'ref/resource', uri: 'kaizen://knowledge/{id}' }, argument: { name: 'id', value } })))[0]);
  }
}
console.log(`completion/complete (scopes and ids): ${stats(completions)}`);

await client.close();
await store.close();
