import { PGlite } from '@electric-sql/pglite';
const db = new PGlite('/tmp/x/d2');
await db.waitReady;
for (const s of ['fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'work_mem']) console.log(s, (await db.query(`SHOW ${s}`)).rows[0]);
const sid = (await db.query(`SELECT s.id FROM scopes s JOIN namespaces n ON n.id=s.namespace_id WHERE n.name='acme' AND s.name='mobile-payments'`)).rows[0].id;
const q = `EXPLAIN (ANALYZE, BUFFERS) WITH RECURSIVE chain(id, depth) AS (
          SELECT ${sid}::int, 0
          UNION
          SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64
        ),
        ancestors AS (SELECT id, min(depth) AS depth FROM chain GROUP BY id),
        queries AS (
          SELECT replace(plainto_tsquery('english', q)::text, ' & ', ' | ')::tsquery AS tsq
          FROM unnest(ARRAY['ledger idempotency','stripe refund','postgres migration']) AS q
          WHERE plainto_tsquery('english', q)::text <> ''
        ),
        hits AS (
          SELECT k.id, a.depth, sum(ts_rank_cd(k.search, q.tsq, 32)) AS score
          FROM knowledge k
          JOIN ancestors a ON a.id = k.scope_id
          JOIN queries q ON k.search @@ q.tsq
          WHERE NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = k.id)
          GROUP BY k.id, a.depth
        )
        SELECT h.id, n.name || ':' || s.name AS scope, k.content, k.task_size, h.score::float8 AS relevance, h.depth
        FROM hits h JOIN knowledge k ON k.id = h.id JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        ORDER BY h.score DESC, h.depth, h.id
        LIMIT 15`;
for (let i = 0; i < 2; i++) { const r = await db.query(q); if (i) console.log(r.rows.map(r => r['QUERY PLAN']).join('\n')); }
const t = async (label, n, fn) => { const ms=[]; for (let i=0;i<n;i++){const s=performance.now(); await fn(i); ms.push(performance.now()-s);} ms.sort((a,b)=>a-b); console.log(label, ms[n>>1].toFixed(2), ms[Math.floor(n*.95)].toFixed(2)); };
await db.close();
