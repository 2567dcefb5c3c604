import { sql, type SQL } from 'drizzle-orm';
import { taskSizeFromRank, taskSizeRank } from '@kaizen/domain';
import type { SearchHit, SearchRequest } from '@kaizen/core';
import { query, textArray, type Executor } from './sql-util.js';

/**
 * The ranking of get_task_context, in one SQL statement (README "Ranking" explains the why).
 *
 * Per query: its significant terms (stemmed, stop words dropped) are "slots"; a term unknown to the
 * corpus is replaced by up to two near spellings from the vocabulary (pg_trgm). An entry scores, per
 * query, the share of the query's rarity (IDF) it covers, a term in `context` counting fully and one in
 * `content` at CONTENT_WEIGHT. The queries of a task combine as a noisy-or, so that an entry matched
 * by several queries outranks one matched by a single query. The result is scaled by how specific the
 * entry's scope is in the chain, and entries under MIN_RELEVANCE are dropped.
 */
export const RANKING = {
  /** Weight of a term matched in content only; context terms weigh 1. */
  contentWeight: 0.5,
  /** Each query's contribution to the noisy-or: a single perfectly matched query gives this. */
  queryWeight: 0.8,
  /** Nearest vocabulary terms tried for a term the corpus does not contain, and their minimal similarity. */
  typoAlternatives: 2,
  typoSimilarity: 0.4,
  /** Shorter terms are not corrected: their trigrams say too little. */
  typoMinLength: 4,
  /** Below this, an entry is not relevant enough to return. */
  minRelevance: 0.2,
  /** Scope boosts: own scope, then named parents (per step of distance), namespace defaults, global. */
  boostOwn: 1,
  boostParent: 0.92,
  boostParentStep: 0.02,
  boostNamespaceDefault: 0.86,
  boostGlobal: 0.8,
} as const;

/**
 * Dotted names are indexed joined and split ("node.js" -> "nodejs node js"); queries get the same
 * treatment. It must stay the expression of the generated `knowledge.search` column (schema.ts).
 */
const dottedNames = (text: SQL): SQL =>
  sql`regexp_replace(${text}, '([[:alpha:]]+)[.]([[:alpha:]]+)', '\\1\\2 \\1 \\2', 'g')`;

/** A tsquery of exactly one lexeme (no parsing, no stemming), optionally restricted to weight A. */
const lexemeQuery = (lexeme: SQL, suffix = '') =>
  sql`('''' || replace(replace(${lexeme}, '\\', '\\\\'), '''', '''''') || '''${sql.raw(suffix)}')::tsquery`;

export async function searchKnowledge(db: Executor, scopeId: number, request: SearchRequest): Promise<SearchHit[]> {
  const size = request.taskSize ? taskSizeRank(request.taskSize) : null;
  const r = RANKING;
  const rows = await query<SearchRow>(
    db,
    sql`WITH RECURSIVE chain(id, depth) AS (
          SELECT ${scopeId}::int, 0
          UNION
          SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64
        ),
        ancestors AS (
          SELECT a.id, a.depth, CASE
              WHEN a.depth = 0 THEN ${r.boostOwn}::float8
              WHEN n.name = 'global' THEN ${r.boostGlobal}::float8
              WHEN s.name = 'default' THEN ${r.boostNamespaceDefault}::float8
              ELSE ${r.boostParent}::float8 - ${r.boostParentStep}::float8 * (a.depth - 1)
            END AS boost
          FROM (SELECT id, min(depth) AS depth FROM chain GROUP BY id) a
          JOIN scopes s ON s.id = a.id JOIN namespaces n ON n.id = s.namespace_id
        ),
        corpus AS (SELECT greatest(coalesce((SELECT entries FROM knowledge_stats WHERE id = 1), 0), 1)::float8 AS n),
        slots AS (
          SELECT DISTINCT u.qi, t.term, coalesce(kt.df, 0) AS df
          FROM unnest(${textArray(request.queries)}) WITH ORDINALITY AS u(q, qi)
          CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', ${dottedNames(sql`u.q`)}))) AS t(term)
          LEFT JOIN knowledge_terms kt ON kt.term = t.term AND kt.df > 0
        ),
        forms AS (
          SELECT qi, term, term AS form, 1::float8 AS sim, df FROM slots WHERE df > 0
          UNION ALL
          SELECT s.qi, s.term, v.term, v.sim, v.df
          FROM slots s CROSS JOIN LATERAL (
            SELECT kt.term, similarity(kt.term, s.term)::float8 AS sim, kt.df
            FROM knowledge_terms kt
            WHERE kt.term % s.term AND kt.df > 0 AND similarity(kt.term, s.term) >= ${r.typoSimilarity}
            ORDER BY 2 DESC, kt.df DESC LIMIT ${r.typoAlternatives}
          ) v
          WHERE s.df = 0 AND length(s.term) >= ${r.typoMinLength}
        ),
        weighted AS (
          SELECT f.qi, f.term, f.form, f.sim,
                 ln(1 + (c.n - f.df + 0.5) / (f.df + 0.5)) AS idf,
                 ${lexemeQuery(sql`f.form`)} AS tsq, ${lexemeQuery(sql`f.form`, ':A')} AS tsq_a
          FROM forms f CROSS JOIN corpus c
        ),
        masses AS (
          SELECT s.qi, s.term, max(w.idf) AS mass FROM slots s LEFT JOIN weighted w USING (qi, term) GROUP BY s.qi, s.term
        ),
        query_mass AS (
          -- A term matching nothing at all counts as an average term of its query: missing it costs coverage.
          SELECT qi, sum(coalesce(mass, avg_mass)) AS mass
          FROM (SELECT qi, mass, avg(mass) OVER (PARTITION BY qi) AS avg_mass FROM masses) m
          GROUP BY qi HAVING sum(coalesce(mass, avg_mass)) > 0
        ),
        matches AS (
          SELECT k.id, w.qi, w.term,
                 max(w.sim * w.idf * CASE WHEN k.search @@ w.tsq_a THEN 1 ELSE ${r.contentWeight}::float8 END) AS gain
          FROM weighted w
          JOIN knowledge k ON k.search @@ w.tsq
          WHERE k.scope_id IN (SELECT id FROM ancestors)
          GROUP BY k.id, w.qi, w.term
        ),
        per_query AS (
          SELECT m.id, m.qi, least(sum(m.gain) / qm.mass, 1) AS coverage
          FROM matches m JOIN query_mass qm USING (qi) GROUP BY m.id, m.qi, qm.mass
        ),
        scored AS (
          SELECT p.id, (1 - exp(sum(ln(1 - ${r.queryWeight}::float8 * p.coverage)))) * a.boost AS relevance, a.depth
          FROM per_query p JOIN knowledge k ON k.id = p.id JOIN ancestors a ON a.id = k.scope_id
          WHERE (${size}::int IS NULL OR k.task_size IS NULL OR k.task_size >= ${size}::int)
            AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = p.id)
          GROUP BY p.id, a.boost, a.depth
        )
        SELECT h.id, n.name || ':' || s.name AS scope, k.content, k.task_size, h.relevance, h.depth
        FROM (SELECT * FROM scored WHERE relevance >= ${r.minRelevance} ORDER BY relevance DESC, depth, id LIMIT ${request.limit}) h
        JOIN knowledge k ON k.id = h.id JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        ORDER BY h.relevance DESC, h.depth, h.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    scope: row.scope,
    content: row.content,
    taskSize: taskSizeFromRank(row.task_size),
    relevance: Number(row.relevance),
    depth: Number(row.depth),
  }));
}

interface SearchRow {
  id: string;
  scope: string;
  content: string;
  task_size: number | null;
  relevance: number;
  depth: number;
}
