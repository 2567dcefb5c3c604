import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KaizenService } from '@kaizen/core';
import { isKaizenError } from '@kaizen/domain';
import type { DrizzleKnowledgeStore } from '../src/index.js';
import { testDatabaseKinds } from '../src/testing.js';
import { openTestKaizen, type TestKaizen } from './fixture.js';

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    if (isKaizenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KaizenError, got success');
}

describe.each(testDatabaseKinds())('KaizenService on %s', (kind) => {
  let fixture: TestKaizen | undefined;
  let store: DrizzleKnowledgeStore;
  let kaizen: KaizenService;

  beforeAll(async () => {
    fixture = await openTestKaizen(kind);
    ({ store, kaizen } = fixture);
    await kaizen.createNamespace({ name: 'acme', description: 'Acme Corp' });
    await kaizen.createNamespace({ name: 'shared', description: 'Shared libraries' });
    await kaizen.createScope({ scope: 'shared:kotlin', description: 'Kotlin guidance' });
    await kaizen.createScope({ scope: 'acme:mobile', description: 'Mobile apps', parents: ['shared:kotlin'] });
    await kaizen.createScope({ scope: 'acme:payments', description: 'Payments', parents: ['acme:mobile'] });
    await kaizen.createScope({ scope: 'acme:web', description: 'Web shop' });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('migrations are idempotent and global:default exists', async () => {
    await store.migrate();
    const out = await kaizen.getNamespaces({ style: 'details' });
    expect(out.namespaces.global?.scopes?.default).toBeDefined();
    expect(Object.keys(out.namespaces)).toEqual(['global', 'acme', 'shared']);
  });

  it('gives every scope its namespace default as a parent, and lists parents across namespaces', async () => {
    const out = await kaizen.getNamespaces({ namespace: 'acme', style: 'details' });
    expect(out.namespaces.acme?.scopes?.mobile?.parents).toEqual(['acme:default', 'shared:kotlin']);
    expect(out.namespaces.acme?.scopes?.default?.parents).toEqual(['global:default']);
    const ancestors = await store.scopeAncestors('acme:payments');
    expect(ancestors.map((a) => a.scope)).toEqual([
      'acme:payments',
      'acme:default',
      'acme:mobile',
      'global:default',
      'shared:kotlin',
      'shared:default',
    ]);
  });

  it('refuses a cycle, naming it, and changes nothing', async () => {
    const e = await errorOf(kaizen.updateScope({ scope: 'acme:mobile', parents: ['acme:payments'] }));
    expect(e.code).toBe('CYCLE');
    expect(e.message).toContain('acme:mobile -> acme:payments -> acme:mobile');
    const after = await store.getScope('acme:mobile');
    expect(after?.parents).toEqual(['acme:default', 'shared:kotlin']);
    expect((await errorOf(kaizen.updateScope({ scope: 'acme:web', parents: ['acme:web'] }))).code).toBe('CYCLE');
  });

  it('retrieves through ancestors only, never children or siblings', async () => {
    const g = await kaizen.writeKnowledge({ scope: 'global:default', content: 'Never commit secrets to git repositories.', context: 'secrets git credentials security' });
    const k = await kaizen.writeKnowledge({ scope: 'shared:kotlin', content: 'Use structured concurrency with coroutine scopes.', context: 'kotlin coroutines concurrency' });
    const p = await kaizen.writeKnowledge({ scope: 'acme:payments', content: 'Retry card payments with idempotency keys.', context: 'payments retries idempotency coroutines' });
    const w = await kaizen.writeKnowledge({ scope: 'acme:web', content: 'Web checkout uses coroutines too (sibling).', context: 'coroutines checkout web secrets' });

    const fromPayments = await kaizen.getTaskContext({ scope: 'acme:payments', queries: ['coroutines', 'secrets git'] });
    const ids = fromPayments.results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([g.id, k.id, p.id]));
    expect(ids).not.toContain(w.id);
    expect(Object.keys(fromPayments.by_scope)[0]).toBe('acme:payments');

    const fromMobile = await kaizen.getTaskContext({ scope: 'acme:mobile', queries: ['coroutines'] });
    expect(fromMobile.results.map((r) => r.id)).toEqual([k.id]);
  });

  it('filters by task size: sized >= T and unsized qualify', async () => {
    await kaizen.createScope({ scope: 'acme:sizes', description: 'Task size checks' });
    const xs = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Tiny rule about linting.', context: 'sizing lint', task_size: 'XS' });
    const l = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Large rule about linting.', context: 'sizing lint', task_size: 'L' });
    const any = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Rule about linting for all.', context: 'sizing lint' });
    const out = await kaizen.getTaskContext({ scope: 'acme:sizes', queries: ['sizing lint'], task_size: 'M' });
    const ids = out.results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([l.id, any.id]));
    expect(ids).not.toContain(xs.id);
    const all = await kaizen.getTaskContext({ scope: 'acme:sizes', queries: ['sizing lint'] });
    expect(all.results).toHaveLength(3);
  });

  it('suppresses conflict losers and restores them when they win later', async () => {
    await kaizen.createScope({ scope: 'acme:conflicts', description: 'Conflict checks' });
    const a = await kaizen.writeKnowledge({ scope: 'acme:conflicts', content: 'Use tabs for indentation.', context: 'indentation style' });
    const b = await kaizen.writeKnowledge({ scope: 'acme:conflicts', content: 'Use two spaces for indentation.', context: 'indentation style' });
    await kaizen.resolveKnowledgeConflict({ active_id: b.id, suppressed_ids: [a.id] });
    let ids = (await kaizen.getTaskContext({ scope: 'acme:conflicts', queries: ['indentation'] })).results.map((r) => r.id);
    expect(ids).toEqual([b.id]);
    await kaizen.resolveKnowledgeConflict({ active_id: a.id, suppressed_ids: [b.id] });
    ids = (await kaizen.getTaskContext({ scope: 'acme:conflicts', queries: ['indentation'] })).results.map((r) => r.id);
    expect(ids).toEqual([a.id]);
    const missing = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: a.id, suppressed_ids: [b.id, 'nope123'] }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('"nope123"');
  });

  it('renames keep every entry and id', async () => {
    await kaizen.createNamespace({ name: 'renamer', description: 'Rename checks' });
    await kaizen.createScope({ scope: 'renamer:old', description: 'Old name' });
    const e = await kaizen.writeKnowledge({ scope: 'renamer:old', content: 'Renames keep entries.', context: 'rename persistence' });
    await kaizen.updateScope({ scope: 'renamer:old', new_scope: 'renamer:new' });
    await kaizen.updateNamespace({ name: 'renamer', new_name: 'renamed' });
    const out = await kaizen.getTaskContext({ scope: 'renamed:new', queries: ['rename persistence'] });
    expect(out.results.map((r) => [r.id, r.scope])).toEqual([[e.id, 'renamed:new']]);
  });

  it('protects global and default scopes', async () => {
    expect((await errorOf(kaizen.deleteNamespace({ name: 'global' }))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.updateNamespace({ name: 'global', new_name: 'world' }))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.deleteScope({ scope: 'acme:default' }))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.updateScope({ scope: 'acme:default', new_scope: 'acme:base' }))).code).toBe('PROTECTED');
  });

  it('delete_namespace counts the default scope and suppressed entries', async () => {
    await kaizen.createNamespace({ name: 'doomed', description: 'To be deleted' });
    await kaizen.createScope({ scope: 'doomed:alpha', description: 'A' });
    const x = await kaizen.writeKnowledge({ scope: 'doomed:alpha', content: 'x', context: 'x' });
    const y = await kaizen.writeKnowledge({ scope: 'doomed:default', content: 'y', context: 'y' });
    await kaizen.resolveKnowledgeConflict({ active_id: x.id, suppressed_ids: [y.id] });
    expect(await kaizen.deleteNamespace({ name: 'doomed' })).toEqual({ name: 'doomed', scopes_count: 2, knowledge_count: 2 });
    expect((await errorOf(kaizen.getNamespaces({ namespace: 'doomed' }))).code).toBe('NOT_FOUND');
  });

  it('rejects bad input naming the field, and changes nothing', async () => {
    const before = await store.stats();
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => kaizen.writeKnowledge({ scope: 'acme:nope', content: 'c', context: 'c' }), 'NOT_FOUND', 'acme:nope'],
      [() => kaizen.writeKnowledge({ scope: 'acme:mobile', content: '  ', context: 'c' }), 'INVALID_INPUT', 'content'],
      [() => kaizen.createNamespace({ name: 'Bad Name', description: 'x' }), 'INVALID_INPUT', 'name'],
      [() => kaizen.createScope({ scope: 'acme:extra', description: 'x', parents: ['acme:missing'] }), 'NOT_FOUND', 'parents'],
      [() => kaizen.updateKnowledge({ id: 'unknown1', content: 'x' }), 'NOT_FOUND', 'unknown1'],
      [() => kaizen.deleteKnowledge({ id: 'unknown1' }), 'NOT_FOUND', 'unknown1'],
      [() => kaizen.getTaskContext({ scope: 'acme:nope', queries: ['x'] }), 'NOT_FOUND', 'get_namespaces'],
      [() => kaizen.createNamespace({ name: 'acme', description: 'dup' }), 'ALREADY_EXISTS', 'acme'],
    ];
    for (const [promise, code, text] of cases) {
      const e = await errorOf(promise());
      expect(e.code).toBe(code);
      expect(e.message).toContain(text);
    }
    expect(await store.stats()).toEqual(before);
  });

  it('update_knowledge moves and clears task size; delete_scope counts entries', async () => {
    await kaizen.createScope({ scope: 'acme:temp', description: 'Temporary' });
    const e = await kaizen.writeKnowledge({ scope: 'acme:temp', content: 'Moving entry.', context: 'moving', task_size: 'L' });
    await kaizen.updateKnowledge({ id: e.id, task_size: null, scope: 'acme:web' });
    const rec = await store.getKnowledge(e.id);
    expect(rec).toMatchObject({ scope: 'acme:web', taskSize: null, content: 'Moving entry.' });
    await kaizen.writeKnowledge({ scope: 'acme:temp', content: 'Stays.', context: 'stays' });
    expect(await kaizen.deleteScope({ scope: 'acme:temp' })).toEqual({ scope: 'acme:temp', knowledge_deleted: 1 });
    expect(await store.getKnowledge(e.id)).not.toBeNull();
  });
});
