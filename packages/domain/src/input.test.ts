import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import * as domain from './index.js';
import {
  BrowsePageInput,
  CompletionInput,
  CreateNamespaceInput,
  CreateScopeInput,
  GetTaskContextInput,
  KaizenError,
  KnowledgePageInput,
  ResolveConflictInput,
  TransferRecord,
  UpdateKnowledgeInput,
  UpdateScopeInput,
  WriteKnowledgeInput,
  parseInput,
} from './index.js';

function invalid(schema: z.ZodType, input: unknown): KaizenError {
  try {
    parseInput(schema, input);
  } catch (e) {
    return e as KaizenError;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('strict inputs', () => {
  it('names an unknown field and lists the known ones', () => {
    const e = invalid(GetTaskContextInput, { queries: ['x'], scope: 'acme:web', size: 'S' });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe('size: unknown field; known fields: queries, scope, task_size, limit');
    expect(e.details).toEqual({ fields: ['size'] });
  });

  it('names each unknown field, on objects with refinements too', () => {
    const e = invalid(UpdateKnowledgeInput, { id: 'a1', content: 'x', taskSize: 'S', extra: 1 });
    expect(e.message).toBe(
      'taskSize: unknown field; known fields: id, content, context, scope, task_size; extra: unknown field; known fields: id, content, context, scope, task_size',
    );
    expect(invalid(UpdateScopeInput, { scope: 'acme:web', parent: ['acme:x'] }).message).toMatch(/^parent: unknown field; known fields: scope, new_scope,/);
    expect(invalid(CreateNamespaceInput, 'acme').message).toBe('input: must be an object with the fields name, description');
  });

  it('says once that a list is expected', () => {
    expect(invalid(GetTaskContextInput, { queries: 'payment retries', scope: 'acme:web' }).message).toBe(
      'queries: must be a list of strings, e.g. ["payment retries"]',
    );
    expect(invalid(CreateScopeInput, { scope: 'acme:web', description: 'd', parents: 'acme:x' }).message).toBe(
      'parents: must be a list of strings, e.g. ["acme:mobile"]',
    );
    expect(invalid(ResolveConflictInput, { active_id: 'a1', suppressed_ids: 'b2' }).message).toMatch(/^suppressed_ids: must be a list of strings/);
  });
});

describe('text the database cannot store as sent', () => {
  const entry = { content: 'Use pnpm.', context: 'pnpm', scope: 'acme:web' };

  it('refuses NUL characters, naming the field', () => {
    for (const field of ['content', 'context'] as const) {
      const e = invalid(WriteKnowledgeInput, { ...entry, [field]: 'before\u0000after' });
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toBe(`${field}: contains a NUL character (\\u0000), which cannot be stored: remove it`);
    }
    expect(invalid(GetTaskContextInput, { queries: ['ok', 'x\u0000'], scope: 'acme:web' }).message).toMatch(/^queries\.1: contains a NUL/);
    expect(invalid(CreateNamespaceInput, { name: 'acme', description: '\u0000' }).message).toMatch(/^description: contains a NUL/);
    expect(invalid(WriteKnowledgeInput, { ...entry, scope: 'acme:w\u0000b' }).message).toMatch(/^scope: invalid scope/);
  });

  it('refuses lone surrogates instead of replacing them', () => {
    for (const bad of ['\uD800', 'a\uDC00b', 'end\uD83D']) {
      expect(invalid(WriteKnowledgeInput, { ...entry, content: bad }).message).toMatch(/^content: contains an unpaired UTF-16 surrogate/);
    }
    // A well-formed pair (an emoji) is text like any other.
    expect(parseInput(WriteKnowledgeInput, { ...entry, content: 'Ship it \uD83D\uDE80' }).content).toBe('Ship it 🚀');
  });

  it('refuses them in completion prefixes and listing cursors too', () => {
    expect(invalid(CompletionInput, { prefix: 'ac\u0000' }).message).toMatch(/^prefix: contains a NUL/);
    expect(invalid(BrowsePageInput, { after: '\u0000', limit: 5 }).message).toMatch(/^after: contains a NUL/);
    expect(invalid(KnowledgePageInput, { prefix: 'x', limit: 0 }).message).toBe('limit: limit must be a whole number of at least 1');
    expect(parseInput(CompletionInput, { prefix: '' })).toEqual({ prefix: '' });
  });

  it('refuses them in import records', () => {
    const result = TransferRecord.safeParse({ type: 'knowledge', scope: 'acme:web', content: 'a\u0000', context: 'x' });
    expect(result.error?.issues[0]?.message).toMatch(/NUL/);
  });
});

describe('JSON Schema of the inputs', () => {
  it('generates for every tool, resource and transfer input, each refusing additional properties', () => {
    const inputs = Object.entries(domain).filter(([name, value]) => name.endsWith('Input') && value instanceof z.ZodType) as [string, z.ZodType][];
    expect(inputs.length).toBeGreaterThanOrEqual(19);
    for (const [name, schema] of inputs) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as { type?: string; additionalProperties?: boolean };
      expect([name, json.type, json.additionalProperties]).toEqual([name, 'object', false]);
    }
  });

  it('carries the name rules as patterns and refuses additional properties', () => {
    const scope = z.toJSONSchema(CreateScopeInput) as {
      properties: Record<string, { pattern?: string; items?: { pattern?: string } }>;
      additionalProperties?: boolean;
    };
    expect(scope.additionalProperties).toBe(false);
    expect(scope.properties.scope?.pattern).toBe('^[a-z0-9-]{2,64}:[a-z0-9-]{2,64}$');
    expect(scope.properties.parents?.items?.pattern).toBe('^[a-z0-9-]{2,64}:[a-z0-9-]{2,64}$');
    const ns = z.toJSONSchema(CreateNamespaceInput) as { properties: Record<string, { pattern?: string }> };
    expect(ns.properties.name?.pattern).toBe('^[a-z0-9-]{2,64}$');
    for (const value of ['acme:web', 'a1:b-2']) expect(new RegExp(scope.properties.scope!.pattern!).test(value)).toBe(true);
    for (const value of ['acme', 'acme:web:x', 'Acme:web']) expect(new RegExp(scope.properties.scope!.pattern!).test(value)).toBe(false);
  });
});
