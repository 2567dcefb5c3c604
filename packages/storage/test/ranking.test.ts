import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KaizenService } from '@kaizen/core';
import type { DrizzleKnowledgeStore } from '../src/index.js';
import { testDatabaseKinds } from '../src/testing.js';
import { ctx, openTestKaizen, type TestKaizen } from './fixture.js';

/** Ranking behaviours of get_task_context on a small corpus: what is found, in which order, and what is not. */
describe.each(testDatabaseKinds())('ranking on %s', (kind) => {
  let fixture: TestKaizen | undefined;
  let store: DrizzleKnowledgeStore;
  let kaizen: KaizenService;
  /** Test names of the entries, by the ids the store gave them. */
  const names = new Map<string, string>();
  const idOf = (name: string) => [...names].find(([, n]) => n === name)![0];
  const ids = async (scope: string, queries: string[], taskSize?: 'XS' | 'S' | 'M' | 'L' | 'XL') =>
    (await kaizen.getTaskContext({ scope, queries, task_size: taskSize }, ctx)).results.map((r) => names.get(r.id) ?? r.id);
  const write = async (name: string, scope: string, context: string, content: string, task_size?: 'XS' | 'L') => {
    const { id } = await kaizen.writeKnowledge({ scope, context, content, task_size }, ctx);
    names.set(id, name);
  };

  beforeAll(async () => {
    fixture = await openTestKaizen(kind);
    ({ store, kaizen } = fixture);
    await kaizen.createNamespace({ name: 'acme', description: 'Acme' }, ctx);
    await kaizen.createScope({ scope: 'acme:platform', description: 'Backend platform' }, ctx);
    await kaizen.createScope({ scope: 'acme:payments', description: 'Payments', parents: ['acme:platform'] }, ctx);
    await write('global-retries', 'global:default', 'http retries backoff', 'Retry idempotent HTTP calls with exponential backoff.');
    await write('payments-retries', 'acme:payments', 'http retries backoff', 'Retry idempotent HTTP calls with exponential backoff.');
    await write('webhooks', 'acme:payments', 'stripe webhooks signature', 'Verify the Stripe-Signature header of every webhook.');
    await write('refunds', 'acme:payments', 'refunds ledger', 'Refunds are ledger entries referencing the original charge.');
    await write('refund-webhook', 'acme:payments', 'refund webhook events', 'Refund webhook events arrive twice; store their id and skip duplicates.');
    await write('kubernetes', 'acme:platform', 'kubernetes helm chart deployments', 'Deploy with the shared Helm chart.');
    await write('node', 'acme:default', 'node.js runtime version', 'Services run on Node 20 LTS.');
    await write('indexes', 'acme:platform', 'database indexes', 'Add an index for every new query pattern on a large table.');
    await write('design-doc', 'acme:default', 'design document large features', 'Write a design document before large work.', 'L');
    await write('typo-ticket', 'acme:default', 'typo fixes tickets', 'Typo fixes need no ticket.', 'XS');
    await write('money', 'acme:payments', 'money amounts minor units', 'Store money as integer minor units.');
    await write('money-old', 'acme:payments', 'money amounts decimal', 'Store money as DECIMAL(10,2).');
    await kaizen.resolveKnowledgeConflict({ active_id: idOf('money'), suppressed_ids: [idOf('money-old')] }, ctx);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('matches entries that share only some of the words of a query', async () => {
    // "signature" and "rotation" are not both anywhere: a strict AND would find nothing.
    expect(await ids('acme:payments', ['webhook signature rotation'])).toContain('webhooks');
  });

  it('ranks the own scope above global for the same text, and reports relevance in 0..1', async () => {
    const out = await kaizen.getTaskContext({ scope: 'acme:payments', queries: ['http retries'] }, ctx);
    const order = out.results.map((r) => names.get(r.id));
    expect(order.indexOf('payments-retries')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('payments-retries')).toBeLessThan(order.indexOf('global-retries'));
    for (const r of out.results) {
      expect(r.relevance).toBeGreaterThan(0);
      expect(r.relevance).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(out.by_scope)[0]).toBe('acme:payments');
  });

  it('rewards an entry matched by several queries of the task', async () => {
    const order = await ids('acme:payments', ['refund ledger', 'webhook events']);
    expect(order[0]).toBe('refund-webhook');
    expect(order).toEqual(expect.arrayContaining(['refunds', 'webhooks']));
  });

  it('tolerates small typos and spelling variants', async () => {
    expect(await ids('acme:payments', ['kubernets deploymnt'])).toContain('kubernetes');
    expect(await ids('acme:payments', ['nodejs version'])).toContain('node');
    expect(await ids('acme:payments', ['node js runtime'])).toContain('node');
    expect(await ids('acme:payments', ['index'])).toContain('indexes');
  });

  it('returns nothing when no entry is relevant', async () => {
    expect(await ids('acme:payments', ['sourdough bread recipe', 'weather forecast'])).toEqual([]);
    expect(await ids('acme:payments', ['the and of'])).toEqual([]);
  });

  it('never returns suppressed entries', async () => {
    const order = await ids('acme:payments', ['money amounts decimal']);
    expect(order).toContain('money');
    expect(order).not.toContain('money-old');
  });

  it('filters by task size', async () => {
    // An entry sized T qualifies for tasks of size T and smaller; unsized entries for every task.
    const queries = ['design document', 'typo fixes'];
    expect((await ids('acme:payments', queries, 'XS')).sort()).toEqual(['design-doc', 'typo-ticket']);
    expect(await ids('acme:payments', queries, 'L')).toEqual(['design-doc']);
    expect(await ids('acme:payments', queries, 'XL')).toEqual([]);
  });

  it('takes quotes, backslashes and tsquery operators in queries and entries as plain words', async () => {
    await write('odd', 'acme:platform', "o'reilly \\\\share's path", "Use O'Reilly's \\\\share\\path & (never) !this | that:A.");
    expect(await ids('acme:platform', ["o'reilly's share", "that:A | (never) & !this"])).toContain('odd');
    expect(await ids('acme:platform', ["'", '\\\\', '&|!():*'])).toEqual([]);
  });

  it('orders entries of equal relevance by id, the same way every time', async () => {
    for (const twin of ['twin-1', 'twin-2', 'twin-3']) {
      await write(twin, 'acme:platform', 'cache warming schedule', 'Warm the cache before the morning peak.');
    }
    const twins = async () =>
      (await kaizen.getTaskContext({ scope: 'acme:payments', queries: ['cache warming', 'warming schedule'] }, ctx)).results.filter((r) =>
        names.get(r.id)?.startsWith('twin-'),
      );
    const first = await twins();
    expect(first).toHaveLength(3);
    expect(new Set(first.map((r) => r.relevance)).size).toBe(1);
    expect(first.map((r) => r.id)).toEqual(first.map((r) => r.id).sort());
    expect((await twins()).map((r) => r.id)).toEqual(first.map((r) => r.id));
  });

  it('keeps the term statistics exact through updates and deletes', async () => {
    const df = async (term: string) => {
      const rows = (await store.db.execute(`SELECT df FROM knowledge_terms WHERE term = '${term}'`)) as unknown;
      const list = Array.isArray(rows) ? rows : (rows as { rows: { df: number }[] }).rows;
      return Number(list[0]?.df ?? 0);
    };
    const before = await df('zebra');
    await write('zebra', 'acme:platform', 'zebra crossing', 'A zebra.');
    expect(await df('zebra')).toBe(before + 1);
    await kaizen.updateKnowledge({ id: idOf('zebra'), context: 'pedestrian crossing', content: 'A crossing.' }, ctx);
    expect(await df('zebra')).toBe(before);
    expect(await df('pedestrian')).toBe(1);
    await kaizen.deleteKnowledge({ id: idOf('zebra') }, ctx);
    expect(await df('pedestrian')).toBe(0);
    const stats = await store.stats();
    const entries = (await store.db.execute('SELECT entries FROM knowledge_stats')) as unknown;
    const row = (Array.isArray(entries) ? entries : (entries as { rows: { entries: number }[] }).rows)[0];
    expect(Number(row?.entries)).toBe(stats.knowledge);
  });
});
