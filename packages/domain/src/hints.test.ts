import { describe, expect, it } from 'vitest';
import { HINTS, KaizenError, describeError, unknownIdError, unknownNamespaceError, unknownScopeError } from './index.js';

const TOOLS = /get_namespaces|create_scope|create_namespace|write_knowledge|get_task_context|update_knowledge|delete_knowledge|resolve_knowledge_conflict|update_scope|update_namespace|delete_namespace|kaizen:\/\//;

describe('hint table', () => {
  it('gives every situation a step for each surface, MCP naming tools and the CLI none', () => {
    for (const [situation, steps] of Object.entries(HINTS)) {
      expect(steps.mcp.length, situation).toBeGreaterThan(10);
      expect(steps.cli.length, situation).toBeGreaterThan(10);
      expect(steps.cli, situation).not.toMatch(TOOLS);
    }
    // One wording per situation: no two situations share a text.
    const texts = Object.values(HINTS).flatMap((s) => [s.mcp, s.cli]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('describes an error as its message followed by the surface step', () => {
    const e = unknownScopeError('acme:shop');
    expect(e.message).toBe('scope: scope "acme:shop" does not exist.');
    expect(e.details).toEqual({ field: 'scope', scope: 'acme:shop', hint: 'unknown_scope' });
    expect(describeError(e, 'mcp')).toBe(`scope: scope "acme:shop" does not exist. ${HINTS.unknown_scope.mcp}`);
    expect(describeError(e, 'cli')).toBe(`scope: scope "acme:shop" does not exist. ${HINTS.unknown_scope.cli}`);
    expect(describeError(e, 'mcp')).toMatch(/get_namespaces/);
    expect(describeError(unknownNamespaceError('nope'), 'cli')).toMatch(/^namespace: namespace "nope" does not exist\. Run "kaizen export"/);
  });

  it('leaves messages without a known hint as they are', () => {
    expect(describeError(new KaizenError('INVALID_INPUT', 'limit: limit must be at most 50'), 'cli')).toBe('limit: limit must be at most 50');
    expect(describeError(new KaizenError('NOT_FOUND', 'x', { hint: 'toString' }), 'mcp')).toBe('x');
  });

  it('names every missing id', () => {
    const e = unknownIdError(['a1', 'b2'], 'suppressed_ids');
    expect(e.message).toBe('suppressed_ids: no knowledge entry has id "a1", "b2".');
    expect(e.details).toMatchObject({ field: 'suppressed_ids', ids: ['a1', 'b2'], hint: 'unknown_id' });
  });
});
