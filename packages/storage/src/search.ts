import { sql } from 'drizzle-orm';
import { taskSizeFromRank, taskSizeRank } from '@kaizen/domain';
import type { SearchHit, SearchRequest } from '@kaizen/core';
import { query, textArray, type Executor } from './sql-util.js';

/**
 * Full-text retrieval over a scope and its ancestors, in one SQL statement. Each query matches
 * entries sharing any of its stemmed terms; scores add up over the task's queries. Suppressed entries
 * and entries sized for larger tasks only are filtered out in SQL.
 */
export async function searchKnowledge(db: Executor, scopeId: number, request: SearchRequest): Promise<SearchHit[]> {
  const size = request.taskSize ? taskSizeRank(request.taskSize) : null;
  const rows = await query<{
    id: string;
    scope: string;
    content: string;
    task_size: number | null;
    relevance: number;
    depth: number;
  }>(
    db,
    sql`WITH RECURSIVE chain(id, depth) AS (
          SELECT ${scopeId}::int, 0
          UNION
          SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64
        ),
        ancestors AS (SELECT id, min(depth) AS depth FROM chain GROUP BY id),
        queries AS (
          SELECT replace(plainto_tsquery('english', q)::text, ' & ', ' | ')::tsquery AS tsq
          FROM unnest(${textArray(request.queries)}) AS q
          WHERE plainto_tsquery('english', q)::text <> ''
        ),
        hits AS (
          SELECT k.id, a.depth, sum(ts_rank_cd(k.search, q.tsq, 32)) AS score
          FROM knowledge k
          JOIN ancestors a ON a.id = k.scope_id
          JOIN queries q ON k.search @@ q.tsq
          WHERE (${size}::int IS NULL OR k.task_size IS NULL OR k.task_size >= ${size}::int)
            AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = k.id)
          GROUP BY k.id, a.depth
        )
        SELECT h.id, n.name || ':' || s.name AS scope, k.content, k.task_size, h.score::float8 AS relevance, h.depth
        FROM hits h JOIN knowledge k ON k.id = h.id JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        ORDER BY h.score DESC, h.depth, h.id
        LIMIT ${request.limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    scope: r.scope,
    content: r.content,
    taskSize: taskSizeFromRank(r.task_size),
    relevance: Number(r.relevance),
    depth: Number(r.depth),
  }));
}
