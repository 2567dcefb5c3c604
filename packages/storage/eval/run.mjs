// `pnpm eval`: loads the labelled corpus into a fresh database (PGlite, and PostgreSQL when
// KAIZEN_TEST_DATABASE_URL is set), runs every task through get_task_context and through the plain
// websearch_to_tsquery baseline, and prints recall@10 and nDCG@10 (macro averages over the tasks).
// A task that expects nothing scores 1 when the answer is empty and 0 otherwise, on both metrics.
// --verbose prints every task's figures and misses.
import { createCallContext, createKaizen, DEFAULT_RESULT_LIMIT } from '@kaizen/core';
import { openStore, searchBaseline } from '../dist/index.js';
import { createTestDatabase, testDatabaseKinds } from '../dist/testing.js';
import { conflicts, entries, namespaces, scopes } from './corpus.mjs';
import { tasks } from './tasks.mjs';

const K = 10;
const verbose = process.argv.includes('--verbose');

function score(task, ids) {
  const top = ids.slice(0, K);
  const expected = Object.entries(task.expected);
  const suppressed = new Set(conflicts.flatMap((c) => c.suppressed));
  const forbidden = top.filter((id) => suppressed.has(id) || (task.never ?? []).includes(id));
  if (expected.length === 0) {
    const ok = top.length === 0 ? 1 : 0;
    return { recall: ok, ndcg: ok, forbidden, missed: [] };
  }
  const found = expected.filter(([id]) => top.includes(id));
  const gain = (grade) => 2 ** grade - 1;
  const dcg = top.reduce((sum, id, i) => sum + gain(task.expected[id] ?? 0) / Math.log2(i + 2), 0);
  const ideal = expected
    .map(([, g]) => g)
    .sort((a, b) => b - a)
    .slice(0, K)
    .reduce((sum, g, i) => sum + gain(g) / Math.log2(i + 2), 0);
  return {
    recall: found.length / expected.length,
    ndcg: dcg / ideal,
    forbidden,
    missed: expected.filter(([id]) => !top.includes(id)).map(([id]) => id),
  };
}

async function load(store) {
  for (const ns of namespaces) await store.createNamespace(ns, `Defaults of ${ns.name}.`);
  for (const s of scopes) await store.createScope(s.scope, s.scope, s.parents);
  for (const e of entries) await store.writeKnowledge(e);
  for (const c of conflicts) await store.resolveConflict(c.active, c.suppressed);
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const kind of testDatabaseKinds()) {
  const db = await createTestDatabase(kind);
  const store = await openStore({ databaseUrl: db.url });
  try {
    await load(store);
    const kaizen = createKaizen({ store });
    const ctx = createCallContext();
    const rankings = {
      ranking: async (t) =>
        (await kaizen.getTaskContext({ scope: t.scope, queries: t.queries, task_size: t.taskSize }, ctx)).results.map((r) => r.id),
      baseline: async (t) =>
        (await searchBaseline(store, { scope: t.scope, queries: t.queries, taskSize: t.taskSize, limit: DEFAULT_RESULT_LIMIT })).map((h) => h.id),
    };
    console.log(`\n${kind}: ${entries.length} entries, ${scopes.length + namespaces.length + 1} scopes, ${tasks.length} tasks`);
    for (const [name, run] of Object.entries(rankings)) {
      const scores = [];
      for (const task of tasks) {
        const ids = await run(task);
        const s = score(task, ids);
        scores.push(s);
        if (verbose && (s.recall < 1 || s.ndcg < 0.999 || s.forbidden.length)) {
          console.log(`  [${name}] ${task.name}: recall ${s.recall.toFixed(2)} nDCG ${s.ndcg.toFixed(2)}` +
            (s.missed.length ? ` missed ${s.missed.join(',')}` : '') +
            (s.forbidden.length ? ` FORBIDDEN ${s.forbidden.join(',')}` : '') + ` got ${ids.slice(0, K).join(',')}`);
        }
      }
      const empty = tasks.filter((t) => Object.keys(t.expected).length === 0);
      const emptyOk = scores.filter((s, i) => Object.keys(tasks[i].expected).length === 0 && s.recall === 1).length;
      console.log(
        `${kind} ${name.padEnd(8)} recall@${K} ${mean(scores.map((s) => s.recall)).toFixed(3)}  nDCG@${K} ${mean(scores.map((s) => s.ndcg)).toFixed(3)}` +
          `  empty answers ${emptyOk}/${empty.length}  forbidden entries returned ${scores.reduce((n, s) => n + s.forbidden.length, 0)}`,
      );
    }
  } finally {
    await store.close();
    await db.drop();
  }
}
