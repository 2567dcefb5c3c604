import type { TermForm } from './search-terms.js';

/** The knobs of the task-context ranking (the package README's "Ranking" section says why). */
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

export type Ranking = { readonly [K in keyof typeof RANKING]: number };

/** One corpus lexeme that scores a slot: `weight` (similarity × IDF) if found in context, less in content. */
export interface ScoredForm {
  /** The lexeme as a tsquery operand, quoted so that it is taken as is (no parsing, no stemming). */
  operand: string;
  weight: number;
}

/** A query of the task: its slots (distinct terms), each scored by its best form, over the query's IDF mass. */
export interface PlannedQuery {
  mass: number;
  slots: ScoredForm[][];
}

/** What the scoring statement needs: how to find candidates, and how to score them. */
export interface SearchPlan {
  /** For the GIN scan: any selective form, or every slot of a query that has no selective form. */
  candidateQuery: string;
  /**
   * Checked on each row found: can it reach the floor? A selective form in context, two slots of one
   * query anywhere, or every slot of a one-slot or all-common query.
   */
  candidateFilter: string;
  queries: PlannedQuery[];
}

/** A lexeme quoted for tsquery input. Lexemes may hold any character; quotes and backslashes are escaped. */
export const tsqueryOperand = (lexeme: string): string => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Turns the term statistics of a task into a search plan, or null when no query has a term the corpus
 * knows (nothing can match). Pure: the numbers come from loadTermStatistics.
 */
export function planSearch(forms: readonly TermForm[]): SearchPlan | null {
  const byQuery = new Map<number, Map<string, TermForm[]>>();
  for (const f of forms) {
    const slots = byQuery.get(f.qi) ?? new Map<string, TermForm[]>();
    byQuery.set(f.qi, slots);
    const slot = slots.get(f.term) ?? [];
    slots.set(f.term, slot);
    if (f.form !== null && f.idf !== null) slot.push(f);
  }
  const candidates: string[] = [];
  const filters: string[] = [];
  const queries: PlannedQuery[] = [];
  for (const slots of byQuery.values()) {
    const masses = [...slots.values()].map((slot) => (slot.length ? Math.max(...slot.map((f) => f.idf!)) : null));
    const known = masses.filter((m): m is number => m !== null);
    if (!known.length) continue;
    // A term matching nothing at all counts as an average term of its query: missing it costs coverage.
    const average = known.reduce((a, b) => a + b, 0) / known.length;
    const mass = masses.reduce<number>((sum, m) => sum + (m ?? average), 0);
    if (!(mass > 0)) continue;

    const scored: ScoredForm[][] = [];
    const anyForm: string[] = [];
    let selective = false;
    for (const slot of slots.values()) {
      if (!slot.length) continue;
      const operands = slot.map((f) => tsqueryOperand(f.form!));
      scored.push(slot.map((f, i) => ({ operand: operands[i]!, weight: f.sim * f.idf! })));
      anyForm.push(operands.length === 1 ? operands[0]! : `(${operands.join(' | ')})`);
      slot.forEach((f, i) => {
        if (!f.selective) return;
        selective = true;
        candidates.push(operands[i]!);
        filters.push(`${operands[i]!}:A`);
      });
    }
    const every = anyForm.length === 1 ? anyForm[0]! : `(${anyForm.join(' & ')})`;
    if (!selective) candidates.push(every);
    if (!selective || anyForm.length === 1) filters.push(every);
    // Any two slots (for a two-slot query with no selective form, that pair is `every`, already there).
    if (selective || anyForm.length > 2) {
      for (let i = 0; i < anyForm.length; i++) {
        for (let j = i + 1; j < anyForm.length; j++) filters.push(`${anyForm[i]} & ${anyForm[j]}`);
      }
    }
    queries.push({ mass, slots: scored });
  }
  if (!candidates.length) return null;
  return { candidateQuery: unique(candidates).join(' | '), candidateFilter: unique(filters).join(' | '), queries };
}

const unique = (items: string[]) => [...new Set(items)];
