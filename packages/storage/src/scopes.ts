/** Scope look-ups shared by the store's operations; all take the transaction they run in. */
import { sql } from 'drizzle-orm';
import { KaizenError, GLOBAL_DEFAULT_SCOPE, parseScope, unknownScopeError, type ScopeRef } from '@kaizen/domain';
import type { ScopeRecord } from '@kaizen/core';
import { query, queryOne, type Executor } from './sql-util.js';

export interface ScopeRow {
  id: number;
  namespace_id: number;
  namespace: string;
  name: string;
  description: string;
}

export async function findScope(db: Executor, ref: ScopeRef): Promise<ScopeRow | undefined> {
  return queryOne<ScopeRow>(
    db,
    sql`SELECT s.id, s.namespace_id, n.name AS namespace, s.name, s.description
        FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
        WHERE n.name = ${ref.namespace} AND s.name = ${ref.name}`,
  );
}

export async function requireScope(db: Executor, scope: string, field = 'scope'): Promise<ScopeRow> {
  const row = await findScope(db, parseScope(scope));
  if (!row) throw unknownScopeError(scope, field);
  return row;
}

/** Scope records with their direct parents: ns:default first, then the others alphabetically. */
export async function scopeRecords(
  db: Executor,
  filter: { namespace?: string; scopeId?: number } = {},
): Promise<ScopeRecord[]> {
  const rows = await query<{ namespace: string; name: string; description: string; parents: string[] | null }>(
    db,
    sql`SELECT n.name AS namespace, s.name, s.description,
          array_agg(pn.name || ':' || ps.name ORDER BY ps.name <> 'default', pn.name, ps.name)
            FILTER (WHERE ps.id IS NOT NULL) AS parents
        FROM scopes s
        JOIN namespaces n ON n.id = s.namespace_id
        LEFT JOIN scope_parents sp ON sp.scope_id = s.id
        LEFT JOIN scopes ps ON ps.id = sp.parent_id
        LEFT JOIN namespaces pn ON pn.id = ps.namespace_id
        WHERE (${filter.namespace ?? null}::text IS NULL OR n.name = ${filter.namespace ?? null})
          AND (${filter.scopeId ?? null}::int IS NULL OR s.id = ${filter.scopeId ?? null})
        GROUP BY n.name, s.id, s.name, s.description
        ORDER BY n.name, s.name <> 'default', s.name`,
  );
  return rows.map((r) => ({
    scope: `${r.namespace}:${r.name}`,
    namespace: r.namespace,
    description: r.description,
    parents: r.parents ?? [],
  }));
}

export async function scopeRecord(db: Executor, scopeId: number): Promise<ScopeRecord> {
  const [record] = await scopeRecords(db, { scopeId });
  if (!record) throw new KaizenError('INTERNAL', `scope ${scopeId} vanished during the transaction`);
  return record;
}

/** Ids of the parents to link: the namespace default plus each named parent (which must exist). */
export async function resolveParents(db: Executor, scope: ScopeRow | { namespace: string }, parents: string[]) {
  const ids = new Set<number>();
  const nsDefault = await requireScope(db, `${scope.namespace}:default`);
  ids.add(nsDefault.id);
  for (const p of parents) ids.add((await requireScope(db, p, 'parents')).id);
  return [...ids];
}

/**
 * If linking `scopeId` under `parentIds` closes a loop, the loop as qualified names
 * ("a:x -> a:y -> a:x"); null otherwise.
 */
export async function findCycle(db: Executor, scopeId: number, parentIds: number[]): Promise<string | null> {
  if (parentIds.includes(scopeId)) {
    const self = await queryOne<{ q: string }>(
      db,
      sql`SELECT n.name || ':' || s.name AS q FROM scopes s JOIN namespaces n ON n.id = s.namespace_id WHERE s.id = ${scopeId}`,
    );
    return `${self?.q} -> ${self?.q}`;
  }
  const row = await queryOne<{ names: string[] }>(
    db,
    sql`WITH RECURSIVE walk(id, path) AS (
          SELECT s.id, ARRAY[${scopeId}::int, s.id] FROM scopes s
          WHERE s.id IN (${sql.join(parentIds.map((id) => sql`${id}`), sql`, `)})
          UNION ALL
          SELECT sp.parent_id, w.path || sp.parent_id
          FROM scope_parents sp JOIN walk w ON sp.scope_id = w.id
          WHERE w.id <> ${scopeId} AND NOT (sp.parent_id = ANY(w.path[2:]))
        ), hit AS (SELECT path FROM walk WHERE id = ${scopeId} LIMIT 1)
        SELECT array_agg(n.name || ':' || s.name ORDER BY u.ord) AS names
        FROM hit, unnest(hit.path) WITH ORDINALITY AS u(id, ord)
        JOIN scopes s ON s.id = u.id JOIN namespaces n ON n.id = s.namespace_id`,
  );
  return row?.names?.length ? row.names.join(' -> ') : null;
}

export const GLOBAL_DEFAULT = parseScope(GLOBAL_DEFAULT_SCOPE);
