import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKaizen, type KaizenChange, type KaizenService } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { ctx } from './fixture.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

/**
 * Two servers on one PostgreSQL database (as behind a load balancer): writes that meet on the shared
 * term statistics wait for each other instead of deadlocking. PGlite has a single connection, so this
 * runs on PostgreSQL only.
 */
describe.skipIf(!process.env.KAIZEN_TEST_DATABASE_URL)('concurrent writers on postgres', () => {
  let database: TestDatabase;
  const stores: DrizzleKnowledgeStore[] = [];
  let importer: KaizenService;
  let writer: KaizenService;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    for (let i = 0; i < 2; i++) stores.push(await openStore({ databaseUrl: database.url }));
    importer = createKaizen({ store: stores[0]! });
    writer = createKaizen({ store: stores[1]! });
    await importer.createNamespace({ name: 'acme', description: 'Acme' }, ctx);
    await importer.createScope({ scope: 'acme:other', description: 'Another project' }, ctx);
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await database?.drop();
  });

  it('a write during an import waits for it and both succeed, whatever terms they share', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstBatchSent!: () => void;
    const firstBatch = new Promise<void>((resolve) => (firstBatchSent = resolve));
    const knowledge = (id: string, context: string) =>
      JSON.stringify({ type: 'knowledge', id, scope: 'acme:default', context, content: `${context} content.` });
    async function* lines(): AsyncGenerator<string> {
      yield knowledge('imported-zeta', 'zeta zulu');
      yield knowledge('imported-zeta-2', 'zeta yankee');
      // This line completes the first batch, which is written before the next line is asked for.
      yield knowledge('imported-alpha', 'alpha zulu');
      firstBatchSent();
      await released;
      // The second batch needs the statistics row of "alpha", which the concurrent write also touches.
      yield knowledge('imported-omega', 'omega zulu');
    }
    const imported = importer.importRecords({ lines: lines(), batchSize: 2 }, ctx);
    await firstBatch;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first batch is written
    const written = writer.writeKnowledge({ scope: 'acme:other', context: 'alpha bravo', content: 'Alpha content.' }, ctx);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the write is waiting on the import
    release();
    const [importResult, writeResult] = await Promise.allSettled([imported, written]);
    expect(importResult).toMatchObject({ status: 'fulfilled', value: { knowledge: 4 } });
    expect(writeResult).toMatchObject({ status: 'fulfilled' });
    const found = await writer.getTaskContext({ scope: 'acme:other', queries: ['alpha'] }, ctx);
    expect(found.results).toHaveLength(2);
    expect((await stores[1]!.stats()).knowledge).toBe(5);
  });

  it('an export sees one snapshot: entries, deletions and suppressions made meanwhile are all left out', async () => {
    await writer.createNamespace({ name: 'snap', description: 'Snapshot' }, ctx);
    const kept = await writer.writeKnowledge({ scope: 'snap:default', context: 'kept entry', content: 'Kept.' }, ctx);
    const deleted = await writer.writeKnowledge({ scope: 'snap:default', context: 'deleted entry', content: 'Deleted.' }, ctx);
    const exporting = importer.exportRecords({ namespace: 'snap' }, ctx);
    const records: Record<string, unknown>[] = [];
    const first = await exporting.next();
    records.push(first.value as Record<string, unknown>);

    // Another server writes while the export is under way.
    const added = await writer.writeKnowledge({ scope: 'snap:default', context: 'added entry', content: 'Added.' }, ctx);
    await writer.resolveKnowledgeConflict({ active_id: added.id, suppressed_ids: [kept.id] }, ctx);
    await writer.deleteKnowledge({ id: deleted.id }, ctx);

    for await (const record of exporting) records.push(record as unknown as Record<string, unknown>);
    const ids = (list: Record<string, unknown>[]) => list.filter((r) => r.type === 'knowledge').map((r) => r.id);
    expect(ids(records).sort()).toEqual([kept.id, deleted.id].sort());
    expect(records.filter((r) => r.type === 'conflict')).toEqual([]);

    const after: Record<string, unknown>[] = [];
    for await (const record of importer.exportRecords({ namespace: 'snap' }, ctx)) after.push(record as unknown as Record<string, unknown>);
    expect(ids(after).sort()).toEqual([kept.id, added.id].sort());
    expect(after.filter((r) => r.type === 'conflict')).toEqual([{ type: 'conflict', active_id: added.id, suppressed_ids: [kept.id] }]);
  });

  it('an abandoned export gives its connection back', async () => {
    for (let i = 0; i < 15; i++) {
      const exporting = importer.exportRecords({}, ctx);
      await exporting.next();
      await exporting.return(undefined);
    }
    // The pool has 10 connections: had the snapshots leaked, this would wait forever.
    expect((await stores[0]!.stats()).namespaces).toBeGreaterThan(0);
  });

  it('relays committed changes to the other server, not back to the one that made them', async () => {
    const heardByWriter: KaizenChange[] = [];
    const heardByImporter: KaizenChange[] = [];
    const stops = [
      await stores[1]!.relay!.subscribe((c) => heardByWriter.push(c)),
      await stores[0]!.relay!.subscribe((c) => heardByImporter.push(c)),
    ];
    try {
      // The importer's service publishes through its relay (as the runtime wires it).
      const relayed = createKaizen({ store: stores[0]!, relay: stores[0]!.relay });
      await relayed.createNamespace({ name: 'relayed', description: 'Relayed' }, ctx);
      await expect.poll(() => heardByWriter.length, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(heardByWriter).toContainEqual({ kind: 'namespace', namespaces: ['relayed'], listChanged: true });
      // Notifications arrive in commit order: once the importer hears the writer's later change, it has
      // had its own earlier one too, had it not been filtered out.
      await createKaizen({ store: stores[1]!, relay: stores[1]!.relay }).createNamespace({ name: 'relayed-back', description: 'Back' }, ctx);
      await expect.poll(() => heardByImporter.length, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(heardByImporter).toEqual([{ kind: 'namespace', namespaces: ['relayed-back'], listChanged: true }]);
    } finally {
      for (const stop of stops) await stop();
    }
  });
});
