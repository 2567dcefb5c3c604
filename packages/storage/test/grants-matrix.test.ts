/**
 * The authorization matrix: a principal with no grant, read, write or admin on one of three namespaces
 * (its team's namespace, the namespace of a parent scope of its team's scope, and global) against every
 * use case on each of the three namespaces. Each outcome is checked against the role it has there, a
 * namespace it cannot read behaves exactly as a missing one (same result or error, names swapped), and
 * nothing of a hidden namespace (its name, its scopes, its entries' ids or contents) appears in any
 * result or error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCallContext,
  createKaizen,
  roleAtLeast,
  type CallContext,
  type GrantRole,
  type KaizenService,
  type Principal,
} from '@kaizen/core';
import { isKaizenError } from '@kaizen/domain';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../src/testing.js';

const local = createCallContext();
/** A fresh context per call: a context is made per call, and its grants are read once per context. */
const as = (principal: Principal): CallContext => createCallContext({ principal, surface: 'mcp' });
const user = (id: string, groups?: string[]): Principal => ({
  id,
  scopes: ['kaizen:admin', 'kaizen:write', 'kaizen:read'],
  ...(groups && { groups }),
});

/** What a use case needs of one namespace: a scope, entries to read, update, delete and resolve, scope names. */
interface Target {
  ns: string;
  /** team:web (whose parent is lib:node), lib:node, global:default. */
  scope: string;
  entry: string;
  update: string;
  remove: string;
  c1: string;
  c2: string;
  /** A scope to create, and one to delete. */
  newScope: string;
  tmpScope: string;
  /** Every id of an entry in the namespace (for the leak check). */
  ids: string[];
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details: unknown } };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!isKaizenError(error)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
  }
}

const collect = async <T>(records: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const r of records) out.push(r);
  return out;
};

/**
 * A use case on a target: its input (what the caller names, which it may see echoed back) and the call.
 * `listing`: a whole-store read whose result shows or leaves out the target (no error either way).
 */
interface UseCase {
  name: string;
  needs: GrantRole;
  listing?: (value: unknown, t: Target) => boolean;
  make: (t: Target) => { input: unknown; run: (k: KaizenService, ctx: CallContext) => Promise<unknown> };
}

const QUERY = ['retries backoff'];

const has = (value: unknown, text: string) => JSON.stringify(value).includes(text);

const READS: UseCase[] = [
  { name: 'get_namespaces(namespace)', needs: 'read', make: (t) => ({ input: t.ns, run: (k, c) => k.getNamespaces({ namespace: t.ns, style: 'details' }, c) }) },
  {
    name: 'get_namespaces',
    needs: 'read',
    listing: (v, t) => Object.hasOwn((v as { namespaces: object }).namespaces, t.ns),
    make: () => ({ input: null, run: (k, c) => k.getNamespaces({ style: 'details' }, c) }),
  },
  { name: 'get_task_context', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.getTaskContext({ scope: t.scope, queries: QUERY, limit: 50 }, c) }) },
  { name: 'resource namespace', needs: 'read', make: (t) => ({ input: t.ns, run: (k, c) => k.browse.namespace({ namespace: t.ns }, c) }) },
  { name: 'resource scope', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.browse.scope({ scope: t.scope }, c) }) },
  { name: 'scope chain (prompts)', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.browse.scopeChain({ scope: t.scope }, c) }) },
  { name: 'resource knowledge', needs: 'read', make: (t) => ({ input: t.entry, run: (k, c) => k.browse.knowledge({ id: t.entry }, c) }) },
  {
    name: 'namespace tree',
    needs: 'read',
    listing: (v, t) => (v as { namespaces: { name: string }[] }).namespaces.some((n) => n.name === t.ns),
    make: () => ({ input: null, run: (k, c) => k.browse.namespaceTree(c) }),
  },
  {
    name: 'namespaces page',
    needs: 'read',
    listing: (v, t) => (v as { name: string }[]).some((n) => n.name === t.ns),
    make: () => ({ input: null, run: (k, c) => k.browse.namespacesPage({ limit: 1000 }, c) }),
  },
  {
    name: 'scopes page',
    needs: 'read',
    listing: (v, t) => (v as { scope: string }[]).some((s) => s.scope === t.scope),
    make: () => ({ input: null, run: (k, c) => k.browse.scopesPage({ limit: 1000 }, c) }),
  },
  {
    name: 'knowledge page',
    needs: 'read',
    listing: (v, t) => (v as { id: string }[]).some((e) => e.id === t.entry),
    make: () => ({ input: null, run: (k, c) => k.browse.knowledgePage({ limit: 1000 }, c) }),
  },
  { name: 'knowledge page of a scope', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.browse.knowledgePage({ scope: t.scope, limit: 50 }, c) }) },
  { name: 'complete namespace', needs: 'read', make: (t) => ({ input: t.ns, run: (k, c) => k.browse.completeNamespace({ prefix: t.ns }, c) }) },
  { name: 'complete scope', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.browse.completeScope({ prefix: t.scope }, c) }) },
  { name: 'complete id', needs: 'read', make: (t) => ({ input: t.entry, run: (k, c) => k.browse.completeKnowledgeId({ prefix: t.entry }, c) }) },
  { name: 'ancestors (subscriptions)', needs: 'read', make: (t) => ({ input: t.scope, run: (k, c) => k.browse.ancestors({ scope: t.scope }, c) }) },
  { name: 'entry scope (subscriptions)', needs: 'read', make: (t) => ({ input: t.entry, run: (k, c) => k.browse.entryScope({ id: t.entry }, c) }) },
  { name: 'export(namespace)', needs: 'read', make: (t) => ({ input: t.ns, run: (k, c) => collect(k.exportRecords({ namespace: t.ns }, c)) }) },
  {
    name: 'export',
    needs: 'read',
    listing: (v, t) => (v as { type: string; name?: string }[]).some((r) => r.type === 'namespace' && r.name === t.ns),
    make: () => ({ input: null, run: (k, c) => collect(k.exportRecords({}, c)) }),
  },
];

const WRITES: UseCase[] = [
  {
    name: 'write_knowledge',
    needs: 'write',
    make: (t) => ({ input: t.scope, run: (k, c) => k.writeKnowledge({ scope: t.scope, content: 'A note of the matrix.', context: 'matrix note' }, c) }),
  },
  { name: 'update_knowledge', needs: 'write', make: (t) => ({ input: t.update, run: (k, c) => k.updateKnowledge({ id: t.update, context: 'matrix updated' }, c) }) },
  { name: 'delete_knowledge', needs: 'write', make: (t) => ({ input: t.remove, run: (k, c) => k.deleteKnowledge({ id: t.remove }, c) }) },
  {
    name: 'resolve_knowledge_conflict',
    needs: 'write',
    make: (t) => ({ input: [t.c1, t.c2], run: (k, c) => k.resolveKnowledgeConflict({ active_id: t.c1, suppressed_ids: [t.c2] }, c) }),
  },
  { name: 'create_scope', needs: 'write', make: (t) => ({ input: t.newScope, run: (k, c) => k.createScope({ scope: t.newScope, description: 'Made by the matrix' }, c) }) },
  { name: 'update_scope', needs: 'write', make: (t) => ({ input: t.scope, run: (k, c) => k.updateScope({ scope: t.scope, description: 'Described by the matrix' }, c) }) },
  { name: 'delete_scope', needs: 'write', make: (t) => ({ input: t.tmpScope, run: (k, c) => k.deleteScope({ scope: t.tmpScope }, c) }) },
  { name: 'update_namespace', needs: 'admin', make: (t) => ({ input: t.ns, run: (k, c) => k.updateNamespace({ name: t.ns, description: 'Described by the matrix' }, c) }) },
];

const DELETE_NAMESPACE: UseCase = {
  name: 'delete_namespace',
  needs: 'admin',
  make: (t) => ({ input: t.ns, run: (k, c) => k.deleteNamespace({ name: t.ns }, c) }),
};

const ROLES = ['none', 'read', 'write', 'admin'] as const;
const PLACES = ['own', 'parent', 'global'] as const;
type Place = (typeof PLACES)[number];
const CELLS = ROLES.flatMap((role) => PLACES.map((place) => ({ role, place })));

describe.each(testDatabaseKinds())('authorization matrix on %s', (kind) => {
  let database: TestDatabase;
  let store: DrizzleKnowledgeStore;
  let kaizen: KaizenService;

  async function entry(scope: string, content: string, context = 'retries backoff'): Promise<string> {
    return (await kaizen.writeKnowledge({ scope, content, context }, local)).id;
  }

  /** A namespace's scope and entries, made by the local owner. */
  async function target(ns: string, scope: string, cell: number): Promise<Target> {
    const name = scope.split(':')[1];
    const tmpScope = ns === 'global' ? `global:tmp-${cell}` : `${ns}:tmp`;
    const newScope = ns === 'global' ? `global:new-${cell}` : `${ns}:fresh`;
    await kaizen.createScope({ scope: tmpScope, description: 'To delete' }, local);
    const t: Target = {
      ns,
      scope,
      entry: await entry(scope, `Marker ${ns} ${name}: retries use exponential backoff.`),
      update: await entry(scope, `Marker ${ns} to update.`, 'update target'),
      remove: await entry(scope, `Marker ${ns} to delete.`, 'delete target'),
      c1: await entry(scope, `Marker ${ns} winner.`, 'conflict pair'),
      c2: await entry(scope, `Marker ${ns} loser.`, 'conflict pair'),
      newScope,
      tmpScope,
      ids: [],
    };
    t.ids = [t.entry, t.update, t.remove, t.c1, t.c2];
    if (ns !== 'global') t.ids.push(await entry(`${ns}:default`, `Marker ${ns} default: retries backoff in ${ns}.`));
    return t;
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openStore({ databaseUrl: database.url });
    kaizen = createKaizen({ store, grants: store.security });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it.each(CELLS.map((c, i) => [i + 1, c.role, c.place] as const))(
    'cell %i: %s on the %s namespace, every use case on each namespace',
    async (cell, role, place) => {
      const id = String(cell).padStart(2, '0');
      const team = `team${id}`;
      const lib = `lib${id}`;
      await kaizen.createNamespace({ name: team, description: `Team ${id}` }, local);
      await kaizen.createNamespace({ name: lib, description: `Library ${id}` }, local);
      await kaizen.createScope({ scope: `${lib}:node`, description: 'Node guidance' }, local);
      await kaizen.createScope({ scope: `${team}:web`, description: 'Web shop', parents: [`${lib}:node`] }, local);
      const targets: Record<Place, Target> = {
        own: await target(team, `${team}:web`, cell),
        parent: await target(lib, `${lib}:node`, cell),
        global: await target('global', 'global:default', cell),
      };
      const principal = user(`user:cell${id}`);
      if (role !== 'none') await store.security.setGrant({ principal: principal.id, namespace: targets[place].ns, role, grantedBy: 'user:root' });

      const roleOn = (p: Place): GrantRole | null => {
        const granted = p === place && role !== 'none' ? role : null;
        return p === 'global' && !granted ? 'read' : granted;
      };
      const hiddenTexts = PLACES.filter((p) => !roleOn(p)).flatMap((p) => [targets[p].ns, ...targets[p].ids]);

      /** One call: expected outcome by role, no hidden text beyond what the caller named, and hidden = missing. */
      async function check(useCase: UseCase, p: Place): Promise<void> {
        const t = targets[p];
        const { input, run } = useCase.make(t);
        const got = await outcome(() => run(kaizen, as(principal)));
        const label = `${useCase.name} on ${p} (${t.ns}) with ${role} on ${place}`;
        const named = JSON.stringify(input);
        for (const text of hiddenTexts) {
          if (!named.includes(text)) expect(JSON.stringify(got), `${label} shows ${text}`).not.toContain(text);
        }
        const mine = roleOn(p);
        if (useCase.listing) {
          expect(got.ok, label).toBe(true);
          expect(useCase.listing(got.ok && got.value, t), label).toBe(roleAtLeast(mine, 'read'));
          return;
        }
        if (p === 'global' && useCase === DELETE_NAMESPACE) {
          expect(got.ok ? 'ok' : got.error.code, label).toBe('PROTECTED');
          return;
        }
        if (roleAtLeast(mine, useCase.needs)) {
          expect(got.ok ? 'ok' : `${got.error.code}: ${got.error.message}`, label).toBe('ok');
          if (useCase.name === 'get_task_context' && got.ok) {
            const ids = (got.value as { results: { id: string }[] }).results.map((r) => r.id);
            expect(ids, label).toContain(t.entry);
            // The team's scope inherits from the library's: its entries come only if the library is readable.
            if (p === 'own') expect(ids.includes(targets.parent.entry), label).toBe(roleAtLeast(roleOn('parent'), 'read'));
          }
          return;
        }
        if (mine) {
          expect(got.ok ? 'ok' : got.error.code, label).toBe('FORBIDDEN');
          if (!got.ok) {
            expect(got.error.message, label).toContain(`namespace "${t.ns}"`);
            expect(got.error.message, label).toContain(`"${useCase.needs}"`);
          }
          return;
        }
        // Hidden: exactly what the local owner gets for a namespace that does not exist, names swapped.
        const ghost: Target = {
          ...t,
          ns: 'ghost',
          scope: t.scope.replace(t.ns, 'ghost'),
          newScope: t.newScope.replace(t.ns, 'ghost'),
          tmpScope: t.tmpScope.replace(t.ns, 'ghost'),
          entry: 'ghost-entry',
          update: 'ghost-update',
          remove: 'ghost-remove',
          c1: 'ghost-c1',
          c2: 'ghost-c2',
        };
        const twin = await outcome(() => useCase.make(ghost).run(kaizen, local));
        let swapped = JSON.stringify(got);
        for (const key of ['entry', 'update', 'remove', 'c1', 'c2'] as const) swapped = swapped.split(t[key]).join(ghost[key]);
        swapped = swapped.split(t.ns).join('ghost');
        expect(JSON.parse(swapped), label).toEqual(twin);
        if (useCase.needs !== 'read' || !['complete', 'ancestors', 'entry scope', 'knowledge page'].some((w) => useCase.name.startsWith(w))) {
          expect(got.ok ? 'ok' : got.error.code, label).toBe('NOT_FOUND');
        }
      }

      for (const useCase of READS) for (const p of PLACES) await check(useCase, p);
      for (const useCase of WRITES) for (const p of PLACES) await check(useCase, p);
      for (const p of PLACES) await check(DELETE_NAMESPACE, p);
    },
  );
});
