/**
 * Grants in the situations the issue names: another team's parent scope, global, inheritance across
 * namespaces, the creator of a namespace, group and "*" grants, the local owner and the anonymous
 * caller, conflicts and exports that touch a hidden namespace, one grant look-up per call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANONYMOUS_PRINCIPAL,
  createCallContext,
  createKaizen,
  type CallContext,
  type GrantStore,
  type KaizenService,
  type Principal,
} from '@kaizen/core';
import { isKaizenError, type KaizenError } from '@kaizen/domain';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../src/testing.js';

const local = createCallContext();
const as = (principal: Principal): CallContext => createCallContext({ principal, surface: 'mcp' });
const user = (id: string, groups?: string[]): Principal => ({
  id,
  scopes: ['kaizen:admin', 'kaizen:write', 'kaizen:read'],
  ...(groups && { groups }),
});

async function errorOf(promise: Promise<unknown>): Promise<KaizenError> {
  try {
    await promise;
  } catch (e) {
    if (isKaizenError(e)) return e;
    throw e;
  }
  throw new Error('expected a KaizenError, got success');
}

/** What a caller sees of a KaizenError (its message is not enumerable). */
const shown = (e: KaizenError) => JSON.stringify({ code: e.code, message: e.message, details: e.details });
const collect = async <T>(records: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const r of records) out.push(r);
  return out;
};

describe.each(testDatabaseKinds())('grants on %s', (kind) => {
  let database: TestDatabase;
  let store: DrizzleKnowledgeStore;
  let kaizen: KaizenService;
  let grantLookups = 0;
  const ids: Record<string, string> = {};

  const reader = user('user:reader'); // read on acme
  const writer = user('user:writer'); // write on acme
  const bridged = user('user:bridged'); // write on acme, read on platform
  const stranger = user('user:stranger'); // no grant

  const write = async (key: string, scope: string, content: string, context = 'retries backoff') => {
    ids[key] = (await kaizen.writeKnowledge({ scope, content, context }, local)).id;
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openStore({ databaseUrl: database.url });
    const security = store.security;
    // Counts the grant look-ups: one per call at most.
    const grants: GrantStore = {
      setGrant: (g) => security.setGrant(g),
      removeGrant: (p, n) => security.removeGrant(p, n),
      listGrants: (f) => security.listGrants(f),
      grantsFor: (principals) => {
        grantLookups++;
        return security.grantsFor(principals);
      },
    };
    kaizen = createKaizen({ store, grants });

    await kaizen.createNamespace({ name: 'acme', description: 'Acme shop team' }, local);
    await kaizen.createNamespace({ name: 'platform', description: 'Platform team' }, local);
    await kaizen.createScope({ scope: 'platform:node', description: 'Node runtime rules' }, local);
    await kaizen.createScope({ scope: 'acme:web', description: 'Web shop', parents: ['platform:node'] }, local);
    await kaizen.createScope({ scope: 'acme:shared', description: 'Shared acme rules' }, local);
    // acme:shared is reachable from acme:edge only through platform:bridge.
    await kaizen.createScope({ scope: 'platform:bridge', description: 'Bridge', parents: ['acme:shared'] }, local);
    await kaizen.createScope({ scope: 'acme:edge', description: 'Edge', parents: ['platform:bridge'] }, local);

    await write('global', 'global:default', 'Global: retries need backoff everywhere.');
    await write('platformNode', 'platform:node', 'Platform node: retries use zebra backoff.');
    await write('platformDefault', 'platform:default', 'Platform default: retries backoff budget.');
    await write('bridge', 'platform:bridge', 'Bridge: retries backoff at the bridge.');
    await write('web', 'acme:web', 'Acme web: retries with backoff on checkout.');
    await write('shared', 'acme:shared', 'Acme shared: retries backoff shared rule.');
    await write('edge', 'acme:edge', 'Acme edge: retries backoff at the edge.');
    // An acme entry suppressed by a platform entry, and an acme entry suppressing a platform one.
    await write('acmeLoser', 'acme:web', 'Acme loser entry.', 'conflict');
    await write('platformWinner', 'platform:node', 'Platform winner entry.', 'conflict');
    await kaizen.resolveKnowledgeConflict({ active_id: ids.platformWinner!, suppressed_ids: [ids.acmeLoser!] }, local);
    await write('acmeWinner', 'acme:web', 'Acme winner entry.', 'conflict two');
    await write('platformLoser', 'platform:node', 'Platform loser entry.', 'conflict two');
    await kaizen.resolveKnowledgeConflict({ active_id: ids.acmeWinner!, suppressed_ids: [ids.platformLoser!] }, local);

    await security.setGrant({ principal: reader.id, namespace: 'acme', role: 'read' });
    await security.setGrant({ principal: writer.id, namespace: 'acme', role: 'write' });
    await security.setGrant({ principal: bridged.id, namespace: 'acme', role: 'write' });
    await security.setGrant({ principal: bridged.id, namespace: 'platform', role: 'read' });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const platformTexts = () => ['platform', 'Platform', ids.platformNode!, ids.platformDefault!, ids.bridge!, ids.platformWinner!, ids.platformLoser!, 'zebra'];
  const expectNoPlatform = (value: unknown, label: string) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    for (const hidden of platformTexts()) expect(text, `${label} shows ${hidden}`).not.toContain(hidden);
  };

  it('creating a scope whose parent is another team\'s scope, without read on it, is NOT_FOUND as a missing parent is', async () => {
    const hidden = await errorOf(kaizen.createScope({ scope: 'acme:api', description: 'API', parents: ['platform:node'] }, as(writer)));
    const missing = await errorOf(kaizen.createScope({ scope: 'acme:api', description: 'API', parents: ['platform:nothing'] }, local));
    expect(hidden.code).toBe('NOT_FOUND');
    expect(hidden.message).toBe('parents: scope "platform:node" does not exist.');
    expect(shown(hidden).replaceAll('platform:node', 'platform:nothing')).toBe(shown(missing));
    // The store's order: a taken name first, then the parents in the order given.
    const taken = await errorOf(kaizen.createScope({ scope: 'acme:web', description: 'x', parents: ['platform:node'] }, as(writer)));
    expect(taken.code).toBe('ALREADY_EXISTS');
    const first = await errorOf(kaizen.createScope({ scope: 'acme:api', description: 'x', parents: ['acme:missing', 'platform:node'] }, as(writer)));
    expect(first.message).toBe('parents: scope "acme:missing" does not exist.');
    // With read on its namespace, the parent may be named.
    const made = await kaizen.createScope({ scope: 'acme:api', description: 'API', parents: ['platform:node'] }, as(bridged));
    expect(made.parents).toEqual(['acme:default', 'platform:node']);
    // A reader of acme sees the scope, not its parent in platform.
    const seen = await kaizen.getNamespaces({ namespace: 'acme', style: 'details' }, as(reader));
    expect(seen.namespaces.acme?.scopes?.api?.parents).toEqual(['acme:default']);
    await kaizen.deleteScope({ scope: 'acme:api' }, local);
  });

  it('writing to global:default without a grant is FORBIDDEN; a write grant on global allows it', async () => {
    const e = await errorOf(kaizen.writeKnowledge({ scope: 'global:default', content: 'x', context: 'y' }, as(writer)));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe('scope: the "write" role on namespace "global" is needed; the caller has "read".');
    expect(e.details).toMatchObject({ namespace: 'global', role: 'write', has: 'read' });
    // Everyone reads global.
    const out = await kaizen.getTaskContext({ scope: 'global:default', queries: ['retries backoff'] }, as(stranger));
    expect(out.results.map((r) => r.id)).toEqual([ids.global]);
    const globalWriter = user('user:global-writer');
    await store.security.setGrant({ principal: globalWriter.id, namespace: 'global', role: 'write' });
    const written = await kaizen.writeKnowledge({ scope: 'global:default', content: 'Global note.', context: 'note' }, as(globalWriter));
    await kaizen.deleteKnowledge({ id: written.id }, as(globalWriter));
  });

  it('a reader of acme:web whose parent platform:node is unreadable gets nothing of platform, anywhere', async () => {
    const out = await kaizen.getTaskContext({ scope: 'acme:web', queries: ['retries backoff'], limit: 50 }, as(reader));
    expect(out.results.map((r) => r.id).sort()).toEqual([ids.global, ids.web].sort());
    expect(Object.keys(out.by_scope)).toEqual(['acme:web', 'global:default']);
    expectNoPlatform(out, 'get_task_context');

    const view = await kaizen.browse.scope({ scope: 'acme:web' }, as(reader));
    expect(view.parents).toEqual(['acme:default']);
    expect(view.chain.map((c) => [c.scope, c.depth])).toEqual([
      ['acme:web', 0],
      ['acme:default', 1],
      ['global:default', 2],
    ]);
    expectNoPlatform(view, 'scope view');
    const details = await kaizen.getNamespaces({ style: 'details' }, as(reader));
    expect(Object.keys(details.namespaces)).toEqual(['global', 'acme']);
    expect(details.namespaces.acme?.scopes?.web?.parents).toEqual(['acme:default']);
    expectNoPlatform(details, 'get_namespaces');
    for (const value of [
      await kaizen.browse.namespaceTree(as(reader)),
      await kaizen.browse.namespace({ namespace: 'acme' }, as(reader)),
      await kaizen.browse.scopeChain({ scope: 'acme:edge' }, as(reader)),
      await kaizen.browse.ancestors({ scope: 'acme:web' }, as(reader)),
      await kaizen.browse.scopesPage({ limit: 100 }, as(reader)),
      await kaizen.browse.knowledgePage({ limit: 100 }, as(reader)),
      await kaizen.browse.completeScope({ prefix: 'p' }, as(reader)),
      await kaizen.browse.completeNamespace({ prefix: 'p' }, as(reader)),
    ]) {
      expectNoPlatform(value, 'browse');
    }
    expect(await kaizen.browse.ancestors({ scope: 'acme:web' }, as(reader))).toEqual(['acme:web', 'acme:default', 'global:default']);

    // With read on platform, its entries come with the chain.
    const both = await kaizen.getTaskContext({ scope: 'acme:web', queries: ['retries backoff'], limit: 50 }, as(bridged));
    expect(both.results.map((r) => r.id)).toEqual(expect.arrayContaining([ids.platformNode, ids.platformDefault, ids.web, ids.global]));
  });

  it('does not walk through a hidden scope: an ancestor reached only through one is left out', async () => {
    const out = await kaizen.getTaskContext({ scope: 'acme:edge', queries: ['retries backoff'], limit: 50 }, as(reader));
    expect(out.results.map((r) => r.id).sort()).toEqual([ids.edge, ids.global].sort());
    const chain = await kaizen.browse.scopeChain({ scope: 'acme:edge' }, as(reader));
    expect(chain.map((c) => c.scope)).toEqual(['acme:edge', 'acme:default', 'global:default']);
    // Readable all the way: acme:shared comes through platform:bridge, at its depth.
    const open = await kaizen.getTaskContext({ scope: 'acme:edge', queries: ['retries backoff'], limit: 50 }, as(bridged));
    expect(open.results.map((r) => r.id)).toEqual(expect.arrayContaining([ids.shared, ids.bridge, ids.edge]));
    const openChain = await kaizen.browse.scopeChain({ scope: 'acme:edge' }, as(bridged));
    const local_ = await kaizen.browse.scopeChain({ scope: 'acme:edge' }, local);
    expect(openChain.map((c) => [c.scope, c.depth])).toEqual(local_.map((c) => [c.scope, c.depth]));
  });

  it('renaming or deleting another team\'s namespace is NOT_FOUND, worded as a missing one', async () => {
    for (const [call, twin] of [
      [() => kaizen.updateNamespace({ name: 'platform', new_name: 'mine' }, as(writer)), () => kaizen.updateNamespace({ name: 'nowhere', new_name: 'mine' }, local)],
      [() => kaizen.updateNamespace({ name: 'platform', description: 'x' }, as(writer)), () => kaizen.updateNamespace({ name: 'nowhere', description: 'x' }, local)],
      [() => kaizen.deleteNamespace({ name: 'platform' }, as(writer)), () => kaizen.deleteNamespace({ name: 'nowhere' }, local)],
      [() => kaizen.getNamespaces({ namespace: 'platform' }, as(writer)), () => kaizen.getNamespaces({ namespace: 'nowhere' }, local)],
      [() => collect(kaizen.exportRecords({ namespace: 'platform' }, as(writer))), () => collect(kaizen.exportRecords({ namespace: 'nowhere' }, local))],
      [() => kaizen.createScope({ scope: 'platform:mine', description: 'x' }, as(writer)), () => kaizen.createScope({ scope: 'nowhere:mine', description: 'x' }, local)],
    ] as const) {
      const hidden = await errorOf(call());
      expect(hidden.code).toBe('NOT_FOUND');
      expect(shown(hidden).replaceAll('platform', 'nowhere')).toBe(shown(await errorOf(twin())));
    }
    // A reader of platform that is not its admin: FORBIDDEN, naming the role.
    const e = await errorOf(kaizen.deleteNamespace({ name: 'platform' }, as(bridged)));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe('name: the "admin" role on namespace "platform" is needed; the caller has "read".');
    expect((await kaizen.getNamespaces({ namespace: 'platform' }, local)).namespaces.platform).toBeDefined();
  });

  it('gives FORBIDDEN only about what exists: a missing scope of a readable namespace is NOT_FOUND', async () => {
    expect(shown(await errorOf(kaizen.writeKnowledge({ scope: 'acme:nope', content: 'x', context: 'y' }, as(reader))))).toBe(
      shown(await errorOf(kaizen.writeKnowledge({ scope: 'acme:nope', content: 'x', context: 'y' }, local))),
    );
    expect((await errorOf(kaizen.deleteScope({ scope: 'acme:nope' }, as(reader)))).code).toBe('NOT_FOUND');
    expect((await errorOf(kaizen.deleteScope({ scope: 'acme:shared' }, as(reader)))).code).toBe('FORBIDDEN');
    expect((await errorOf(kaizen.updateKnowledge({ id: ids.web!, content: 'x' }, as(reader)))).code).toBe('FORBIDDEN');
    expect((await errorOf(kaizen.updateKnowledge({ id: 'nope1234', content: 'x' }, as(reader)))).code).toBe('NOT_FOUND');
  });

  it('makes the creator of a namespace its admin; the local owner and anonymous get no grant', async () => {
    const founder = user('key:founder-key');
    await kaizen.createNamespace({ name: 'founded', description: 'Founded by a key' }, as(founder));
    expect((await store.security.listGrants({ namespace: 'founded' })).map((g) => [g.principal, g.role, g.grantedBy])).toEqual([
      ['key:founder-key', 'admin', 'key:founder-key'],
    ]);
    await kaizen.createScope({ scope: 'founded:one', description: 'One' }, as(founder));
    await kaizen.writeKnowledge({ scope: 'founded:one', content: 'Founded note.', context: 'founded' }, as(founder));
    await kaizen.updateNamespace({ name: 'founded', new_name: 'refounded', description: 'Renamed' }, as(founder));
    expect((await errorOf(kaizen.getNamespaces({ namespace: 'refounded' }, as(stranger)))).code).toBe('NOT_FOUND');
    expect(await kaizen.deleteNamespace({ name: 'refounded' }, as(founder))).toEqual({ name: 'refounded', scopes_count: 2, knowledge_count: 1 });

    await kaizen.createNamespace({ name: 'by-local', description: 'Local' }, local);
    await kaizen.createNamespace({ name: 'by-anonymous', description: 'Anonymous' }, as(ANONYMOUS_PRINCIPAL));
    expect(await store.security.listGrants({ namespace: 'by-local' })).toEqual([]);
    expect(await store.security.listGrants({ namespace: 'by-anonymous' })).toEqual([]);
    await kaizen.deleteNamespace({ name: 'by-local' }, local);
    await kaizen.deleteNamespace({ name: 'by-anonymous' }, as(ANONYMOUS_PRINCIPAL));
  });

  it('applies a group grant to the group\'s members only', async () => {
    await store.security.setGrant({ principal: 'group:platform-team', namespace: 'platform', role: 'write' });
    const member = user('user:gina', ['platform-team']);
    const written = await kaizen.writeKnowledge({ scope: 'platform:node', content: 'Group note.', context: 'group' }, as(member));
    expect((await kaizen.browse.knowledge({ id: written.id }, as(member))).scope).toBe('platform:node');
    expect((await errorOf(kaizen.browse.knowledge({ id: written.id }, as(user('user:gina'))))).code).toBe('NOT_FOUND');
    expect((await errorOf(kaizen.writeKnowledge({ scope: 'acme:web', content: 'x', context: 'y' }, as(member)))).code).toBe('NOT_FOUND');
    await kaizen.deleteKnowledge({ id: written.id }, as(member));
    await store.security.removeGrant('group:platform-team', 'platform');
  });

  it('applies an API key\'s grants to the calls made with it, beside its user\'s', async () => {
    await store.security.setGrant({ principal: 'key:ci1', namespace: 'platform', role: 'read' });
    const withKey: Principal = { ...user('user:ci-bot'), clientId: 'key:ci1' };
    expect(Object.keys((await kaizen.getNamespaces({}, as(withKey))).namespaces)).toEqual(['global', 'platform']);
    expect((await errorOf(kaizen.getNamespaces({ namespace: 'platform' }, as(user('user:ci-bot'))))).code).toBe('NOT_FOUND');
    await store.security.removeGrant('key:ci1', 'platform');
  });

  it('applies a "*" grant to every namespace', async () => {
    const auditor = user('user:auditor');
    await store.security.setGrant({ principal: auditor.id, namespace: '*', role: 'read' });
    expect(Object.keys((await kaizen.getNamespaces({}, as(auditor))).namespaces)).toEqual(['global', 'acme', 'platform']);
    const full = await collect(kaizen.exportRecords({}, as(auditor)));
    expect(full).toEqual(await collect(kaizen.exportRecords({}, local)));
    const e = await errorOf(kaizen.writeKnowledge({ scope: 'platform:node', content: 'x', context: 'y' }, as(auditor)));
    expect(e.code).toBe('FORBIDDEN');
    const operator = user('user:operator');
    await store.security.setGrant({ principal: operator.id, namespace: '*', role: 'write' });
    const written = await kaizen.writeKnowledge({ scope: 'platform:node', content: 'Operator note.', context: 'operator' }, as(operator));
    await kaizen.deleteKnowledge({ id: written.id }, as(operator));
  });

  it('leaves the local owner and the anonymous caller unrestricted', async () => {
    for (const ctx of [local, as(ANONYMOUS_PRINCIPAL)]) {
      const details = await kaizen.getNamespaces({ style: 'details' }, ctx);
      expect(details.namespaces.acme?.scopes?.web?.parents).toEqual(['acme:default', 'platform:node']);
      const out = await kaizen.getTaskContext({ scope: 'acme:web', queries: ['retries backoff'], limit: 50 }, ctx);
      expect(out.results.map((r) => r.id)).toContain(ids.platformNode);
    }
  });

  it('shows a conflict without naming an entry the caller cannot read', async () => {
    const loser = await kaizen.browse.knowledge({ id: ids.acmeLoser! }, as(reader));
    expect(loser.conflict).toEqual({ suppressed: true, suppressed_by: null, suppresses: [] });
    const winner = await kaizen.browse.knowledge({ id: ids.acmeWinner! }, as(reader));
    expect(winner.conflict).toEqual({ suppressed: false, suppressed_by: null, suppresses: [] });
    expect((await kaizen.browse.knowledge({ id: ids.acmeLoser! }, as(bridged))).conflict.suppressed_by).toBe(ids.platformWinner);
    expect((await kaizen.browse.knowledge({ id: ids.acmeWinner! }, as(bridged))).conflict.suppresses).toEqual([ids.platformLoser]);
    expect(await kaizen.browse.entryScope({ id: ids.platformNode! }, as(reader))).toBeNull();
  });

  it('exports only what the caller can read', async () => {
    const records = await collect(kaizen.exportRecords({}, as(reader)));
    expectNoPlatform(records, 'export');
    expect(records.filter((r) => r.type === 'namespace').map((r) => (r as { name: string }).name)).toEqual(['global', 'acme']);
    expect(records.find((r) => r.type === 'scope' && r.scope === 'acme:web')).toMatchObject({ parents: [] });
    // Still suppressed, by an entry it cannot name.
    expect(records.filter((r) => r.type === 'conflict')).toEqual([{ type: 'conflict', active_id: null, suppressed_ids: [ids.acmeLoser] }]);
    const knowledge = records.filter((r) => r.type === 'knowledge').map((r) => (r as { id: string }).id);
    expect(knowledge).toEqual(expect.arrayContaining([ids.web, ids.shared, ids.global]));
    expect(await collect(kaizen.exportRecords({ namespace: 'acme' }, as(reader)))).toEqual(
      records.filter((r) => r.type !== 'namespace' || (r as { name: string }).name === 'acme').filter((r) => !('scope' in r) || r.scope.startsWith('acme:')),
    );
  });

  it('keeps the parents a writer cannot see when it replaces the parents, and hides them in a cycle', async () => {
    const out = await kaizen.updateScope({ scope: 'acme:web', parents: ['acme:shared'] }, as(writer));
    expect(out.parents).toEqual(['acme:default', 'acme:shared']);
    expect((await store.getScope('acme:web'))?.parents).toEqual(['acme:default', 'acme:shared', 'platform:node']);
    await kaizen.updateScope({ scope: 'acme:web', parents: [] }, local);
    expect((await store.getScope('acme:web'))?.parents).toEqual(['acme:default']);
    await kaizen.updateScope({ scope: 'acme:web', parents: ['platform:node'] }, local);

    // acme:edge -> platform:bridge -> acme:shared: making acme:shared inherit from acme:edge closes a loop.
    const e = await errorOf(kaizen.updateScope({ scope: 'acme:shared', parents: ['acme:edge'] }, as(writer)));
    expect(e.code).toBe('CYCLE');
    expect(e.message).toBe('parents: that would make a cycle (acme:shared -> acme:edge -> … -> acme:shared).');
    expectNoPlatform(shown(e), 'cycle');
    const full = await errorOf(kaizen.updateScope({ scope: 'acme:shared', parents: ['acme:edge'] }, local));
    expect(full.message).toContain('platform:bridge');
  });

  it('resolves conflicts only with write on every entry\'s namespace; a hidden entry is a missing one', async () => {
    const hidden = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: ids.web!, suppressed_ids: [ids.platformNode!] }, as(writer)));
    const missing = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: ids.web!, suppressed_ids: ['missing1234'] }, local));
    expect(shown(hidden).replaceAll(ids.platformNode!, 'missing1234')).toBe(shown(missing));
    const forbidden = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: ids.web!, suppressed_ids: [ids.platformNode!] }, as(bridged)));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain('namespace "platform"');
    const activeHidden = await errorOf(kaizen.resolveKnowledgeConflict({ active_id: ids.platformNode!, suppressed_ids: [ids.web!] }, as(writer)));
    expect(activeHidden.message).toBe(`active_id: no knowledge entry has id "${ids.platformNode}".`);
  });

  it('moves an entry only with write on both namespaces', async () => {
    const entry = await kaizen.writeKnowledge({ scope: 'acme:shared', content: 'Moving.', context: 'moving' }, as(bridged));
    const hidden = await errorOf(kaizen.updateKnowledge({ id: entry.id, scope: 'platform:node' }, as(writer)));
    expect(hidden.message).toBe('scope: scope "platform:node" does not exist.');
    const forbidden = await errorOf(kaizen.updateKnowledge({ id: entry.id, scope: 'platform:node' }, as(bridged)));
    expect(forbidden.code).toBe('FORBIDDEN');
    const mover = user('user:mover');
    await store.security.setGrant({ principal: mover.id, namespace: 'acme', role: 'write' });
    await store.security.setGrant({ principal: mover.id, namespace: 'platform', role: 'write' });
    expect(await kaizen.updateKnowledge({ id: entry.id, scope: 'platform:node' }, as(mover))).toEqual({ id: entry.id, scope: 'platform:node' });
    expect((await errorOf(kaizen.deleteKnowledge({ id: entry.id }, as(writer)))).message).toBe(`id: no knowledge entry has id "${entry.id}".`);
    await kaizen.deleteKnowledge({ id: entry.id }, as(mover));
  });

  it('lets a restricted caller import only with admin on every namespace', async () => {
    const lines = async function* () {
      yield JSON.stringify({ type: 'namespace', name: 'imported', description: 'Imported' });
    };
    const e = await errorOf(kaizen.importRecords({ lines: lines() }, as(writer)));
    expect(e.code).toBe('FORBIDDEN');
    expect(await kaizen.getNamespaces({ namespace: 'acme' }, local)).toBeDefined();
    expect((await errorOf(kaizen.getNamespaces({ namespace: 'imported' }, local))).code).toBe('NOT_FOUND');
    const root = user('user:root');
    await store.security.setGrant({ principal: root.id, namespace: '*', role: 'admin' });
    expect((await kaizen.importRecords({ lines: lines() }, as(root))).namespaces).toBe(1);
    await kaizen.deleteNamespace({ name: 'imported' }, as(root));
  });

  it('reads the caller\'s grants once per call', async () => {
    const before = grantLookups;
    await kaizen.getTaskContext({ scope: 'acme:web', queries: ['retries'] }, as(reader));
    expect(grantLookups - before).toBe(1);
    const ctx = as(reader);
    await kaizen.browse.scope({ scope: 'acme:edge' }, ctx);
    await kaizen.browse.completeScope({ prefix: 'acme' }, ctx);
    await kaizen.browse.knowledgePage({ scope: 'acme:web', limit: 10 }, ctx);
    expect(grantLookups - before).toBe(2);
    await kaizen.getTaskContext({ scope: 'acme:web', queries: ['retries'] }, local);
    expect(grantLookups - before).toBe(2);
  });
});
