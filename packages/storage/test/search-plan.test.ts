import { describe, expect, it } from 'vitest';
import { planSearch, tsqueryOperand } from '../src/search-plan.js';
import type { TermForm } from '../src/search-terms.js';

const form = (qi: number, term: string, idf: number, extra: Partial<TermForm> = {}): TermForm => ({
  qi,
  term,
  form: term,
  sim: 1,
  idf,
  selective: false,
  ...extra,
});

/** The search plan is pure: term statistics in, tsqueries and scoring weights out. */
describe('planSearch', () => {
  it('quotes lexemes so that tsquery syntax in them is taken literally', () => {
    expect(tsqueryOperand('plain')).toBe("'plain'");
    expect(tsqueryOperand("o'reilly")).toBe("'o''reilly'");
    expect(tsqueryOperand('back\\slash')).toBe("'back\\\\slash'");
    expect(tsqueryOperand('a & !b | c:*')).toBe("'a & !b | c:*'");
  });

  it('selects candidates by a selective term, and keeps them only with it in context or two terms of the query', () => {
    const plan = planSearch([form(1, 'ledger', 8, { selective: true }), form(1, 'stripe', 2), form(1, 'refund', 3)]);
    expect(plan).not.toBeNull();
    expect(plan!.candidateQuery).toBe("'ledger'");
    expect(plan!.candidateFilter.split(' | ')).toEqual([
      "'ledger':A",
      "'ledger' & 'stripe'",
      "'ledger' & 'refund'",
      "'stripe' & 'refund'",
    ]);
    expect(plan!.queries).toEqual([
      {
        mass: 13,
        slots: [[{ operand: "'ledger'", weight: 8 }], [{ operand: "'stripe'", weight: 2 }], [{ operand: "'refund'", weight: 3 }]],
      },
    ]);
  });

  it('requires every term of a query made only of common terms', () => {
    const plan = planSearch([form(1, 'http', 1), form(1, 'retri', 2), form(2, 'cach', 1.5)]);
    expect(plan!.candidateQuery).toBe("('http' & 'retri') | 'cach'");
    expect(plan!.candidateFilter).toBe("('http' & 'retri') | 'cach'");
  });

  it('scores a misspelt term by its near spellings, weighted by similarity', () => {
    const plan = planSearch([
      form(1, 'kubernet', 5, { form: 'kubernet', sim: 0.8 }),
      form(1, 'kubernet', 6, { form: 'kubectl', sim: 0.5 }),
      form(1, 'deploy', 2),
    ]);
    expect(plan!.queries[0]!.slots[0]).toEqual([
      { operand: "'kubernet'", weight: 4 },
      { operand: "'kubectl'", weight: 3 },
    ]);
    // The slot's mass is its rarest form's IDF: a typo costs coverage, it does not add mass.
    expect(plan!.queries[0]!.mass).toBe(8);
    expect(plan!.candidateQuery).toBe("(('kubernet' | 'kubectl') & 'deploy')");
  });

  it('counts a term the corpus lacks as an average term of its query, and drops queries with no known term', () => {
    const plan = planSearch([
      form(1, 'stripe', 4),
      form(1, 'zzyzx', 0, { form: null, idf: null, sim: 0 }),
      form(2, 'qwerty', 0, { form: null, idf: null, sim: 0 }),
    ]);
    expect(plan!.queries).toHaveLength(1);
    expect(plan!.queries[0]!.mass).toBe(8);
    expect(planSearch([form(1, 'qwerty', 0, { form: null, idf: null, sim: 0 })])).toBeNull();
    expect(planSearch([])).toBeNull();
  });
});
