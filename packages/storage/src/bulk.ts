/**
 * Bulk export pages and batched import. Every import statement is set-based: a batch travels as ONE
 * bound JSON parameter unpacked with json_to_recordset, which serialises the same way on PGlite and
 * postgres.js and stays clear of PostgreSQL's 65,535-parameter limit (a multi-row VALUES of 1000
 * entries would need 7000 parameters). All of it runs inside the caller's transaction.
 */
import { sql } from 'drizzle-orm';
import { DEFAULT_SCOPE, KaizenError, parseScope, taskSizeRank } from '@kaizen/domain';
import type { ConflictRecord, ImportBatch, ImportCounts, KnowledgeRecord } from '@kaizen/core';
import { guard } from './database-errors.js';
import { findCycle, GLOBAL_DEFAULT } from './scopes.js';
import { query, queryOne, type Executor, type Tx } from './sql-util.js';
import { toKnowledgeRecord, type KnowledgeRow } from './rows.js';

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::json`;
/** A record the database refuses: `line 12: scope: ...`, the situation in details.hint for the next step. */
const refused = (code: 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CYCLE', line: number, field: string, message: string, details: Record<string, unknown>) =>
  new KaizenError(code, `line ${line}: ${field}: ${message}`, { line, field, ...details });

// ---------- export ----------
export async function exportKnowledgePage(
  db: Executor,
  page: { namespace?: string; afterId?: string; limit: number },
): Promise<KnowledgeRecord[]> {
  const rows = await query<KnowledgeRow>(
    db,
    sql`SELECT k.id, n.name || ':' || s.name AS scope, k.content, k.context, k.task_size, k.created_at, k.updated_at
        FROM knowledge k JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        WHERE (${page.afterId ?? null}::text IS NULL OR k.id > ${page.afterId ?? null}::text)
          AND (${page.namespace ?? null}::text IS NULL OR n.name = ${page.namespace ?? null}::text)
        ORDER BY k.id LIMIT ${page.limit}`,
  );
  return rows.map(toKnowledgeRecord);
}

export async function exportConflictsPage(
  db: Executor,
  page: { namespace?: string; after?: ConflictRecord; limit: number },
): Promise<ConflictRecord[]> {
  const afterActive = page.after ? (page.after.activeId ?? '') : null;
  const rows = await query<{ active_id: string | null; suppressed_id: string }>(
    db,
    sql`SELECT c.active_id, c.suppressed_id
        FROM conflicts c JOIN knowledge k ON k.id = c.suppressed_id
          JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        WHERE (${page.namespace ?? null}::text IS NULL OR n.name = ${page.namespace ?? null}::text)
          AND (${afterActive}::text IS NULL
               OR (coalesce(c.active_id, ''), c.suppressed_id) > (${afterActive}::text, ${page.after?.suppressedId ?? null}::text))
        ORDER BY coalesce(c.active_id, ''), c.suppressed_id LIMIT ${page.limit}`,
  );
  return rows.map((r) => ({ activeId: r.active_id, suppressedId: r.suppressed_id }));
}

// ---------- import ----------
export async function importBatches(
  tx: Tx,
  batches: AsyncIterable<ImportBatch>,
  onProgress?: (counts: ImportCounts) => void,
): Promise<ImportCounts> {
  const counts: ImportCounts = { namespaces: 0, scopes: 0, knowledge: 0, conflicts: 0 };
  let scopeIds: Map<string, number> | undefined;
  let existing: number | undefined;
  let deferred: string[] | undefined;
  for await (const batch of batches) {
    // Only the batch's own statements are guarded: what the batches' source throws is the caller's.
    await guard(`import.${batch.kind}`, async () => {
      switch (batch.kind) {
        case 'namespaces':
          await importNamespaces(tx, batch.items);
          counts.namespaces += batch.items.length;
          scopeIds = undefined;
          break;
        case 'scopes':
          await importScopes(tx, batch.items);
          counts.scopes += batch.items.length;
          scopeIds = undefined;
          break;
        case 'knowledge':
          scopeIds ??= await loadScopeIds(tx);
          await importKnowledge(tx, batch.items, scopeIds);
          counts.knowledge += batch.items.length;
          existing ??= (await queryOne<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM knowledge`))!.n - counts.knowledge;
          if (!deferred && counts.knowledge >= DEFER_INDEXES_AFTER && counts.knowledge >= existing) {
            deferred = await dropSearchIndexes(tx);
          }
          break;
        case 'conflicts':
          await importConflicts(tx, batch.items);
          counts.conflicts += batch.items.length;
          break;
      }
    });
    onProgress?.({ ...counts });
  }
  const rebuild = deferred;
  if (rebuild) {
    await guard('import.indexes', async () => {
      for (const definition of rebuild) await tx.execute(sql.raw(definition));
      // The planner's statistics are stale after a large load, and PGlite runs no autovacuum.
      await tx.execute(sql`ANALYZE knowledge`);
    });
  }
  return counts;
}

/**
 * Maintaining the full-text (GIN/GiST) indexes row by row costs about a third of a large import;
 * building them once at the end is faster. A large import (at least this many entries, and at least
 * as many as the table held) drops them inside its transaction and recreates them from their own
 * definitions before committing (then refreshes the table's statistics); a rollback restores them. On PostgreSQL the dropped index locks the
 * knowledge table against other connections until the import commits.
 */
const DEFER_INDEXES_AFTER = 2000;

async function dropSearchIndexes(tx: Tx): Promise<string[]> {
  const indexes = await query<{ name: string; definition: string }>(
    tx,
    sql`SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
        WHERE x.indrelid = 'knowledge'::regclass AND am.amname IN ('gin', 'gist') AND NOT x.indisunique`,
  );
  for (const index of indexes) await tx.execute(sql`DROP INDEX ${sql.identifier(index.name)}`);
  return indexes.map((i) => i.definition);
}

type Items<K extends ImportBatch['kind']> = Extract<ImportBatch, { kind: K }>['items'];

/** New namespaces get their default scope under global:default; existing ones take the file's description. */
async function importNamespaces(tx: Tx, items: Items<'namespaces'>): Promise<void> {
  const rows = json(items.map((i) => ({ name: i.name, description: i.description, default_description: i.defaultScopeDescription })));
  await tx.execute(
    sql`WITH input AS (SELECT * FROM json_to_recordset(${rows}) AS x(name text, description text, default_description text)),
        upserted AS (
          INSERT INTO namespaces (name, description) SELECT name, description FROM input
          ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, updated_at = now()
          RETURNING id, name
        )
        INSERT INTO scopes (namespace_id, name, description)
        SELECT u.id, ${DEFAULT_SCOPE}, i.default_description FROM upserted u JOIN input i ON i.name = u.name
        ON CONFLICT (namespace_id, name) DO NOTHING`,
  );
  await tx.execute(
    sql`INSERT INTO scope_parents (scope_id, parent_id)
        SELECT s.id, g.id
        FROM scopes s JOIN namespaces n ON n.id = s.namespace_id,
             scopes g JOIN namespaces gn ON gn.id = g.namespace_id
        WHERE s.name = ${DEFAULT_SCOPE} AND n.name <> ${GLOBAL_DEFAULT.namespace}
          AND n.name IN (SELECT name FROM json_to_recordset(${rows}) AS x(name text))
          AND gn.name = ${GLOBAL_DEFAULT.namespace} AND g.name = ${GLOBAL_DEFAULT.name}
        ON CONFLICT DO NOTHING`,
  );
}

/**
 * Creates or updates the scopes, then sets the parents of each non-default one to its namespace
 * default plus the file's parents (which may name scopes anywhere in the file or the database).
 */
async function importScopes(tx: Tx, items: Items<'scopes'>): Promise<void> {
  const scopeRows = json(items.map((i) => ({ line: i.line, ...parseScope(i.scope), description: i.description })));
  const orphan = await queryOne<{ line: number; namespace: string }>(
    tx,
    sql`SELECT x.line, x.namespace FROM json_to_recordset(${scopeRows}) AS x(line int, namespace text)
        WHERE NOT EXISTS (SELECT 1 FROM namespaces n WHERE n.name = x.namespace) ORDER BY x.line LIMIT 1`,
  );
  if (orphan) {
    throw refused('NOT_FOUND', orphan.line, 'scope', `namespace "${orphan.namespace}" is neither in the file nor in the database.`, {
      namespace: orphan.namespace,
      hint: 'namespace_needed',
    });
  }
  const ids = await query<{ line: number; id: number; name: string }>(
    tx,
    sql`WITH upserted AS (
          INSERT INTO scopes (namespace_id, name, description)
          SELECT n.id, x.name, x.description
          FROM json_to_recordset(${scopeRows}) AS x(namespace text, name text, description text)
          JOIN namespaces n ON n.name = x.namespace
          ON CONFLICT (namespace_id, name) DO UPDATE SET description = EXCLUDED.description, updated_at = now()
          RETURNING id, namespace_id, name
        )
        SELECT x.line, u.id, u.name FROM upserted u JOIN namespaces n ON n.id = u.namespace_id
        JOIN json_to_recordset(${scopeRows}) AS x(line int, namespace text, name text)
          ON x.namespace = n.name AND x.name = u.name`,
  );
  const idOfLine = new Map(ids.map((r) => [r.line, r.id]));

  const links = items
    .filter((i) => parseScope(i.scope).name !== DEFAULT_SCOPE)
    .flatMap((i) => {
      const implicit = `${parseScope(i.scope).namespace}:${DEFAULT_SCOPE}`;
      return [...new Set([implicit, ...i.parents])].map((p) => ({ line: i.line, scope_id: idOfLine.get(i.line), ...prefixed(parseScope(p)) }));
    });
  if (links.length === 0) return;
  const linkRows = json(links);
  const missing = await queryOne<{ line: number; parent: string }>(
    tx,
    sql`SELECT x.line, x.p_namespace || ':' || x.p_name AS parent
        FROM json_to_recordset(${linkRows}) AS x(line int, p_namespace text, p_name text)
        WHERE NOT EXISTS (SELECT 1 FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
                          WHERE n.name = x.p_namespace AND s.name = x.p_name)
        ORDER BY x.line LIMIT 1`,
  );
  if (missing) {
    throw refused('NOT_FOUND', missing.line, 'parents', `scope "${missing.parent}" is neither in the file nor in the database.`, {
      scope: missing.parent,
      hint: 'unknown_scope',
    });
  }
  const childIds = [...new Set(links.map((l) => l.scope_id))];
  await tx.execute(sql`DELETE FROM scope_parents WHERE scope_id IN (SELECT (value #>> '{}')::int FROM json_array_elements(${json(childIds)}))`);
  await tx.execute(
    sql`INSERT INTO scope_parents (scope_id, parent_id)
        SELECT x.scope_id, s.id FROM json_to_recordset(${linkRows}) AS x(scope_id int, p_namespace text, p_name text)
        JOIN namespaces n ON n.name = x.p_namespace JOIN scopes s ON s.namespace_id = n.id AND s.name = x.p_name
        ON CONFLICT DO NOTHING`,
  );
  await refuseCycles(tx, items, idOfLine);
}

const prefixed = (ref: { namespace: string; name: string }) => ({ p_namespace: ref.namespace, p_name: ref.name });

async function refuseCycles(tx: Tx, items: Items<'scopes'>, idOfLine: Map<number, number>): Promise<void> {
  const starts = [...idOfLine.values()];
  const looped = await queryOne<{ id: number }>(
    tx,
    sql`WITH RECURSIVE walk(start, id) AS (
          SELECT sp.scope_id, sp.parent_id FROM scope_parents sp
          WHERE sp.scope_id IN (SELECT (value #>> '{}')::int FROM json_array_elements(${json(starts)}))
          UNION
          SELECT w.start, sp.parent_id FROM walk w JOIN scope_parents sp ON sp.scope_id = w.id WHERE w.id <> w.start
        )
        SELECT start AS id FROM walk WHERE id = start LIMIT 1`,
  );
  if (!looped) return;
  const line = [...idOfLine.entries()].find(([, id]) => id === looped.id)?.[0] ?? items[0]!.line;
  const parents = await query<{ parent_id: number }>(tx, sql`SELECT parent_id FROM scope_parents WHERE scope_id = ${looped.id}`);
  const cycle = await findCycle(tx, looped.id, parents.map((p) => p.parent_id));
  throw refused('CYCLE', line, 'parents', `they make a cycle (${cycle ?? 'a scope inherits from itself'}).`, { cycle, hint: 'cycle' });
}

async function loadScopeIds(tx: Tx): Promise<Map<string, number>> {
  const rows = await query<{ scope: string; id: number }>(
    tx,
    sql`SELECT n.name || ':' || s.name AS scope, s.id FROM scopes s JOIN namespaces n ON n.id = s.namespace_id`,
  );
  return new Map(rows.map((r) => [r.scope, r.id]));
}

async function importKnowledge(tx: Tx, items: Items<'knowledge'>, scopeIds: Map<string, number>): Promise<void> {
  const rows = items.map((i) => {
    const scopeId = scopeIds.get(i.scope);
    if (scopeId === undefined) {
      throw refused('NOT_FOUND', i.line, 'scope', `scope "${i.scope}" is neither in the file nor in the database.`, {
        scope: i.scope,
        hint: 'unknown_scope',
      });
    }
    return {
      id: i.id,
      scope_id: scopeId,
      content: i.content,
      context: i.context,
      task_size: i.taskSize ? taskSizeRank(i.taskSize) : null,
      created_at: i.createdAt?.toISOString() ?? null,
      updated_at: i.updatedAt?.toISOString() ?? null,
    };
  });
  const inserted = await query<{ id: string }>(
    tx,
    sql`INSERT INTO knowledge (id, scope_id, content, context, task_size, created_at, updated_at)
        SELECT x.id, x.scope_id, x.content, x.context, x.task_size,
               coalesce(x.created_at, now()), coalesce(x.updated_at, x.created_at, now())
        FROM json_to_recordset(${json(rows)})
          AS x(id text, scope_id int, content text, context text, task_size smallint, created_at timestamptz, updated_at timestamptz)
        ON CONFLICT (id) DO NOTHING
        RETURNING id`,
  );
  if (inserted.length === items.length) return;
  const fresh = new Set(inserted.map((r) => r.id));
  const taken = items.find((i) => !fresh.has(i.id))!;
  throw refused('ALREADY_EXISTS', taken.line, 'id', `an entry with id "${taken.id}" already exists in the database.`, {
    id: taken.id,
    hint: 'already_exists',
  });
}

/** Suppressions as recorded: a winner in the file is not restored (resolving a conflict restores it). */
async function importConflicts(tx: Tx, items: Items<'conflicts'>): Promise<void> {
  const rows = json(items.map((i) => ({ line: i.line, active_id: i.activeId, suppressed_id: i.suppressedId })));
  const unknown = await queryOne<{ line: number; id: string; field: string }>(
    tx,
    sql`WITH x AS (SELECT * FROM json_to_recordset(${rows}) AS x(line int, active_id text, suppressed_id text)),
        ref AS (SELECT line, suppressed_id AS id, 'suppressed_ids' AS field FROM x
                UNION ALL SELECT line, active_id, 'active_id' FROM x WHERE active_id IS NOT NULL)
        SELECT line, id, field FROM ref WHERE NOT EXISTS (SELECT 1 FROM knowledge k WHERE k.id = ref.id)
        ORDER BY line, field LIMIT 1`,
  );
  if (unknown) {
    throw refused('NOT_FOUND', unknown.line, unknown.field, `no entry has id "${unknown.id}" in the file or the database.`, {
      ids: [unknown.id],
      hint: 'unknown_id',
    });
  }
  await tx.execute(
    sql`INSERT INTO conflicts (suppressed_id, active_id)
        SELECT suppressed_id, active_id FROM json_to_recordset(${rows}) AS x(active_id text, suppressed_id text)
        ON CONFLICT (suppressed_id) DO UPDATE SET active_id = EXCLUDED.active_id, created_at = now()`,
  );
}
