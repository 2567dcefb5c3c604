import { sql } from 'drizzle-orm';
import {
  KaizenError,
  parseScope,
  taskSizeRank,
  unknownIdError,
  unknownNamespaceError,
  unknownScopeError,
  type TaskSize,
} from '@kaizen/domain';
import {
  throwIfCancelled,
  type ChangeRelay,
  KnowledgeListing,
  ConflictRecord,
  ImportBatch,
  ImportCounts,
  KnowledgePatch,
  KnowledgeRecord,
  KnowledgeStatus,
  KnowledgeStore,
  NamespaceRecord,
  NewKnowledge,
  PageRequest,
  ScopeRecord,
  ScopeSummary,
  Snapshot,
  SearchHit,
  SearchRequest,
  StoreStats,
} from '@kaizen/core';
import { databaseError, guard } from './database-errors.js';
import { conflicts, namespaces, scopeParents, scopes } from './schema.js';
import {
  GLOBAL_DEFAULT,
  findCycle,
  findScope,
  requireScope,
  resolveParents,
  scopeRecord,
  scopeRecords,
} from './scopes.js';
import { searchKnowledge } from './search.js';
import { DrizzleSecurityStore } from './security-store.js';
import * as browse from './browse.js';
import { exportConflictsPage, exportKnowledgePage, importBatches } from './bulk.js';
import { query, queryOne, type Db, type Executor, type Tx } from './sql-util.js';
import { toKnowledgeRecord, type KnowledgeRow } from './rows.js';

export interface DrizzleStoreOptions {
  db: Db;
  migrate: () => Promise<void>;
  close: () => Promise<void>;
  /**
   * Opens a connection of its own in a REPEATABLE READ, READ ONLY transaction, for openSnapshot. Unset
   * (PGlite: one connection per process, which the data-directory lock keeps to one process), reads
   * go to db directly.
   */
  snapshot?: () => Promise<{ db: Db; release: () => Promise<void> }>;
  /** Carries changes to the other servers on the same database (PostgreSQL); none for PGlite. */
  relay?: ChangeRelay;
}

const namespaceTaken = (name: string, field: string) =>
  new KaizenError('ALREADY_EXISTS', `${field}: namespace "${name}" already exists.`, { field, namespace: name, hint: 'already_exists' });
const scopeTaken = (scope: string, field: string) =>
  new KaizenError('ALREADY_EXISTS', `${field}: scope "${scope}" already exists.`, { field, scope, hint: 'already_exists' });

/**
 * The KnowledgeStore port on Drizzle; the same SQL runs on PGlite and PostgreSQL. Every method runs
 * under `guard(<operation>)` (database-errors.ts): what it throws is a KaizenError, and a database
 * failure names the operation ("knowledge.write"), never the SQL or its parameters.
 */
export class DrizzleKnowledgeStore implements KnowledgeStore {
  readonly db: Db;
  /** Set on PostgreSQL, where several servers may share the database: see ChangeRelay. */
  readonly relay?: ChangeRelay;
  /** API keys, grants and the audit trail (the ApiKeyStore, GrantStore and AuditStore ports), same database. */
  readonly security: DrizzleSecurityStore;
  private readonly runMigrations: () => Promise<void>;
  private readonly closeDriver: () => Promise<void>;
  private readonly openSnapshotDb: DrizzleStoreOptions['snapshot'];

  constructor(options: DrizzleStoreOptions) {
    this.db = options.db;
    this.runMigrations = options.migrate;
    this.closeDriver = options.close;
    this.openSnapshotDb = options.snapshot;
    this.relay = options.relay;
    this.security = new DrizzleSecurityStore(options.db);
  }

  /**
   * Not guarded: migrations run at start-up, for the operator, whose start-up message needs the driver's
   * own reason (ECONNREFUSED, a refused password; the runtime hides passwords). They carry no parameter.
   */
  async migrate(): Promise<void> {
    await this.runMigrations();
  }

  close(): Promise<void> {
    return this.closeDriver();
  }

  async ping(): Promise<void> {
    await guard('ping', () => query(this.db, sql`SELECT 1 FROM namespaces LIMIT 1`));
  }

  /**
   * The newest migration applied (drizzle records each one's timestamp in drizzle.__drizzle_migrations),
   * 0 for none: readiness compares it with the newest this build ships.
   */
  async appliedMigration(): Promise<number> {
    const row = await guard('readiness.migrations', () =>
      queryOne<{ applied: string | null }>(this.db, sql`SELECT max(created_at)::text AS applied FROM drizzle.__drizzle_migrations`),
    );
    return Number(row?.applied ?? 0);
  }

  /** Runs fn in one transaction, named for errors; what it throws is a KaizenError. */
  protected tx<T>(statement: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return guard(statement, () => this.db.transaction(fn));
  }

  // ---------- namespaces ----------
  listNamespaces(filter: { namespace?: string } = {}): Promise<NamespaceRecord[]> {
    return guard('namespaces.list', () =>
      query<NamespaceRecord>(
        this.db,
        sql`SELECT name, description FROM namespaces
            WHERE (${filter.namespace ?? null}::text IS NULL OR name = ${filter.namespace ?? null})
            ORDER BY name = 'global' DESC, name`,
      ),
    );
  }

  listScopes(filter: { namespace?: string } = {}): Promise<ScopeRecord[]> {
    return guard('scopes.list', () => scopeRecords(this.db, filter));
  }

  createNamespace(ns: NamespaceRecord, defaultScopeDescription: string): Promise<void> {
    return this.tx('namespace.create', async (tx) => {
      if ((await namespaceId(tx, ns.name)) !== undefined) throw namespaceTaken(ns.name, 'name');
      const [row] = await tx.insert(namespaces).values(ns).returning({ id: namespaces.id });
      const [def] = await tx
        .insert(scopes)
        .values({ namespaceId: row!.id, name: 'default', description: defaultScopeDescription })
        .returning({ id: scopes.id });
      const global = await requireScope(tx, `${GLOBAL_DEFAULT.namespace}:${GLOBAL_DEFAULT.name}`);
      await tx.insert(scopeParents).values({ scopeId: def!.id, parentId: global.id });
    });
  }

  updateNamespace(name: string, patch: { newName?: string; description?: string }): Promise<void> {
    return this.tx('namespace.update', async (tx) => {
      const id = await namespaceId(tx, name);
      if (id === undefined) throw unknownNamespaceError(name, 'name');
      if (patch.newName !== undefined && patch.newName !== name && (await namespaceId(tx, patch.newName)) !== undefined) {
        throw namespaceTaken(patch.newName, 'new_name');
      }
      await tx.execute(
        sql`UPDATE namespaces SET name = coalesce(${patch.newName ?? null}, name),
              description = coalesce(${patch.description ?? null}, description), updated_at = now()
            WHERE id = ${id}`,
      );
      // Grants name their namespace (it may be '*', so no foreign key): they follow the rename. After the
      // UPDATE above, which holds the namespace's row: a concurrent setGrant has committed or will find none.
      if (patch.newName !== undefined && patch.newName !== name) {
        await tx.execute(sql`UPDATE grants SET namespace = ${patch.newName} WHERE namespace = ${name}`);
      }
    });
  }

  deleteNamespace(name: string): Promise<{ scopes: number; knowledge: number }> {
    return this.tx('namespace.delete', async (tx) => {
      const id = await namespaceId(tx, name);
      if (id === undefined) throw unknownNamespaceError(name, 'name');
      const counts = await queryOne<{ scopes: number; knowledge: number }>(
        tx,
        sql`SELECT (SELECT count(*)::int FROM scopes WHERE namespace_id = ${id}) AS scopes,
                   (SELECT count(*)::int FROM knowledge k JOIN scopes s ON s.id = k.scope_id
                     WHERE s.namespace_id = ${id}) AS knowledge`,
      );
      await tx.execute(sql`DELETE FROM namespaces WHERE id = ${id}`);
      // Its grants go with it (after the DELETE, for the reason given in updateNamespace): a namespace
      // created later under the same name must not inherit who could read the old one.
      await tx.execute(sql`DELETE FROM grants WHERE namespace = ${name}`);
      return { scopes: counts!.scopes, knowledge: counts!.knowledge };
    });
  }

  // ---------- scopes ----------
  getScope(scope: string): Promise<ScopeRecord | null> {
    return guard('scope.get', async () => {
      const row = await findScope(this.db, parseScope(scope));
      return row ? scopeRecord(this.db, row.id) : null;
    });
  }

  createScope(scope: string, description: string, parents: string[]): Promise<ScopeRecord> {
    return this.tx('scope.create', async (tx) => {
      const ref = parseScope(scope);
      const nsId = await namespaceId(tx, ref.namespace);
      if (nsId === undefined) {
        throw new KaizenError('NOT_FOUND', `scope: namespace "${ref.namespace}" does not exist.`, {
          field: 'scope',
          namespace: ref.namespace,
          hint: 'namespace_needed',
        });
      }
      if (await findScope(tx, ref)) throw scopeTaken(scope, 'scope');
      const parentIds = await resolveParents(tx, ref, parents);
      const [row] = await tx
        .insert(scopes)
        .values({ namespaceId: nsId, name: ref.name, description })
        .returning({ id: scopes.id });
      await tx.insert(scopeParents).values(parentIds.map((parentId) => ({ scopeId: row!.id, parentId })));
      return scopeRecord(tx, row!.id);
    });
  }

  updateScope(
    scope: string,
    patch: { newScope?: string; description?: string; parents?: string[] },
  ): Promise<ScopeRecord> {
    return this.tx('scope.update', async (tx) => {
      const row = await requireScope(tx, scope);
      const newName = patch.newScope !== undefined ? parseScope(patch.newScope).name : undefined;
      if (newName !== undefined && newName !== row.name && (await findScope(tx, { namespace: row.namespace, name: newName }))) {
        throw scopeTaken(patch.newScope!, 'new_scope');
      }
      if (patch.parents !== undefined) {
        const parentIds = await resolveParents(tx, row, patch.parents);
        const cycle = await findCycle(tx, row.id, parentIds);
        if (cycle) {
          throw new KaizenError('CYCLE', `parents: that would make a cycle (${cycle}).`, { field: 'parents', cycle, hint: 'cycle' });
        }
        await tx.execute(sql`DELETE FROM scope_parents WHERE scope_id = ${row.id}`);
        await tx.insert(scopeParents).values(parentIds.map((parentId) => ({ scopeId: row.id, parentId })));
      }
      await tx.execute(
        sql`UPDATE scopes SET name = coalesce(${newName ?? null}, name),
              description = coalesce(${patch.description ?? null}, description), updated_at = now()
            WHERE id = ${row.id}`,
      );
      return scopeRecord(tx, row.id);
    });
  }

  deleteScope(scope: string): Promise<{ knowledge: number }> {
    return this.tx('scope.delete', async (tx) => {
      const row = await requireScope(tx, scope);
      const count = await queryOne<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM knowledge WHERE scope_id = ${row.id}`);
      await tx.execute(sql`DELETE FROM scopes WHERE id = ${row.id}`);
      return { knowledge: count!.n };
    });
  }

  scopeAncestors(scope: string): Promise<{ scope: string; depth: number }[]> {
    return guard('scope.ancestors', () => this.ancestorsOf(scope));
  }

  private async ancestorsOf(scope: string): Promise<{ scope: string; depth: number }[]> {
    const row = await findScope(this.db, parseScope(scope));
    if (!row) throw unknownScopeError(scope);
    return query<{ scope: string; depth: number }>(
      this.db,
      sql`WITH RECURSIVE chain(id, depth) AS (
            SELECT ${row.id}::int, 0
            UNION
            SELECT sp.parent_id, c.depth + 1 FROM scope_parents sp JOIN chain c ON sp.scope_id = c.id WHERE c.depth < 64
          )
          SELECT n.name || ':' || s.name AS scope, min(c.depth)::int AS depth
          FROM chain c JOIN scopes s ON s.id = c.id JOIN namespaces n ON n.id = s.namespace_id
          GROUP BY n.name, s.name ORDER BY depth, scope`,
    );
  }

  // ---------- knowledge ----------
  /**
   * One statement on the hot path (the insert resolves the scope and returns the row), so a write is
   * a single round trip; the reason for a refusal is looked up only when nothing was inserted.
   */
  async writeKnowledge(entry: NewKnowledge): Promise<KnowledgeRecord> {
    const ref = parseScope(entry.scope);
    try {
      const row = await queryOne<{ created_at: Date | string; updated_at: Date | string }>(
        this.db,
        sql`INSERT INTO knowledge (id, scope_id, content, context, task_size)
            SELECT ${entry.id}, s.id, ${entry.content}, ${entry.context}, ${rankOf(entry.taskSize)}::smallint
            FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
            WHERE n.name = ${ref.namespace} AND s.name = ${ref.name}
            ON CONFLICT (id) DO NOTHING
            RETURNING created_at, updated_at`,
      );
      if (row) {
        const { id, scope, content, context, taskSize } = entry;
        return { id, scope, content, context, taskSize, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
      }
    } catch (error) {
      throw databaseError('knowledge.write', error);
    }
    await guard('knowledge.write', () => requireScope(this.db, entry.scope));
    throw new KaizenError('ALREADY_EXISTS', `id: an entry with id "${entry.id}" already exists.`, {
      field: 'id',
      id: entry.id,
      hint: 'already_exists',
    });
  }

  getKnowledge(id: string): Promise<KnowledgeRecord | null> {
    return guard('knowledge.get', () => loadKnowledge(this.db, id));
  }

  updateKnowledge(id: string, patch: KnowledgePatch): Promise<KnowledgeRecord> {
    return this.tx('knowledge.update', async (tx) => {
      if (!(await knowledgeExists(tx, id, true))) throw unknownIdError(id);
      const scopeId = patch.scope !== undefined ? (await requireScope(tx, patch.scope)).id : null;
      const clearSize = patch.taskSize === null;
      await tx.execute(
        sql`UPDATE knowledge SET
              content = coalesce(${patch.content ?? null}, content),
              context = coalesce(${patch.context ?? null}, context),
              scope_id = coalesce(${scopeId}::int, scope_id),
              task_size = CASE WHEN ${clearSize} THEN NULL ELSE coalesce(${rankOf(patch.taskSize ?? null)}::smallint, task_size) END,
              updated_at = now()
            WHERE id = ${id}`,
      );
      return (await loadKnowledge(tx, id))!;
    });
  }

  deleteKnowledge(id: string): Promise<void> {
    return this.tx('knowledge.delete', async (tx) => {
      const deleted = await query(tx, sql`DELETE FROM knowledge WHERE id = ${id} RETURNING id`);
      if (deleted.length === 0) throw unknownIdError(id);
    });
  }

  resolveConflict(activeId: string, suppressedIds: string[]): Promise<void> {
    return this.tx('conflict.resolve', async (tx) => {
      const all = [activeId, ...suppressedIds];
      const found = await query<{ id: string }>(
        tx,
        sql`SELECT id FROM knowledge WHERE id IN (${sql.join(all.map((id) => sql`${id}`), sql`, `)}) FOR UPDATE`,
      );
      const known = new Set(found.map((r) => r.id));
      if (!known.has(activeId)) throw unknownIdError(activeId, 'active_id');
      const missing = suppressedIds.filter((id) => !known.has(id));
      if (missing.length) throw unknownIdError(missing, 'suppressed_ids');
      // The winner is visible again if it had been suppressed before.
      await tx.execute(sql`DELETE FROM conflicts WHERE suppressed_id = ${activeId}`);
      await tx
        .insert(conflicts)
        .values(suppressedIds.map((suppressedId) => ({ suppressedId, activeId })))
        .onConflictDoUpdate({ target: conflicts.suppressedId, set: { activeId, createdAt: sql`now()` } });
    });
  }

  // ---------- retrieval ----------
  /** Three statements (scope, term statistics, ranking), each after a look at the caller's signal. */
  async search(request: SearchRequest): Promise<SearchHit[]> {
    throwIfCancelled(request.signal, 'search');
    const scope = await guard('search.scope', () => findScope(this.db, parseScope(request.scope)));
    if (!scope) throw unknownScopeError(request.scope);
    return searchKnowledge(this.db, scope.id, request);
  }

  async stats(): Promise<StoreStats> {
    const row = await guard('stats', () =>
      queryOne<StoreStats>(
        this.db,
        sql`SELECT (SELECT count(*)::int FROM namespaces) AS namespaces,
                   (SELECT count(*)::int FROM scopes) AS scopes,
                   (SELECT count(*)::int FROM knowledge) AS knowledge,
                   (SELECT count(*)::int FROM conflicts) AS suppressed`,
      ),
    );
    return row!;
  }

  // ---------- browsing: resources, completion, change notifications (queries in browse.ts) ----------
  pageNamespaces(page: PageRequest): Promise<NamespaceRecord[]> {
    return guard('browse.pageNamespaces', () => browse.pageNamespaces(this.db, page));
  }

  pageScopes(page: PageRequest & { namespace?: string }): Promise<ScopeSummary[]> {
    return guard('browse.pageScopes', () => browse.pageScopes(this.db, page));
  }

  pageKnowledge(page: PageRequest & { scope?: string }): Promise<KnowledgeListing[]> {
    return guard('browse.pageKnowledge', () => browse.pageKnowledge(this.db, page));
  }

  knowledgeCounts(scopes: string[]): Promise<Record<string, { entries: number; suppressed: number }>> {
    return guard('browse.knowledgeCounts', () => browse.knowledgeCounts(this.db, scopes));
  }

  knowledgeStatus(ids: string[]): Promise<Record<string, KnowledgeStatus>> {
    return guard('browse.knowledgeStatus', () => browse.knowledgeStatus(this.db, ids));
  }

  // ---------- bulk transfer ----------
  async openSnapshot(): Promise<Snapshot> {
    const open = this.openSnapshotDb;
    if (!open) return { reader: this, close: async () => undefined };
    const { db, release } = await guard('export.snapshot', () => open());
    const reader = new DrizzleKnowledgeStore({ db, migrate: async () => undefined, close: async () => undefined });
    let closed = false;
    return {
      reader,
      close: async () => {
        if (closed) return;
        closed = true;
        await guard('export.snapshot', () => release());
      },
    };
  }

  exportKnowledge(page: { namespace?: string; afterId?: string; limit: number }): Promise<KnowledgeRecord[]> {
    return guard('export.knowledge', () => exportKnowledgePage(this.db, page));
  }

  exportConflicts(page: { namespace?: string; after?: ConflictRecord; limit: number }): Promise<ConflictRecord[]> {
    return guard('export.conflicts', () => exportConflictsPage(this.db, page));
  }

  /**
   * The statements of each batch are guarded inside (bulk.ts: "import.knowledge"...). What the caller's
   * batches or progress callback throw (a bad line, a cancellation, a read error of the file) is theirs:
   * it rolls the transaction back and comes out unchanged, not as a database failure.
   */
  async importBatches(batches: AsyncIterable<ImportBatch>, onProgress?: (counts: ImportCounts) => void): Promise<ImportCounts> {
    const callers = new Set<unknown>();
    const theirs = <T>(run: () => T): T => {
      try {
        return run();
      } catch (error) {
        callers.add(error);
        throw error;
      }
    };
    const source = (async function* () {
      try {
        for await (const batch of batches) yield batch;
      } catch (error) {
        callers.add(error);
        throw error;
      }
    })();
    const progress = onProgress && ((counts: ImportCounts) => theirs(() => onProgress(counts)));
    try {
      return await this.db.transaction((tx) => importBatches(tx, source, progress));
    } catch (error) {
      if (callers.has(error)) throw error;
      throw databaseError('import', error);
    }
  }
}

const rankOf = (size: TaskSize | null | undefined): number | null => (size ? taskSizeRank(size) : null);

async function namespaceId(db: Executor, name: string): Promise<number | undefined> {
  return (await queryOne<{ id: number }>(db, sql`SELECT id FROM namespaces WHERE name = ${name}`))?.id;
}

async function knowledgeExists(db: Executor, id: string, lock = false): Promise<boolean> {
  const rows = lock
    ? await query(db, sql`SELECT 1 FROM knowledge WHERE id = ${id} FOR UPDATE`)
    : await query(db, sql`SELECT 1 FROM knowledge WHERE id = ${id}`);
  return rows.length > 0;
}

async function loadKnowledge(db: Executor, id: string): Promise<KnowledgeRecord | null> {
  const row = await queryOne<KnowledgeRow>(
    db,
    sql`SELECT k.id, n.name || ':' || s.name AS scope, k.content, k.context, k.task_size, k.created_at, k.updated_at
        FROM knowledge k JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        WHERE k.id = ${id}`,
  );
  return row ? toKnowledgeRecord(row) : null;
}
