import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallContext, type KaizenService } from '@kaizen/core';
import { isKaizenError } from '@kaizen/domain';
import type { DrizzleKnowledgeStore } from '../src/index.js';
import { testDatabaseKinds } from '../src/testing.js';
import { ctx, openTestKaizen, type TestKaizen } from './fixture.js';

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
    await kaizen.createNamespace({ name: 'acme', description: 'Acme Corp' }, ctx);
    await kaizen.createNamespace({ name: 'shared', description: 'Shared libraries' }, ctx);
    await kaizen.createScope({ scope: 'shared:kotlin', description: 'Kotlin guidance' }, ctx);
    await kaizen.createScope({ scope: 'acme:mobile', description: 'Mobile apps', parents: ['shared:kotlin'] }, ctx);
    await kaizen.createScope({ scope: 'acme:payments', description: 'Payments', parents: ['acme:mobile'] }, ctx);
    await kaizen.createScope({ scope: 'acme:web', description: 'Web shop' }, ctx);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('migrations are idempotent and global:default exists', async () => {
    await store.migrate();
    const out = await kaizen.getNamespaces({ style: 'details' }, ctx);
    expect(out.namespaces.global?.scopes?.default).toBeDefined();
    expect(Object.keys(out.namespaces)).toEqual(['global', 'acme', 'shared']);
  });

  it('gives every scope its namespace default as a parent, and lists parents across namespaces', async () => {
    const out = await kaizen.getNamespaces({ namespace: 'acme', style: 'details' }, ctx);
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
    const e = await errorOf(kaizen.updateScope({ scope: 'acme:mobile', parents: ['acme:payments'] }, ctx));
    expect(e.code).toBe('CYCLE');
    expect(e.details).toMatchObject({ field: 'parents', hint: 'cycle' });
    expect(e.message).toContain('acme:mobile -> acme:payments -> acme:mobile');
    const after = await store.getScope('acme:mobile');
    expect(after?.parents).toEqual(['acme:default', 'shared:kotlin']);
    expect((await errorOf(kaizen.updateScope({ scope: 'acme:web', parents: ['acme:web'] }, ctx))).code).toBe('CYCLE');
  });

  it('retrieves through ancestors only, never children or siblings', async () => {
    const g = await kaizen.writeKnowledge({ scope: 'global:default', content: 'Never commit secrets to git repositories.', context: 'secrets git credentials security' }, ctx);
    const k = await kaizen.writeKnowledge({ scope: 'shared:kotlin', content: 'Use structured concurrency with coroutine scopes.', context: 'kotlin coroutines concurrency' }, ctx);
    const p = await kaizen.writeKnowledge({ scope: 'acme:payments', content: 'Retry card payments with idempotency keys.', context: 'payments retries idempotency coroutines' }, ctx);
    const w = await kaizen.writeKnowledge({ scope: 'acme:web', content: 'Web checkout uses coroutines too (sibling).', context: 'coroutines checkout web secrets' }, ctx);

    const fromPayments = await kaizen.getTaskContext({ scope: 'acme:payments', queries: ['coroutines', 'secrets git'] }, ctx);
    const ids = fromPayments.results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([g.id, k.id, p.id]));
    expect(ids).not.toContain(w.id);
    expect(Object.keys(fromPayments.by_scope)[0]).toBe('acme:payments');

    const fromMobile = await kaizen.getTaskContext({ scope: 'acme:mobile', queries: ['coroutines'] }, ctx);
    expect(fromMobile.results.map((r) => r.id)).toEqual([k.id]);
  });

  it('a search stops before its statements once the caller has cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const request = { scope: 'acme:payments', queries: ['coroutines'], limit: 5, signal: controller.signal };
    await expect(store.search(request)).rejects.toMatchObject({ code: 'CANCELLED', message: 'search was cancelled.' });
    const cancelled = createCallContext({ signal: controller.signal });
    await expect(kaizen.getTaskContext({ scope: 'acme:payments', queries: ['coroutines'] }, cancelled)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await store.search({ ...request, signal: new AbortController().signal })).length).toBeGreaterThan(0);
  });

  it('filters by task size: sized >= T and unsized qualify', async () => {
    await kaizen.createScope({ scope: 'acme:sizes', description: 'Task size checks' }, ctx);
    const xs = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Tiny rule about linting.', context: 'sizing lint', task_size: 'XS' }, ctx);
    const l = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Large rule about linting.', context: 'sizing lint', task_size: 'L' }, ctx);
    const any = await kaizen.writeKnowledge({ scope: 'acme:sizes', content: 'Rule about linting for all.', context: 'sizing lint' }, ctx);
    const out = await kaizen.getTaskContext({ scope: 'acme:sizes', queries: ['sizing lint'], task_size: 'M' }, ctx);
    const ids = out.results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([l.id, any.id]));
    expect(ids).not.toContain(xs.id);
    const all = await kaizen.getTaskContext({ scope: 'acme:sizes', queries: ['sizing lint'] }, ctx);
    expect(all.results).toHaveLength(3);
  });

  it('suppresses conflict losers and restores them when they win later', async () => {
    await kaizen.createScope({ scope: 'acme:conflicts', description: 'Conflict checks' }, ctx);
    const a = await kaizen.writeKnowledge({ scope: 'acme:conflicts', content: 'Use tabs for indentation.', context: 'indentation style' }, ctx);
    const b = await kaizen.writeKnowledge({ scope: 'acme:conflicts', content: 'Use two spaces for indentation.', context: 'indentation style' }, ctx);
    await kaizen.resolveKnowledgeConflict({ active_id: b.id, suppressed_ids: [a.id] }, ctx);
    let ids = (await kaizen.getTaskContext({ scope: 'acme:conflicts', queries: ['indentation'] }, ctx)).results.map((r) => r.id);
    expect(ids).toEqual([b.id]);
    await kaizen.resolveKnowledgeConflict({ active_id: a.id, suppressed_ids: [b.id] }, ctx);
    ids = (await kaizen.getTaskContext({ scope: 'acme:conflicts', queries: ['indentation'] }, ctx)).results.map((r) => r.id);
    expect(ids).toEqual([a.id]);
    const missing = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: a.id, suppressed_ids: [b.id, 'nope123'] }, ctx));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('"nope123"');
  });

  it('renames keep every entry and id', async () => {
    await kaizen.createNamespace({ name: 'renamer', description: 'Rename checks' }, ctx);
    await kaizen.createScope({ scope: 'renamer:old', description: 'Old name' }, ctx);
    const e = await kaizen.writeKnowledge({ scope: 'renamer:old', content: 'Renames keep entries.', context: 'rename persistence' }, ctx);
    await kaizen.updateScope({ scope: 'renamer:old', new_scope: 'renamer:new' }, ctx);
    await kaizen.updateNamespace({ name: 'renamer', new_name: 'renamed' }, ctx);
    const out = await kaizen.getTaskContext({ scope: 'renamed:new', queries: ['rename persistence'] }, ctx);
    expect(out.results.map((r) => [r.id, r.scope])).toEqual([[e.id, 'renamed:new']]);
  });

  it('protects global and default scopes', async () => {
    expect((await errorOf(kaizen.deleteNamespace({ name: 'global' }, ctx))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.updateNamespace({ name: 'global', new_name: 'world' }, ctx))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.deleteScope({ scope: 'acme:default' }, ctx))).code).toBe('PROTECTED');
    expect((await errorOf(kaizen.updateScope({ scope: 'acme:default', new_scope: 'acme:base' }, ctx))).code).toBe('PROTECTED');
  });

  it('delete_namespace counts the default scope and suppressed entries', async () => {
    await kaizen.createNamespace({ name: 'doomed', description: 'To be deleted' }, ctx);
    await kaizen.createScope({ scope: 'doomed:alpha', description: 'A' }, ctx);
    const x = await kaizen.writeKnowledge({ scope: 'doomed:alpha', content: 'x', context: 'x' }, ctx);
    const y = await kaizen.writeKnowledge({ scope: 'doomed:default', content: 'y', context: 'y' }, ctx);
    await kaizen.resolveKnowledgeConflict({ active_id: x.id, suppressed_ids: [y.id] }, ctx);
    expect(await kaizen.deleteNamespace({ name: 'doomed' }, ctx)).toEqual({ name: 'doomed', scopes_count: 2, knowledge_count: 2 });
    expect((await errorOf(kaizen.getNamespaces({ namespace: 'doomed' }, ctx))).code).toBe('NOT_FOUND');
  });

  it('rejects bad input naming the field, and changes nothing', async () => {
    const before = await store.stats();
    const cases: [() => Promise<unknown>, string, string, string | undefined][] = [
      [() => kaizen.writeKnowledge({ scope: 'acme:nope', content: 'c', context: 'c' }, ctx), 'NOT_FOUND', 'scope: scope "acme:nope" does not exist.', 'unknown_scope'],
      [() => kaizen.writeKnowledge({ scope: 'acme:mobile', content: '  ', context: 'c' }, ctx), 'INVALID_INPUT', 'content', undefined],
      [() => kaizen.writeKnowledge({ scope: 'acme:mobile', content: 'a\u0000b', context: 'c' }, ctx), 'INVALID_INPUT', 'content: contains a NUL', undefined],
      [() => kaizen.createNamespace({ name: 'Bad Name', description: 'x' }, ctx), 'INVALID_INPUT', 'name', undefined],
      [() => kaizen.createScope({ scope: 'acme:extra', description: 'x', parents: ['acme:missing'] }, ctx), 'NOT_FOUND', 'parents: scope "acme:missing" does not exist.', 'unknown_scope'],
      [() => kaizen.createScope({ scope: 'nowhere:extra', description: 'x' }, ctx), 'NOT_FOUND', 'scope: namespace "nowhere" does not exist.', 'namespace_needed'],
      [() => kaizen.createScope({ scope: 'acme:mobile', description: 'x' }, ctx), 'ALREADY_EXISTS', 'scope: scope "acme:mobile" already exists.', 'already_exists'],
      [() => kaizen.updateKnowledge({ id: 'unknown1', content: 'x' }, ctx), 'NOT_FOUND', 'id: no knowledge entry has id "unknown1".', 'unknown_id'],
      [() => kaizen.deleteKnowledge({ id: 'unknown1' }, ctx), 'NOT_FOUND', 'unknown1', 'unknown_id'],
      [() => kaizen.getTaskContext({ scope: 'acme:nope', queries: ['x'] }, ctx), 'NOT_FOUND', 'scope: scope "acme:nope" does not exist.', 'unknown_scope'],
      [() => kaizen.getNamespaces({ namespace: 'nope' }, ctx), 'NOT_FOUND', 'namespace: namespace "nope" does not exist.', 'unknown_namespace'],
      [() => kaizen.updateNamespace({ name: 'nope', description: 'x' }, ctx), 'NOT_FOUND', 'name: namespace "nope" does not exist.', 'unknown_namespace'],
      [() => kaizen.createNamespace({ name: 'acme', description: 'dup' }, ctx), 'ALREADY_EXISTS', 'name: namespace "acme" already exists.', 'already_exists'],
    ];
    for (const [promise, code, text, hint] of cases) {
      const e = await errorOf(promise());
      expect(e.code).toBe(code);
      expect(e.message).toContain(text);
      expect(e.details?.hint).toBe(hint);
      // The store and the core name no tool: the surface adds its next step (describeError).
      expect(e.message).not.toMatch(/get_namespaces|create_scope|create_namespace|write_knowledge|get_task_context|kaizen:\/\//);
    }
    expect(await store.stats()).toEqual(before);
  });

  it('update_knowledge moves and clears task size; delete_scope counts entries', async () => {
    await kaizen.createScope({ scope: 'acme:temp', description: 'Temporary' }, ctx);
    const e = await kaizen.writeKnowledge({ scope: 'acme:temp', content: 'Moving entry.', context: 'moving', task_size: 'L' }, ctx);
    await kaizen.updateKnowledge({ id: e.id, task_size: null, scope: 'acme:web' }, ctx);
    const rec = await store.getKnowledge(e.id);
    expect(rec).toMatchObject({ scope: 'acme:web', taskSize: null, content: 'Moving entry.' });
    await kaizen.writeKnowledge({ scope: 'acme:temp', content: 'Stays.', context: 'stays' }, ctx);
    expect(await kaizen.deleteScope({ scope: 'acme:temp' }, ctx)).toEqual({ scope: 'acme:temp', knowledge_deleted: 1 });
    expect(await store.getKnowledge(e.id)).not.toBeNull();
  });
});
