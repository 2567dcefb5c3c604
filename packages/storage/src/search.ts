import { sql, type SQL } from 'drizzle-orm';
import { taskSizeFromRank, taskSizeRank } from '@kaizen/domain';
import { throwIfCancelled, type SearchHit, type SearchRequest } from '@kaizen/core';
import { guard } from './database-errors.js';
import { planSearch, RANKING, type PlannedQuery, type Ranking } from './search-plan.js';
import { loadTermStatistics, type ChainScope } from './search-terms.js';
import { query, type Executor } from './sql-util.js';

/**
 * The ranking of task-context search (the package README's "Ranking" section says why), in two statements:
 * the first reads the scope chain and the statistics of the queries' terms (search-terms.ts), the second
 * finds the candidates and scores them with an expression built from those statistics (search-plan.ts),
 * every weight a bound parameter. All of it runs in the database; only the task's own terms come to Node.
 *
 * Per query, an entry scores the share of the query's rarity (IDF) it covers, a term in `context`
 * counting fully and one in `content` at contentWeight; the queries of a task combine as a noisy-or, so
 * that an entry matched by several queries outranks one matched by a single query. Entries under
 * minRelevance are dropped; the rest are scaled by how specific their scope is in the chain.
 *
 * `request.readableNamespaces` restricts the chain in SQL (search-terms.ts): the candidates are the
 * entries of readable scopes only, so the limit, the order and the depths never count a hidden entry.
 */
export async function searchKnowledge(db: Executor, scopeId: number, request: SearchRequest): Promise<SearchHit[]> {
  const r: Ranking = RANKING;
  throwIfCancelled(request.signal, 'search');
  const { forms, chain } = await guard('search.terms', () => loadTermStatistics(db, scopeId, request.queries, r, request.readableNamespaces));
  const plan = planSearch(forms);
  if (!plan || !chain.length) return [];
  const size = request.taskSize ? taskSizeRank(request.taskSize) : null;
  throwIfCancelled(request.signal, 'search');
  const ranking = sql`SELECT h.id, n.name || ':' || s.name AS scope, k.content, k.task_size, h.relevance, h.depth
        FROM (
          SELECT id, depth, round(text_score * boost * 1e9) / 1e9 AS relevance
          FROM (
            SELECT k.id, ${textScore(plan.queries, r)} AS text_score,
                   ${byScope(chain, (a) => sql`${a.boost}::float8`)} AS boost,
                   ${byScope(chain, (a) => sql`${a.depth}::int`)} AS depth
            FROM knowledge k
            WHERE k.search @@ ${plan.candidateQuery}::tsquery
              -- ts_match_vq is @@ written as a function, so the planner does not push it into the index
              -- scan: it needs the heap row (weights), and the GIN and scope bitmaps are cheaper alone.
              AND ts_match_vq(k.search, ${plan.candidateFilter}::tsquery)
              -- Lets the planner AND the GIN bitmap with the chain's scope_id bitmap (fewer heap rows).
              AND k.scope_id = ANY (${`{${chain.map((a) => a.id).join(',')}}`}::int[])
              AND (${size}::int IS NULL OR k.task_size IS NULL OR k.task_size >= ${size}::int)
              AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = k.id)
            -- OFFSET 0 keeps this a subquery: flattened, the score would be computed twice per row
            -- (once for the floor, once for the order).
            OFFSET 0
          ) scored
          WHERE text_score >= ${r.minRelevance}::float8
          -- Relevance is rounded so that entries of equal score tie exactly (floating-point noise aside)
          -- and fall back on the nearer scope, then the id.
          ORDER BY relevance DESC, depth, id LIMIT ${request.limit}
        ) h
        JOIN knowledge k ON k.id = h.id JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        ORDER BY h.relevance DESC, h.depth, h.id`;
  const rows = await guard('search.rank', () => query<SearchRow>(db, ranking));
  return rows.map((row) => ({
    id: row.id,
    scope: row.scope,
    content: row.content,
    taskSize: taskSizeFromRank(row.task_size),
    relevance: Number(row.relevance),
    depth: Number(row.depth),
  }));
}

/**
 * text = 1 − Π over queries (1 − queryWeight · coverage), coverage = min(Σ over slots of the slot's best
 * form gain / the query's mass, 1). A form's gain is its weight if the entry has it in context, weight ×
 * contentWeight if only in content, else 0; the cheap test (has it at all?) comes first, as most don't.
 */
function textScore(queries: readonly PlannedQuery[], r: Ranking): SQL {
  const factors = queries.map((q) => {
    const slots = q.slots.map((forms) => {
      const gains = forms.map(
        (f) => sql`CASE WHEN NOT k.search @@ ${f.operand}::tsquery THEN 0::float8
                        WHEN k.search @@ ${`${f.operand}:A`}::tsquery THEN ${f.weight}::float8
                        ELSE ${f.weight * r.contentWeight}::float8 END`,
      );
      return gains.length === 1 ? gains[0]! : sql`greatest(${sql.join(gains, sql`, `)})`;
    });
    return sql`(1 - ${r.queryWeight}::float8 * least((${sql.join(slots, sql` + `)}) / ${q.mass}::float8, 1))`;
  });
  return sql`(1 - ${sql.join(factors, sql` * `)})`;
}

/** A CASE over the entry's scope_id, one branch per scope of the chain. */
const byScope = (chain: readonly ChainScope[], value: (a: ChainScope) => SQL): SQL =>
  sql`CASE k.scope_id ${sql.join(
    chain.map((a) => sql`WHEN ${a.id}::int THEN ${value(a)}`),
    sql` `,
  )} END`;

interface SearchRow {
  id: string;
  scope: string;
  content: string;
  task_size: number | null;
  relevance: number;
  depth: number;
}
