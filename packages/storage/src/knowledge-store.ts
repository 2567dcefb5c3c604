import { sql } from 'drizzle-orm';
import {
  KaizenError,
  parseScope,
  taskSizeRank,
  type TaskSize,
} from '@kaizen/domain';
import type {
  ChangeRelay,
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
import { conflicts, namespaces, scopeParents, scopes } from './schema.js';
import {
  GLOBAL_DEFAULT,
  findCycle,
  findScope,
  requireScope,
  resolveParents,
  scopeRecord,
  scopeRecords,
  unknownScope,
} from './scopes.js';
import { searchKnowledge } from './search.js';
import * as browse from './browse.js';
import { exportConflictsPage, exportKnowledgePage, importBatches } from './bulk.js';
import { query, queryOne, translateError, type Db, type Executor, type Tx } from './sql-util.js';
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

const unknownNamespace = (name: string, field = 'name') =>
  new KaizenError('NOT_FOUND', `${field}: namespace "${name}" does not exist. Call get_namespaces to list namespaces.`);
const unknownId = (id: string, field = 'id') =>
  new KaizenError(
    'NOT_FOUND',
    `${field}: no knowledge entry has id "${id}". Use an id returned by write_knowledge or get_task_context.`,
  );

/** The KnowledgeStore port on Drizzle; the same SQL runs on PGlite and PostgreSQL. */
export class DrizzleKnowledgeStore implements KnowledgeStore {
  readonly db: Db;
  /** Set on PostgreSQL, where several servers may share the database: see ChangeRelay. */
  readonly relay?: ChangeRelay;
  private readonly runMigrations: () => Promise<void>;
  private readonly closeDriver: () => Promise<void>;
  private readonly openSnapshotDb: DrizzleStoreOptions['snapshot'];

  constructor(options: DrizzleStoreOptions) {
    this.db = options.db;
    this.runMigrations = options.migrate;
    this.closeDriver = options.close;
    this.openSnapshotDb = options.snapshot;
    this.relay = options.relay;
  }

  async migrate(): Promise<void> {
    await this.runMigrations();
  }

  close(): Promise<void> {
    return this.closeDriver();
  }

  async ping(): Promise<void> {
    await query(this.db, sql`SELECT 1 FROM namespaces LIMIT 1`);
  }

  /** Runs fn in one transaction; driver errors become KaizenErrors. */
  protected async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (error) {
      throw translateError(error);
    }
  }

  // ---------- namespaces ----------
  async listNamespaces(filter: { namespace?: string } = {}): Promise<NamespaceRecord[]> {
    return query<NamespaceRecord>(
      this.db,
      sql`SELECT name, description FROM namespaces
          WHERE (${filter.namespace ?? null}::text IS NULL OR name = ${filter.namespace ?? null})
          ORDER BY name = 'global' DESC, name`,
    );
  }

  listScopes(filter: { namespace?: string } = {}): Promise<ScopeRecord[]> {
    return scopeRecords(this.db, filter);
  }

  createNamespace(ns: NamespaceRecord, defaultScopeDescription: string): Promise<void> {
    return this.tx(async (tx) => {
      const existing = await namespaceId(tx, ns.name);
      if (existing !== undefined) {
        throw new KaizenError(
          'ALREADY_EXISTS',
          `name: namespace "${ns.name}" already exists. Use it, or pick another name.`,
        );
      }
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
    return this.tx(async (tx) => {
      const id = await namespaceId(tx, name);
      if (id === undefined) throw unknownNamespace(name);
      if (patch.newName !== undefined && patch.newName !== name && (await namespaceId(tx, patch.newName)) !== undefined) {
        throw new KaizenError('ALREADY_EXISTS', `new_name: namespace "${patch.newName}" already exists. Pick another name.`);
      }
      await tx.execute(
        sql`UPDATE namespaces SET name = coalesce(${patch.newName ?? null}, name),
              description = coalesce(${patch.description ?? null}, description), updated_at = now()
            WHERE id = ${id}`,
      );
    });
  }

  deleteNamespace(name: string): Promise<{ scopes: number; knowledge: number }> {
    return this.tx(async (tx) => {
      const id = await namespaceId(tx, name);
      if (id === undefined) throw unknownNamespace(name);
      const counts = await queryOne<{ scopes: number; knowledge: number }>(
        tx,
        sql`SELECT (SELECT count(*)::int FROM scopes WHERE namespace_id = ${id}) AS scopes,
                   (SELECT count(*)::int FROM knowledge k JOIN scopes s ON s.id = k.scope_id
                     WHERE s.namespace_id = ${id}) AS knowledge`,
      );
      await tx.execute(sql`DELETE FROM namespaces WHERE id = ${id}`);
      return { scopes: counts!.scopes, knowledge: counts!.knowledge };
    });
  }

  // ---------- scopes ----------
  async getScope(scope: string): Promise<ScopeRecord | null> {
    const row = await findScope(this.db, parseScope(scope));
    return row ? scopeRecord(this.db, row.id) : null;
  }

  createScope(scope: string, description: string, parents: string[]): Promise<ScopeRecord> {
    return this.tx(async (tx) => {
      const ref = parseScope(scope);
      const nsId = await namespaceId(tx, ref.namespace);
      if (nsId === undefined) {
        throw new KaizenError(
          'NOT_FOUND',
          `scope: namespace "${ref.namespace}" does not exist. Create it with create_namespace first, or call get_namespaces.`,
        );
      }
      if (await findScope(tx, ref)) {
        throw new KaizenError('ALREADY_EXISTS', `scope: "${scope}" already exists. Use update_scope to change it.`);
      }
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
    return this.tx(async (tx) => {
      const row = await requireScope(tx, scope);
      const newName = patch.newScope !== undefined ? parseScope(patch.newScope).name : undefined;
      if (newName !== undefined && newName !== row.name && (await findScope(tx, { namespace: row.namespace, name: newName }))) {
        throw new KaizenError('ALREADY_EXISTS', `new_scope: "${patch.newScope}" already exists. Pick another name.`);
      }
      if (patch.parents !== undefined) {
        const parentIds = await resolveParents(tx, row, patch.parents);
        const cycle = await findCycle(tx, row.id, parentIds);
        if (cycle) {
          throw new KaizenError(
            'CYCLE',
            `parents: that would make a cycle (${cycle}). A scope cannot inherit from itself or its descendants; drop that parent.`,
          );
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
    return this.tx(async (tx) => {
      const row = await requireScope(tx, scope);
      const count = await queryOne<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM knowledge WHERE scope_id = ${row.id}`);
      await tx.execute(sql`DELETE FROM scopes WHERE id = ${row.id}`);
      return { knowledge: count!.n };
    });
  }

  async scopeAncestors(scope: string): Promise<{ scope: string; depth: number }[]> {
    const row = await findScope(this.db, parseScope(scope));
    if (!row) throw unknownScope(scope);
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
      throw translateError(error);
    }
    await requireScope(this.db, entry.scope);
    throw new KaizenError('ALREADY_EXISTS', `id: an entry with id "${entry.id}" already exists.`);
  }

  getKnowledge(id: string): Promise<KnowledgeRecord | null> {
    return loadKnowledge(this.db, id);
  }

  updateKnowledge(id: string, patch: KnowledgePatch): Promise<KnowledgeRecord> {
    return this.tx(async (tx) => {
      if (!(await knowledgeExists(tx, id, true))) throw unknownId(id);
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
    return this.tx(async (tx) => {
      const deleted = await query(tx, sql`DELETE FROM knowledge WHERE id = ${id} RETURNING id`);
      if (deleted.length === 0) throw unknownId(id);
    });
  }

  resolveConflict(activeId: string, suppressedIds: string[]): Promise<void> {
    return this.tx(async (tx) => {
      const all = [activeId, ...suppressedIds];
      const found = await query<{ id: string }>(
        tx,
        sql`SELECT id FROM knowledge WHERE id IN (${sql.join(all.map((id) => sql`${id}`), sql`, `)}) FOR UPDATE`,
      );
      const known = new Set(found.map((r) => r.id));
      if (!known.has(activeId)) throw unknownId(activeId, 'active_id');
      const missing = suppressedIds.filter((id) => !known.has(id));
      if (missing.length) {
        throw new KaizenError(
          'NOT_FOUND',
          `suppressed_ids: no knowledge entry has id ${missing.map((m) => `"${m}"`).join(', ')}. Nothing was changed.`,
        );
      }
      // The winner is visible again if it had been suppressed before.
      await tx.execute(sql`DELETE FROM conflicts WHERE suppressed_id = ${activeId}`);
      await tx
        .insert(conflicts)
        .values(suppressedIds.map((suppressedId) => ({ suppressedId, activeId })))
        .onConflictDoUpdate({ target: conflicts.suppressedId, set: { activeId, createdAt: sql`now()` } });
    });
  }

  // ---------- retrieval ----------
  async search(request: SearchRequest): Promise<SearchHit[]> {
    const scope = await findScope(this.db, parseScope(request.scope));
    if (!scope) throw unknownScope(request.scope);
    return searchKnowledge(this.db, scope.id, request);
  }

  async stats(): Promise<StoreStats> {
    const row = await queryOne<StoreStats>(
      this.db,
      sql`SELECT (SELECT count(*)::int FROM namespaces) AS namespaces,
                 (SELECT count(*)::int FROM scopes) AS scopes,
                 (SELECT count(*)::int FROM knowledge) AS knowledge,
                 (SELECT count(*)::int FROM conflicts) AS suppressed`,
    );
    return row!;
  }

  // ---------- browsing: resources, completion, change notifications (issue 4; queries in browse.ts) ----------
  pageNamespaces(page: PageRequest): Promise<NamespaceRecord[]> {
    return browse.pageNamespaces(this.db, page);
  }

  pageScopes(page: PageRequest & { namespace?: string }): Promise<ScopeSummary[]> {
    return browse.pageScopes(this.db, page);
  }

  pageKnowledge(page: PageRequest & { scope?: string }): Promise<KnowledgeListing[]> {
    return browse.pageKnowledge(this.db, page);
  }

  knowledgeCounts(scopes: string[]): Promise<Record<string, { entries: number; suppressed: number }>> {
    return browse.knowledgeCounts(this.db, scopes);
  }

  knowledgeStatus(ids: string[]): Promise<Record<string, KnowledgeStatus>> {
    return browse.knowledgeStatus(this.db, ids);
  }

  // ---------- bulk transfer ----------
  async openSnapshot(): Promise<Snapshot> {
    if (!this.openSnapshotDb) return { reader: this, close: async () => undefined };
    const { db, release } = await this.openSnapshotDb();
    const reader = new DrizzleKnowledgeStore({ db, migrate: async () => undefined, close: async () => undefined });
    let closed = false;
    return {
      reader,
      close: async () => {
        if (closed) return;
        closed = true;
        await release();
      },
    };
  }

  exportKnowledge(page: { namespace?: string; afterId?: string; limit: number }): Promise<KnowledgeRecord[]> {
    return exportKnowledgePage(this.db, page);
  }

  exportConflicts(page: { namespace?: string; after?: ConflictRecord; limit: number }): Promise<ConflictRecord[]> {
    return exportConflictsPage(this.db, page);
  }

  importBatches(batches: AsyncIterable<ImportBatch>, onProgress?: (counts: ImportCounts) => void): Promise<ImportCounts> {
    return this.tx((tx) => importBatches(tx, batches, onProgress));
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
