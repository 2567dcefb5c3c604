import { sql, type SQL } from 'drizzle-orm';
import { taskSizeFromRank, taskSizeRank } from '@kaizen/domain';
import type { SearchHit, SearchRequest } from '@kaizen/core';
import { query, textArray, type Executor } from './sql-util.js';

/**
 * The ranking of get_task_context, in one SQL statement (the README's "Ranking" section says why).
 *
 * Per query: its significant terms (stemmed, stop words dropped) are "slots"; a term unknown to the
 * corpus is replaced by up to two near spellings from the vocabulary (pg_trgm). An entry scores, per
 * query, the share of the query's rarity (IDF) it covers, a term in `context` counting fully and one in
 * `content` at contentWeight. The queries of a task combine as a noisy-or, so that an entry matched by
 * several queries outranks one matched by a single query. Entries under minRelevance are dropped; the
 * rest are scaled by how specific their scope is in the chain.
 */
export const RANKING = {
  /** Weight of a term matched in content only; context terms weigh 1. */
  contentWeight: 0.5,
  /** Each query's contribution to the noisy-or: a single perfectly matched query gives this. */
  queryWeight: 0.8,
  /**
   * Nearest vocabulary terms (pg_trgm similarity) tried for a term the corpus does not contain, and their
   * minimal similarity. Only terms sharing its first two letters are compared, which keeps the lookup
   * cheap in a large vocabulary; a typo in the first two letters is not corrected.
   */
  typoAlternatives: 2,
  typoSimilarity: 0.4,
  /** Shorter terms are not corrected: their trigrams say too little. */
  typoMinLength: 4,
  /** Below this text score (before the scope boost), an entry is not relevant enough to return. */
  minRelevance: 0.3,
  /**
   * Terms found in at most this share of the entries (or at most selectiveMin entries) select candidates;
   * commoner terms only add to the score of entries selected otherwise. That bounds the work per query:
   * an entry sharing nothing but common terms with a query stays under the floor anyway, unless it has
   * every term of the query, and those entries are selected too.
   */
  selectiveShare: 0.01,
  selectiveMin: 100,
  /** Scope boosts: own scope, then named parents (less per step of distance), namespace defaults, global. */
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

/** A lexeme quoted for tsquery input, so that it is taken as is: no parsing, no stemming. */
const quotedLexeme = (lexeme: SQL): SQL =>
  sql`'''' || replace(replace(${lexeme}, '\\', '\\\\'), '''', '''''') || ''''`;

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
              ELSE greatest(${r.boostParent}::float8 - ${r.boostParentStep}::float8 * (a.depth - 1), ${r.boostNamespaceDefault}::float8)
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
            -- Among the terms that share the first two letters (index knowledge_terms_prefix_idx).
            SELECT kt.term, similarity(kt.term, s.term)::float8 AS sim, kt.df
            FROM knowledge_terms kt
            WHERE left(kt.term, 2) = left(s.term, 2) AND kt.df > 0 AND similarity(kt.term, s.term) >= ${r.typoSimilarity}
            ORDER BY 2 DESC, kt.df DESC LIMIT ${r.typoAlternatives}
          ) v
          WHERE s.df = 0 AND length(s.term) >= ${r.typoMinLength}
        ),
        weighted AS (
          SELECT f.qi, f.term, f.sim, f.df, ln(1 + (c.n - f.df + 0.5) / (f.df + 0.5)) AS idf,
                 f.df <= greatest(c.n * ${r.selectiveShare}::float8, ${r.selectiveMin}) AS selective,
                 ${quotedLexeme(sql`f.form`)} AS lexeme
          FROM forms f CROSS JOIN corpus c
        ),
        lexemes AS MATERIALIZED (
          -- Materialised so that each tsquery is parsed once, not once per candidate.
          SELECT w.*, w.lexeme::tsquery AS tsq, (w.lexeme || ':A')::tsquery AS tsq_context FROM weighted w
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
        slot_forms AS (
          SELECT qi, term, '(' || string_agg(lexeme, ' | ') || ')' AS any_form, bool_or(selective) AS selective
          FROM weighted GROUP BY qi, term
        ),
        candidate_query AS (
          -- For the GIN scan: any selective term, or every term of a query that has no selective term (an
          -- entry with every term of a query that has one is selected by it anyway).
          SELECT string_agg(part, ' | ')::tsquery AS tsq FROM (
            SELECT lexeme AS part FROM weighted WHERE selective
            UNION ALL
            SELECT '(' || string_agg(any_form, ' & ') || ')' FROM slot_forms GROUP BY qi HAVING NOT bool_or(selective)
          ) parts
        ),
        candidate_filter AS (
          -- Then, on the rows found, keep those that can reach the floor: a selective term in context, two
          -- terms of one query anywhere, or every term of a one-term or all-common query.
          SELECT string_agg(part, ' | ')::tsquery AS tsq FROM (
            SELECT lexeme || ':A' AS part FROM weighted WHERE selective
            UNION ALL
            SELECT x.any_form || ' & ' || y.any_form FROM slot_forms x JOIN slot_forms y ON x.qi = y.qi AND x.term < y.term
            UNION ALL
            SELECT string_agg(any_form, ' & ') FROM slot_forms GROUP BY qi HAVING NOT bool_or(selective) OR count(*) = 1
          ) parts
        ),
        candidates AS (
          SELECT k.id, k.search, a.boost, a.depth
          FROM knowledge k JOIN ancestors a ON a.id = k.scope_id
          WHERE k.search @@ (SELECT tsq FROM candidate_query)
            -- ts_match_vq is @@ written as a function, so the planner does not push it into the index scan:
            -- it needs the heap row (weights), and the GIN and scope bitmaps are cheaper on their own.
            AND ts_match_vq(k.search, (SELECT tsq FROM candidate_filter))
            -- Lets the planner AND the GIN bitmap with the chain's scope_id bitmap (fewer heap rows).
            AND k.scope_id = ANY ((SELECT array_agg(id) FROM ancestors)::int[])
            -- A one-time test: with no usable term, neither index is scanned.
            AND (SELECT tsq FROM candidate_query) IS NOT NULL
            AND (${size}::int IS NULL OR k.task_size IS NULL OR k.task_size >= ${size}::int)
            AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = k.id)
        ),
        matches AS (
          SELECT c.id, l.qi, l.term,
                 max(l.sim * l.idf * CASE WHEN c.search @@ l.tsq_context THEN 1 ELSE ${r.contentWeight}::float8 END) AS gain
          FROM candidates c JOIN lexemes l ON c.search @@ l.tsq
          GROUP BY c.id, l.qi, l.term
        ),
        per_query AS (
          SELECT m.id, least(sum(m.gain) / qm.mass, 1) AS coverage
          FROM matches m JOIN query_mass qm USING (qi) GROUP BY m.id, m.qi, qm.mass
        ),
        scored AS (
          SELECT id, 1 - exp(sum(ln(1 - ${r.queryWeight}::float8 * coverage))) AS text_score FROM per_query GROUP BY id
        )
        SELECT h.id, n.name || ':' || s.name AS scope, k.content, k.task_size, h.relevance, h.depth
        FROM (
          SELECT sc.id, sc.text_score * c.boost AS relevance, c.depth
          FROM scored sc JOIN candidates c USING (id)
          WHERE sc.text_score >= ${r.minRelevance}
          ORDER BY relevance DESC, c.depth, sc.id LIMIT ${request.limit}
        ) h
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
