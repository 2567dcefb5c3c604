// Times the get_task_context ranking (store.search, 3 queries) on a synthetic corpus: N entries over
// 20 scopes, words drawn with a skewed (Zipf-like) distribution from a pseudo-word vocabulary.
// Usage: node scripts/search-perf.mjs [N] [--postgres] [--data-dir DIR] [--explain]   (after `pnpm build`)
// --postgres uses a fresh database on KAIZEN_TEST_DATABASE_URL. A design aid, not the product benchmark.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openStore } from '../dist/index.js';
import { createTestDatabase } from '../dist/testing.js';

const args = process.argv.slice(2);
const total = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const kind = args.includes('--postgres') ? 'postgres' : 'pglite';
const VOCABULARY = 4000;
const TASKS = 200;

let seed = 42;
// mulberry32: a small seeded generator, so that runs are comparable.
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const syllables = 'ka ri to me su na lo pe vi da ge mo tu ba ne ho fi ra zu ke po li sa de mu'.split(' ');
const words = new Set();
while (words.size < VOCABULARY) {
  const n = 2 + Math.floor(random() * 3);
  words.add(Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
}
const vocabulary = [...words];
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 1.5)];

// --data-dir DIR keeps the PGlite corpus between runs (built on the first one).
const dirArg = args.indexOf('--data-dir');
const dataDir = dirArg >= 0 ? args[dirArg + 1] : undefined;
const db = dataDir ? { url: undefined, drop: async () => undefined } : await createTestDatabase(kind);
const store = await openStore({ databaseUrl: db.url, dataDir });
const existing = (await store.stats()).knowledge;
try {
  if (existing === 0) await populate();
  await measure();
} finally {
  await store.close();
  await db.drop();
}

async function populate() {
  await store.createNamespace({ name: 'bench', description: 'synthetic' }, 'defaults');
  for (let i = 0; i < 20; i++) {
    const parents = i % 4 === 0 ? [] : [`bench:s${i - 1}`];
    await store.createScope(`bench:s${i}`, `scope ${i}`, parents);
  }
  const t0 = performance.now();
  const ids = await store.db.execute(`SELECT id FROM scopes WHERE name LIKE 's%' ORDER BY id`);
  const scopeIds = (ids.rows ?? ids).map((r) => Number(r.id));
  const words = `ARRAY['${vocabulary.join("','")}']`;
  // Content ~30 words, context ~6; pick(g, k) draws word k of entry g with the skew above (in SQL).
  const pick = (len) =>
    `array_to_string(ARRAY(SELECT (${words})[1 + floor(${vocabulary.length} * random() ^ 1.5)::int] FROM generate_series(1, ${len}) j WHERE g > 0), ' ')`;
  for (let start = 0; start < total; start += 10_000) {
    await store.db.execute(
      `INSERT INTO knowledge (id, scope_id, content, context, task_size)
       SELECT 'k' || g, (ARRAY[${scopeIds.join(',')}])[1 + g % ${scopeIds.length}], ${pick(30)}, ${pick(6)},
              CASE WHEN g % 3 = 0 THEN 1 + g % 5 END
       FROM generate_series(${start + 1}, ${Math.min(start + 10_000, total)}) g`,
    );
  }
  await store.db.execute('ANALYZE');
  console.log(`${kind}: ${total} entries inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function measure() {
  const task = () => ({
    scope: `bench:s${Math.floor(random() * 20)}`,
    queries: Array.from({ length: 3 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, word).join(' ')),
    limit: 15,
  });
  for (let i = 0; i < 20; i++) await store.search(task());
  const times = [];
  let hits = 0;
  for (let i = 0; i < TASKS; i++) {
    const t = performance.now();
    hits += (await store.search(task())).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  console.log(`${kind}: search over ${TASKS} tasks of 3 queries: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms, ${(hits / TASKS).toFixed(1)} hits/task`);
  if (args.includes('--explain')) await explain(task());
  if (existing) return;
  const w = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await store.writeKnowledge({ id: `w${i}`, scope: 'bench:s3', content: Array.from({ length: 30 }, word).join(' '), context: Array.from({ length: 6 }, word).join(' '), taskSize: null });
    w.push(performance.now() - t);
  }
  w.sort((a, b) => a - b);
  console.log(`${kind}: writeKnowledge p50 ${w[50].toFixed(2)} ms, p95 ${w[95].toFixed(2)} ms`);
}

/** Prints EXPLAIN ANALYZE of the two statements of the ranking (term statistics, scoring) for one task. */
async function explain(t) {
  const execute = store.db.execute.bind(store.db);
  store.db.execute = async (q) => {
    const text = store.db.dialect.sqlToQuery(q).sql;
    if (!text.includes('RECURSIVE chain') && !text.includes('text_score')) return execute(q);
    const plan = await execute(sql.join([sql.raw('EXPLAIN (ANALYZE, BUFFERS OFF) '), q]));
    console.log((Array.isArray(plan) ? plan : plan.rows).map((row) => row['QUERY PLAN']).join('\n'));
    return execute(q);
  };
  console.log(t);
  await store.search(t);
  store.db.execute = execute;
}
