import { sql } from 'drizzle-orm';
import { taskSizeFromRank, taskSizeRank } from '@kaizen/domain';
import type { SearchHit, SearchRequest } from '@kaizen/core';
import type { DrizzleKnowledgeStore } from './knowledge-store.js';
import { query, textArray } from './sql-util.js';

/**
 * The reference ranking `pnpm eval` compares the real one with: each query is a plain
 * `websearch_to_tsquery` (every term required), scores are summed `ts_rank_cd` over the queries, over the
 * same scope chain with the same suppression and task-size filters, and no relevance floor.
 */
export async function searchBaseline(store: DrizzleKnowledgeStore, request: SearchRequest): Promise<SearchHit[]> {
  const scope = await store.getScope(request.scope);
  if (!scope) return [];
  const size = request.taskSize ? taskSizeRank(request.taskSize) : null;
  const rows = await query<{ id: string; scope: string; content: string; task_size: number | null; relevance: number; depth: number }>(
    store.db,
    sql`WITH RECURSIVE chain(id, depth) AS (
          SELECT s.id, 0 FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
          WHERE n.name || ':' || s.name = ${request.scope}
          UNION
          SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64
        ),
        ancestors AS (SELECT id, min(depth) AS depth FROM chain GROUP BY id),
        queries AS (SELECT websearch_to_tsquery('english', q) AS tsq FROM unnest(${textArray(request.queries)}) AS q),
        hits AS (
          SELECT k.id, a.depth, sum(ts_rank_cd(k.search, q.tsq)) AS score
          FROM knowledge k JOIN ancestors a ON a.id = k.scope_id JOIN queries q ON k.search @@ q.tsq
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
