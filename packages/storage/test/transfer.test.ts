import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallContext, createKaizen, type KaizenChange, type KaizenService } from '@kaizen/core';
import { HINTS, describeError, isKaizenError, type Hint, type KaizenError, type TaskSize } from '@kaizen/domain';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { ctx } from './fixture.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../src/testing.js';
import { query } from '../src/sql-util.js';

async function* linesOf(text: string | string[]): AsyncGenerator<string> {
  for (const line of Array.isArray(text) ? text : text.split('\n')) yield line;
}

async function exportLines(kaizen: KaizenService, namespace?: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const record of kaizen.exportRecords(namespace ? { namespace } : {}, ctx)) lines.push(JSON.stringify(record));
  return lines;
}

async function importError(kaizen: KaizenService, lines: string[]): Promise<KaizenError> {
  try {
    await kaizen.importRecords({ lines: linesOf(lines), batchSize: 10 }, ctx);
  } catch (e) {
    if (isKaizenError(e)) return e;
    throw e;
  }
  throw new Error('expected the import to be refused');
}

const rec = (value: Record<string, unknown>) => JSON.stringify(value);

describe.each(testDatabaseKinds())('import / export on %s', (kind) => {
  const databases: TestDatabase[] = [];
  const stores: DrizzleKnowledgeStore[] = [];
  async function freshKaizen(): Promise<KaizenService> {
    const database = await createTestDatabase(kind);
    databases.push(database);
    const store = await openStore({ databaseUrl: database.url });
    stores.push(store);
    return createKaizen({ store });
  }
  let source: KaizenService;
  let exported: string[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    source = await freshKaizen();
    await source.updateNamespace({ name: 'global', description: 'Rules for every team at Acme and its partners.' }, ctx);
    await source.createNamespace({ name: 'acme', description: 'Acme Corp' }, ctx);
    await source.createNamespace({ name: 'shared', description: 'Shared libraries' }, ctx);
    await source.createScope({ scope: 'shared:kotlin', description: 'Kotlin guidance' }, ctx);
    await source.createScope({ scope: 'acme:mobile', description: 'Mobile apps', parents: ['shared:kotlin'] }, ctx);
    await source.createScope({ scope: 'acme:payments', description: 'Payments', parents: ['acme:mobile', 'global:default'] }, ctx);
    const write = async (key: string, scope: string, content: string, task_size?: TaskSize) => {
      ids[key] = (await source.writeKnowledge({ scope, content, context: `${key} terms`, task_size }, ctx)).id;
    };
    await write('global', 'global:default', 'Never commit secrets; use the vault.');
    await write('kotlin', 'shared:kotlin', 'Use structured concurrency with coroutines.', 'M');
    await write('retry-old', 'acme:payments', 'Retry payments three times.');
    await write('retry-new', 'acme:payments', 'Retry payments five times with backoff.', 'S');
    await write('loser', 'acme:mobile', 'Mobile builds use Gradle 7.');
    await write('winner-gone', 'acme:mobile', 'Mobile builds use Gradle 8.');
    for (let i = 0; i < 120; i++) await write(`bulk${i}`, i % 2 ? 'acme:mobile' : 'acme:default', `Bulk rule number ${i}.`, i % 3 ? undefined : 'XL');
    await source.resolveKnowledgeConflict({ active_id: ids['retry-new']!, suppressed_ids: [ids['retry-old']!] }, ctx);
    await source.resolveKnowledgeConflict({ active_id: ids['winner-gone']!, suppressed_ids: [ids['loser']!] }, ctx);
    await source.deleteKnowledge({ id: ids['winner-gone']! }, ctx); // the loser stays suppressed, with no winner
    exported = await exportLines(source);
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const database of databases) await database.drop();
  });

  it('exports records in type order, with explicit parents only', () => {
    const types = exported.map((l) => JSON.parse(l).type);
    expect(types.indexOf('scope')).toBeGreaterThan(types.lastIndexOf('namespace'));
    expect(types.indexOf('knowledge')).toBeGreaterThan(types.lastIndexOf('scope'));
    expect(types.indexOf('conflict')).toBeGreaterThan(types.lastIndexOf('knowledge'));
    expect(exported).toContain(rec({ type: 'scope', scope: 'acme:payments', description: 'Payments', parents: ['global:default', 'acme:mobile'] }));
    expect(exported).toContain(rec({ type: 'conflict', active_id: null, suppressed_ids: [ids['loser']] }));
    expect(types.filter((t) => t === 'knowledge')).toHaveLength(125);
  });

  it('export then import into an empty database reproduces every entry, id, parent and conflict', async () => {
    const target = await freshKaizen();
    const progress: number[] = [];
    const counts = await target.importRecords(
      { lines: linesOf([...exported, '']), batchSize: 50, onProgress: (c) => progress.push(c.knowledge) },
      ctx,
    );
    expect(counts).toEqual({ namespaces: 3, scopes: 6, knowledge: 125, conflicts: 2 });
    expect(progress).toContain(50);
    expect(await exportLines(target)).toEqual(exported);
    expect(await target.store.stats()).toEqual(await source.store.stats());
    const details = await target.getNamespaces({ style: 'details' }, ctx);
    expect(details).toEqual(await source.getNamespaces({ style: 'details' }, ctx));
    // Suppression survives: the old retry rule is not retrieved, the new one is.
    const found = await target.getTaskContext({ scope: 'acme:payments', queries: ['retry-old terms', 'retry-new terms'] }, ctx);
    expect(found.results.map((r) => r.id)).toContain(ids['retry-new']);
    expect(found.results.map((r) => r.id)).not.toContain(ids['retry-old']);
  });

  it('exports one namespace, and imports it next to what it references', async () => {
    const lines = await exportLines(source, 'acme');
    expect(lines[0]).toBe(rec({ type: 'namespace', name: 'acme', description: 'Acme Corp' }));
    expect(lines.some((l) => l.includes('"shared:kotlin"') && l.includes('"type":"knowledge"'))).toBe(false);
    const target = await freshKaizen();
    const refused = await importError(target, lines);
    expect(refused.message).toMatch(/^line \d+: parents: scope "shared:kotlin" is neither in the file nor in the database/);
    await target.importRecords({ lines: linesOf(await exportLines(source, 'shared')) }, ctx);
    await target.importRecords({ lines: linesOf(lines) }, ctx);
    expect(await exportLines(target, 'acme')).toEqual(lines);
  });

  it('generates ids when absent and merges into existing namespaces and scopes', async () => {
    const target = await freshKaizen();
    await target.createNamespace({ name: 'acme', description: 'Old description' }, ctx);
    await target.createNamespace({ name: 'beta', description: 'Beta' }, ctx);
    const changes: KaizenChange[] = [];
    target.changes.subscribe((c) => changes.push(c));
    const counts = await target.importRecords(
      {
        lines: linesOf([
          rec({ type: 'namespace', name: 'acme', description: 'New description' }),
          rec({ type: 'scope', scope: 'acme:web', description: 'Web shop' }),
          rec({ type: 'knowledge', scope: 'acme:web', content: 'Use server components.', context: 'react next.js', task_size: 'S' }),
          rec({ type: 'knowledge', scope: 'beta:default', content: 'Beta entry.', context: 'beta' }),
        ]),
      },
      ctx,
    );
    expect(counts.knowledge).toBe(2);
    // Subscribers hear of every namespace the import wrote into.
    expect(changes).toEqual([{ kind: 'namespace', namespaces: ['acme', 'beta'], listChanged: true }]);
    const ns = await target.getNamespaces({ namespace: 'acme', style: 'details' }, ctx);
    expect(ns.namespaces.acme).toEqual({
      description: 'New description',
      scopes: {
        default: { description: 'Knowledge that applies to all of acme.', parents: ['global:default'] },
        web: { description: 'Web shop', parents: ['acme:default'] },
      },
    });
    const [entry] = (await exportLines(target)).filter((l) => l.includes('"knowledge"')).map((l) => JSON.parse(l));
    expect(entry.id).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('rebuilds the full-text indexes of a large import, and restores them when it is refused', async () => {
    const target = await freshKaizen();
    const names = async () =>
      (
        await query<{ indexname: string }>(
          (target.store as DrizzleKnowledgeStore).db,
          sql`SELECT indexname FROM pg_indexes WHERE tablename = 'knowledge' AND indexdef LIKE '%USING gin%' ORDER BY indexname`,
        )
      ).map((r) => r.indexname);
    const indexesBefore = await names();
    expect(indexesBefore.length).toBeGreaterThan(0);
    const lines = [
      rec({ type: 'namespace', name: 'acme', description: 'Acme' }),
      rec({ type: 'scope', scope: 'acme:web', description: 'Web' }),
      ...Array.from({ length: 2500 }, (_, i) =>
        rec({ type: 'knowledge', scope: 'acme:web', content: `Rule ${i} for kubernetes probes.`, context: `kubernetes probe ${i}` }),
      ),
    ];
    const refused = await importError(target, [...lines, rec({ type: 'knowledge', scope: 'acme:web', content: 'x', context: '' })]);
    expect(refused.message).toMatch(/^line 2503: context: /);
    expect(await names()).toEqual(indexesBefore);
    expect((await target.store.stats()).knowledge).toBe(0);

    await target.importRecords({ lines: linesOf(lines) }, ctx);
    expect(await names()).toEqual(indexesBefore);
    const found = await target.getTaskContext({ scope: 'acme:web', queries: ['kubernetes probes'], limit: 50 }, ctx);
    expect(found.results).toHaveLength(50);
  });

  describe('cancellation', () => {
    const aborting = () => {
      const controller = new AbortController();
      return { controller, ctx: createCallContext({ signal: controller.signal }) };
    };

    it('an export aborted mid-way stops the generator with CANCELLED', async () => {
      const { controller, ctx: cancellable } = aborting();
      const exporting = source.exportRecords({}, cancellable);
      const seen: unknown[] = [];
      for (let i = 0; i < 20; i++) seen.push((await exporting.next()).value);
      controller.abort(); // among the entries: the 3 namespaces and 6 scopes came first
      await expect(exporting.next()).rejects.toMatchObject({ code: 'CANCELLED', message: 'export was cancelled.' });
      expect(await exporting.next()).toEqual({ done: true, value: undefined });
      expect(seen).toEqual(exported.slice(0, 20).map((l) => JSON.parse(l)));
      // Its snapshot was released: the source answers as before.
      expect((await source.store.stats()).knowledge).toBe(125);
    });

    it('an import aborted between batches leaves the database unchanged', async () => {
      const target = await freshKaizen();
      await target.createNamespace({ name: 'kept', description: 'Before the import' }, ctx);
      const before = await exportLines(target);
      const { controller, ctx: cancellable } = aborting();
      const written: number[] = [];
      const onProgress = (c: { knowledge: number }) => {
        written.push(c.knowledge);
        if (c.knowledge >= 40) controller.abort();
      };
      const error = await target.importRecords({ lines: linesOf(exported), batchSize: 20, onProgress }, cancellable).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CANCELLED', message: 'import was cancelled.\nNothing was imported.' });
      expect(written).toContain(40); // two batches of entries had been written when it was aborted
      expect(await exportLines(target)).toEqual(before);
      expect((await target.store.stats()).knowledge).toBe(0);
    });

    it('an import aborted during its last batch rolls back too', async () => {
      const target = await freshKaizen();
      const { controller, ctx: cancellable } = aborting();
      const onProgress = (c: { conflicts: number }) => {
        if (c.conflicts > 0) controller.abort(); // the last batch (the suppressions) is written, not committed
      };
      const error = await target.importRecords({ lines: linesOf(exported), onProgress }, cancellable).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CANCELLED' });
      expect(await target.store.stats()).toEqual({ namespaces: 1, scopes: 1, knowledge: 0, suppressed: 0 });
    });

    it('an error of the caller\'s lines comes out as it is, and rolls back', async () => {
      const target = await freshKaizen();
      const broken = new Error('the disk went away');
      async function* lines() {
        yield* exported.slice(0, 50);
        throw broken;
      }
      await expect(target.importRecords({ lines: lines(), batchSize: 10 }, ctx)).rejects.toBe(broken);
      expect((await target.store.stats()).knowledge).toBe(0);
    });
  });

  describe('refuses a bad file with the line number and changes nothing', () => {
    // The target holds everything but the "held" entries; a defect-free file of those would import.
    const held = (l: string) => l.includes('Bulk rule number 1');
    let target: KaizenService;
    let before: string[];
    let fresh: string[];
    beforeAll(async () => {
      target = await freshKaizen();
      await target.importRecords({ lines: linesOf(exported.filter((l) => !held(l))) }, ctx);
      before = await exportLines(target);
      fresh = exported.filter((l) => !l.includes('"type":"knowledge"') ? !l.includes('"type":"conflict"') : held(l));
    });

    const afterNamespaces = (lines: string[], line: string) => [...lines.slice(0, 3), line, ...lines.slice(3)];
    const cases: [string, (lines: string[]) => string[], RegExp, string?][] = [
      [
        'a bad field after batches were written',
        (lines) => [...lines.slice(0, -3), rec({ type: 'knowledge', scope: 'acme:web', content: '', context: 'x' }), ...lines.slice(-3)],
        /^line \d+: content: content is empty/,
      ],
      ['invalid JSON', (lines) => [lines[0]!, '{"type": "namespace",', ...lines.slice(1)], /^line 2: not valid JSON/],
      ['an unknown field', (lines) => [rec({ type: 'namespace', name: 'x1', description: 'd', descr: 'd' }), ...lines], /^line 1: descr: unknown field "descr"/],
      ['records out of order', (lines) => [...lines, rec({ type: 'namespace', name: 'late', description: 'd' })], /namespace, scope, knowledge, conflict/],
      [
        'an unknown scope',
        (lines) => lines.map((l) => l.replace('"scope":"acme:mobile","content"', '"scope":"acme:nowhere","content"')),
        /^line \d+: scope: scope "acme:nowhere" is neither in the file nor in the database\./,
        'unknown_scope',
      ],
      [
        'a scope of an unknown namespace',
        (lines) => afterNamespaces(lines, rec({ type: 'scope', scope: 'ghost:web', description: 'Ghost' })),
        /^line 4: scope: namespace "ghost" is neither in the file nor in the database\./,
        'namespace_needed',
      ],
      [
        'an id already in the database',
        (lines) => [...lines, exported.find((l) => l.includes('Never commit secrets'))!],
        /^line \d+: id: an entry with id "\w+" already exists in the database/,
        'already_exists',
      ],
      [
        'an unknown conflict id',
        (lines) => [...lines, rec({ type: 'conflict', active_id: 'nope', suppressed_ids: [ids['bulk3']!] })],
        /active_id: no entry has id "nope"/,
        'unknown_id',
      ],
      [
        'a cycle',
        (lines) =>
          lines.map((l) =>
            l.includes('"scope":"shared:kotlin","description"')
              ? rec({ type: 'scope', scope: 'shared:kotlin', description: 'Kotlin', parents: ['acme:payments'] })
              : l,
          ),
        /^line \d+: parents: they make a cycle \((\S+) -> .*shared:kotlin.* -> \1\)/,
        'cycle',
      ],
      [
        'a default scope with parents',
        (lines) => afterNamespaces(lines, rec({ type: 'scope', scope: 'acme:default', description: 'Acme', parents: ['shared:kotlin'] })),
        /^line 4: parents: "acme:default" is a default scope/,
      ],
      [
        'a duplicate id',
        (lines) => [...lines, lines[lines.length - 1]!],
        /^line \d+: id: "\w+" appears twice in the file/,
      ],
    ];
    it.each(cases)('%s', async (_name, mutate, message, hint) => {
      const error = await importError(target, mutate(fresh));
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/Nothing was imported\.$/);
      expect(error.details?.hint).toBe(hint);
      if (hint) expect(describeError(error, 'cli')).toBe(`${error.message} ${HINTS[hint as Hint].cli}`);
      expect(await exportLines(target)).toEqual(before);
    });

    it('imports the same file without the defect', async () => {
      const counts = await target.importRecords({ lines: linesOf(fresh) }, ctx);
      expect(counts.knowledge).toBe(31);
      expect(await exportLines(target)).toEqual(exported.filter((l) => !l.includes('"type":"conflict"')).concat(before.filter((l) => l.includes('"type":"conflict"'))));
    });

    it('reports several bad lines at once', async () => {
      const error = await importError(target, [rec({ type: 'namespace', name: 'X' }), 'nope', rec({ type: 'scope' })]);
      expect(error.message.split('\n').slice(0, 3).map((l) => l.split(':')[0])).toEqual(['line 1', 'line 2', 'line 3']);
    });
  });
});
