import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KaizenChange, type KaizenService } from '@kaizen/core';
import type { DrizzleKnowledgeStore } from '../src/index.js';
import { testDatabaseKinds } from '../src/testing.js';
import { ctx, openTestKaizen, type TestKaizen } from './fixture.js';

describe.each(testDatabaseKinds())('browsing and change events on %s', (kind) => {
  let fixture: TestKaizen | undefined;
  let store: DrizzleKnowledgeStore;
  let kaizen: KaizenService;
  const ids: string[] = [];

  beforeAll(async () => {
    fixture = await openTestKaizen(kind);
    ({ store, kaizen } = fixture);
    await kaizen.createNamespace({ name: 'acme', description: 'Acme Corp' }, ctx);
    await kaizen.createNamespace({ name: 'acme-labs', description: 'Labs' }, ctx);
    await kaizen.createScope({ scope: 'acme:shop', description: 'Shop' }, ctx);
    await kaizen.createScope({ scope: 'acme:shop-admin', description: 'Admin', parents: ['acme:shop'] }, ctx);
    for (let i = 0; i < 5; i++) ids.push((await kaizen.writeKnowledge({ scope: 'acme:shop', content: `Fact ${i}`, context: 'x' }, ctx)).id);
    ids.sort();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('pages by key in byte order, the same on every database', async () => {
    expect((await store.pageNamespaces({ limit: 10 })).map((n) => n.name)).toEqual(['acme', 'acme-labs', 'global']);
    expect((await store.pageNamespaces({ limit: 10, after: 'acme' })).map((n) => n.name)).toEqual(['acme-labs', 'global']);
    const scopes = (await store.pageScopes({ limit: 10 })).map((s) => s.scope);
    expect(scopes).toEqual(['acme-labs:default', 'acme:default', 'acme:shop', 'acme:shop-admin', 'global:default']);
    expect((await store.pageScopes({ limit: 2, after: 'acme:default' })).map((s) => s.scope)).toEqual(['acme:shop', 'acme:shop-admin']);
    expect((await store.pageScopes({ limit: 10, prefix: 'shop' })).map((s) => s.scope)).toEqual(['acme:shop', 'acme:shop-admin']);
    const first = await store.pageKnowledge({ limit: 2 });
    const rest = await store.pageKnowledge({ limit: 10, after: first[1]!.id });
    expect([...first, ...rest].map((k) => k.id)).toEqual(ids);
    expect((await store.pageKnowledge({ limit: 10, prefix: ids[3]! })).map((k) => k.id)).toEqual([ids[3]]);
    expect(await store.pageKnowledge({ limit: 10, scope: 'acme:shop-admin' })).toEqual([]);
  });

  it('counts entries per scope and reports conflict status both ways', async () => {
    await kaizen.resolveKnowledgeConflict({ active_id: ids[0]!, suppressed_ids: [ids[1]!, ids[2]!] }, ctx);
    expect(await store.knowledgeCounts(['acme:shop', 'acme:shop-admin', 'nope:none'])).toEqual({
      'acme:shop': { entries: 5, suppressed: 2 },
      'acme:shop-admin': { entries: 0, suppressed: 0 },
      'nope:none': { entries: 0, suppressed: 0 },
    });
    const status = await store.knowledgeStatus([ids[0]!, ids[1]!, 'missing']);
    expect(status).toEqual({
      [ids[0]!]: { scope: 'acme:shop', suppressed: false, suppressedBy: null, suppresses: [ids[1], ids[2]] },
      [ids[1]!]: { scope: 'acme:shop', suppressed: true, suppressedBy: ids[0], suppresses: [] },
    });
    const view = await kaizen.browse.scope({ scope: 'acme:shop-admin' }, ctx);
    expect(view.chain.map((c) => [c.scope, c.depth, c.entries])).toEqual([
      ['acme:shop-admin', 0, 0], ['acme:default', 1, 0], ['acme:shop', 1, 5], ['global:default', 2, 0],
    ]);
  });

  it('emits what each change touched, including former winners of a conflict', async () => {
    const changes: KaizenChange[] = [];
    const stop = kaizen.changes.subscribe((c) => changes.push(c));
    await kaizen.resolveKnowledgeConflict({ active_id: ids[3]!, suppressed_ids: [ids[1]!] }, ctx);
    await kaizen.updateKnowledge({ id: ids[4]!, scope: 'acme:shop-admin' }, ctx);
    await kaizen.deleteKnowledge({ id: ids[0]! }, ctx);
    await kaizen.updateScope({ scope: 'acme:shop-admin', new_scope: 'acme:admin' }, ctx);
    await kaizen.updateNamespace({ name: 'acme-labs', description: 'Research' }, ctx);
    stop();
    await kaizen.deleteNamespace({ name: 'acme-labs' }, ctx);
    expect(changes).toEqual([
      { kind: 'knowledge', ids: [ids[3], ids[1], ids[0]], scopes: ['acme:shop'], listChanged: false },
      { kind: 'knowledge', ids: [ids[4]], scopes: ['acme:shop', 'acme:shop-admin'], listChanged: false },
      { kind: 'knowledge', ids: [ids[0], ids[2]], scopes: ['acme:shop'], listChanged: true },
      { kind: 'scope', scopes: ['acme:shop-admin', 'acme:admin'], listChanged: true },
      { kind: 'namespace', namespaces: ['acme-labs'], listChanged: false },
    ]);
  });
});
