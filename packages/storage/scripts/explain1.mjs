import { sql } from 'drizzle-orm';
import { openStore } from '../dist/index.js';
const store = await openStore({ dataDir: process.argv[2] });
const queries = JSON.parse(process.argv[3]);
for (let i = 0; i < 5; i++) await store.search({ scope: 'bench:s7', queries, limit: 15 });
const execute = store.db.execute.bind(store.db);
store.db.execute = async (q) => {
  if (!store.db.dialect.sqlToQuery(q).sql.includes('RECURSIVE chain')) return execute(q);
  const plan = await execute(sql.join([sql.raw('EXPLAIN (ANALYZE, BUFFERS OFF) '), q]));
  console.log(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
  return { rows: [] };
};
await store.search({ scope: 'bench:s7', queries, limit: 15 });
await store.close();
