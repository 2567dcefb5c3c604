import { describe, expect, it } from 'vitest';
import { TRANSFER_RECORD_TYPES, TransferRecord, parseInput } from './index.js';

const issues = (value: unknown) => {
  const result = TransferRecord.safeParse(value);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('transfer records', () => {
  it('parses each type, defaulting scope parents to none', () => {
    expect(TransferRecord.parse({ type: 'namespace', name: 'acme', description: 'Acme' })).toEqual({
      type: 'namespace',
      name: 'acme',
      description: 'Acme',
    });
    expect(TransferRecord.parse({ type: 'scope', scope: 'acme:web', description: 'Web' })).toMatchObject({ parents: [] });
    const entry = { type: 'knowledge', scope: 'acme:web', content: ' Use pnpm. ', context: 'pnpm', task_size: null };
    expect(TransferRecord.parse(entry)).toMatchObject({ content: 'Use pnpm.', task_size: null });
    expect(TransferRecord.parse({ type: 'conflict', active_id: null, suppressed_ids: ['a1'] })).toMatchObject({ active_id: null });
    expect(TRANSFER_RECORD_TYPES).toEqual(['namespace', 'scope', 'knowledge', 'conflict']);
  });

  it('names the field and the fix', () => {
    expect(issues({ type: 'namespaces', name: 'acme' })).toEqual(['type: invalid type: use "namespace", "scope", "knowledge" or "conflict"']);
    expect(issues({ type: 'scope', scope: 'web', description: 'Web' })[0]).toMatch(/^scope: invalid scope: write it as "namespace:scope"/);
    expect(issues({ type: 'knowledge', id: 'has space', scope: 'acme:web', content: 'c', context: 'x' })[0]).toMatch(/^id: invalid id/);
    expect(issues({ type: 'knowledge', scope: 'acme:web', content: 'c', context: 'x', task_size: 'XXL' })[0]).toMatch(/^task_size: .*XS, S, M, L, XL/);
    expect(issues({ type: 'knowledge', scope: 'acme:web', content: 'c', context: 'x', created_at: 'yesterday' })[0]).toMatch(
      /^created_at: invalid timestamp: use ISO 8601/,
    );
    expect(issues({ type: 'conflict', active_id: 'a1', suppressed_ids: ['a1'] })).toEqual([
      'suppressed_ids: suppressed_ids contains active_id: an entry cannot suppress itself',
    ]);
    expect(issues({ type: 'conflict', active_id: 'a1', suppressed_ids: [] })[0]).toMatch(/suppressed_ids is empty/);
  });

  it('refuses unknown fields, listing the known ones', () => {
    const [message] = issues({ type: 'knowledge', scope: 'acme:web', content: 'c', context: 'x', taskSize: 'S' });
    expect(message).toBe(
      ': unknown field "taskSize": a "knowledge" record has the fields type, id, scope, content, context, task_size, created_at, updated_at',
    );
    expect(() => parseInput(TransferRecord, { type: 'namespace', name: 'acme', description: 'd', extra: 1 })).toThrow(/unknown field "extra"/);
  });
});
