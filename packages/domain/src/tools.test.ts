import { describe, expect, it } from 'vitest';
import {
  GetTaskContextInput,
  KaizenError,
  QualifiedScopeSchema,
  ResolveConflictInput,
  UpdateNamespaceInput,
  WriteKnowledgeInput,
  parseInput,
  taskSizeFromRank,
  taskSizeRank,
} from './index.js';

function invalid(schema: Parameters<typeof parseInput>[0], input: unknown): KaizenError {
  try {
    parseInput(schema, input);
  } catch (e) {
    return e as KaizenError;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('domain schemas', () => {
  it('accepts qualified scope names and rejects others', () => {
    expect(QualifiedScopeSchema.safeParse('acme:mobile-payments').success).toBe(true);
    for (const bad of ['acme', 'Acme:x1', 'acme:a', 'a:b:c', 'acme:has space', `acme:${'x'.repeat(65)}`]) {
      expect(QualifiedScopeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('names the field and the fix in INVALID_INPUT', () => {
    const e = invalid(WriteKnowledgeInput, { content: ' ', context: 'x', scope: 'acme:web' });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^content: content is empty: write one self-contained fact/);
    expect(invalid(WriteKnowledgeInput, { content: 'x', context: 'x', scope: 'acme:web', task_size: 'XXL' }).message).toMatch(
      /task_size: .*XS, S, M, L, XL/,
    );
  });

  it('requires at least one change on updates and refuses self-suppression', () => {
    expect(invalid(UpdateNamespaceInput, { name: 'acme' }).message).toMatch(/nothing to update/);
    expect(invalid(ResolveConflictInput, { active_id: 'a1', suppressed_ids: ['a1'] }).message).toMatch(/cannot suppress itself/);
    expect(invalid(ResolveConflictInput, { active_id: 'a1', suppressed_ids: [] }).message).toMatch(/suppressed_ids/);
  });

  it('bounds get_task_context queries and limit', () => {
    expect(invalid(GetTaskContextInput, { queries: [], scope: 'acme:web' }).message).toMatch(/queries/);
    expect(invalid(GetTaskContextInput, { queries: Array(11).fill('q'), scope: 'acme:web' }).message).toMatch(/at most 10/);
    expect(invalid(GetTaskContextInput, { queries: ['q'], scope: 'acme:web', limit: 51 }).message).toMatch(/limit/);
    expect(parseInput(GetTaskContextInput, { queries: [' retries '], scope: 'acme:web' }).queries).toEqual(['retries']);
  });

  it('orders task sizes', () => {
    expect(taskSizeRank('XS')).toBeLessThan(taskSizeRank('XL'));
    expect(taskSizeFromRank(taskSizeRank('M'))).toBe('M');
    expect(taskSizeFromRank(null)).toBeNull();
  });
});
