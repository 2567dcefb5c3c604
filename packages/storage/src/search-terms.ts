import { sql, type SQL } from 'drizzle-orm';
import { queryOne, textArray, type Executor } from './sql-util.js';
import type { Ranking } from './search-plan.js';

/** One spelling of a query term that the corpus contains, with its weight inputs. */
export interface TermForm {
  /** 1-based index of the query the term comes from. */
  qi: number;
  /** The query's lexeme (stemmed). */
  term: string;
  /** The corpus lexeme matched: the term itself, or a near spelling of it; null when the corpus has neither. */
  form: string | null;
  /** pg_trgm similarity of form to term (1 for the term itself). */
  sim: number;
  /** BM25 inverse document frequency of form. */
  idf: number | null;
  /** Whether form is rare enough (see RANKING.selectiveShare) to select candidates by itself. */
  selective: boolean;
}

/** A scope of the inheritance chain of the searched scope. */
export interface ChainScope {
  id: number;
  /** Distance from the searched scope (0 = itself), shortest path. */
  depth: number;
  /** Relevance multiplier of its entries (RANKING.boost*). */
  boost: number;
}

export interface TermStatistics {
  forms: TermForm[];
  chain: ChainScope[];
}

/**
 * Dotted names are indexed joined and split ("node.js" -> "nodejs node js"); queries get the same
 * treatment. It must stay the expression of the generated `knowledge.search` column (schema.ts).
 */
const dottedNames = (text: SQL): SQL =>
  sql`regexp_replace(${text}, '([[:alpha:]]+)[.]([[:alpha:]]+)', '\\1\\2 \\1 \\2', 'g')`;

/**
 * The first of the two statements of a search: the scope chain with its boosts, and every query's terms
 * (stemmed, stop words dropped) with their document frequencies from `knowledge_terms`. A term the corpus
 * does not contain is replaced by up to two near spellings (pg_trgm) among the terms sharing its first
 * two letters (index knowledge_terms_prefix_idx), which keeps the lookup cheap in a large vocabulary.
 * Every term comes back, those with no form at all once with form null (they still weigh in their
 * query's mass).
 */
export async function loadTermStatistics(
  db: Executor,
  scopeId: number,
  queries: readonly string[],
  r: Ranking,
  readableNamespaces?: readonly string[],
): Promise<TermStatistics> {
  const row = await queryOne<{ forms: TermForm[] | null; chain: ChainScope[] | null }>(
    db,
    sql`WITH RECURSIVE chain(id, depth) AS (${chainSteps(scopeId, readableNamespaces)}),
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
        -- Term statistics (document frequencies, corpus size) are those of the whole corpus, hidden
        -- namespaces included: computing them per reader would mean scanning the readable entries' vectors
        -- at every search. They are aggregates over every entry and name none: no entry, scope or namespace
        -- a reader cannot see comes out of them, only the weights of the terms it searched for.
        corpus AS (SELECT greatest(coalesce((SELECT entries FROM knowledge_stats WHERE id = 1), 0), 1)::float8 AS n),
        slots AS (
          SELECT DISTINCT u.qi, t.term, coalesce(kt.df, 0) AS df
          FROM unnest(${textArray(queries)}) WITH ORDINALITY AS u(q, qi)
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
            WHERE left(kt.term, 2) = left(s.term, 2) AND kt.df > 0 AND similarity(kt.term, s.term) >= ${r.typoSimilarity}
            ORDER BY 2 DESC, kt.df DESC LIMIT ${r.typoAlternatives}
          ) v
          WHERE s.df = 0 AND length(s.term) >= ${r.typoMinLength}
        ),
        weighted AS (
          SELECT s.qi, s.term, f.form, coalesce(f.sim, 0) AS sim,
                 ln(1 + (c.n - f.df + 0.5) / (f.df + 0.5)) AS idf,
                 coalesce(f.df <= greatest(c.n * ${r.selectiveShare}::float8, ${r.selectiveMin}), false) AS selective
          FROM slots s LEFT JOIN forms f USING (qi, term) CROSS JOIN corpus c
        )
        SELECT (SELECT json_agg(w ORDER BY w.qi, w.term, w.form) FROM weighted w) AS forms,
               (SELECT json_agg(a ORDER BY a.depth, a.id) FROM ancestors a) AS chain`,
  );
  return { forms: row?.forms ?? [], chain: row?.chain ?? [] };
}

/**
 * The recursive steps of the scope chain. With readable namespaces, the chain keeps to them: the searched
 * scope counts only if its namespace is readable, and a parent in another namespace is neither searched
 * nor walked through, so an ancestor reachable only through a hidden scope is left out too and depths
 * are those of the readable paths (boosts and depths never depend on what the reader cannot see). Without
 * (undefined), the plain walk: no join on the hot path of unrestricted callers.
 */
function chainSteps(scopeId: number, readableNamespaces: readonly string[] | undefined): SQL {
  if (readableNamespaces === undefined) {
    return sql`SELECT ${scopeId}::int, 0
          UNION
          SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64`;
  }
  const readable = textArray(readableNamespaces);
  return sql`SELECT s.id, 0 FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
            WHERE s.id = ${scopeId}::int AND n.name = ANY(${readable})
          UNION
          SELECT sp.parent_id, c.depth + 1
          FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id
          JOIN scopes ps ON ps.id = sp.parent_id JOIN namespaces pn ON pn.id = ps.namespace_id
          WHERE c.depth < 64 AND pn.name = ANY(${readable})`;
}
