/**
 * Read-only queries behind the MCP resources and completions: keyset pages (so that resources/list stays
 * cheap on large stores), entry counts and conflict status. Keys sort with COLLATE "C" (byte order) so
 * that PGlite and PostgreSQL page identically whatever the database's locale. A page restricted to the
 * caller's readable namespaces (PageRequest.readableNamespaces) is filtered in the query.
 */
import { sql, type SQL } from 'drizzle-orm';
import { parseScope } from '@kaizen/domain';
import type { KnowledgeListing, KnowledgeStatus, NamespaceRecord, PageRequest, ScopeSummary } from '@kaizen/core';
import { query, textArray, type Executor } from './sql-util.js';
import { toKnowledgeRecord, type KnowledgeRow } from './rows.js';

const maybe = (value: string | undefined) => value ?? null;

/**
 * `AND <column> = ANY(readable)` when the page is restricted to readable namespaces (in the query, so a
 * page is full of rows the caller may see); nothing when it is not.
 */
const readableOnly = (column: SQL, readable: readonly string[] | undefined): SQL =>
  readable === undefined ? sql`` : sql` AND ${column} = ANY(${textArray(readable)})`;

export function pageNamespaces(db: Executor, page: PageRequest): Promise<NamespaceRecord[]> {
  return query<NamespaceRecord>(
    db,
    sql`SELECT name, description FROM namespaces
        WHERE (${maybe(page.after)}::text IS NULL OR name COLLATE "C" > ${maybe(page.after)})
          AND (${maybe(page.prefix)}::text IS NULL OR starts_with(name, ${maybe(page.prefix)}))${readableOnly(sql`name`, page.readableNamespaces)}
        ORDER BY name COLLATE "C" LIMIT ${page.limit}`,
  );
}

export function pageScopes(db: Executor, page: PageRequest & { namespace?: string }): Promise<ScopeSummary[]> {
  return query<ScopeSummary>(
    db,
    sql`SELECT q.scope, q.description FROM (
          SELECT n.name || ':' || s.name AS scope, s.name, n.name AS namespace, s.description
          FROM scopes s JOIN namespaces n ON n.id = s.namespace_id) q
        WHERE (${maybe(page.after)}::text IS NULL OR q.scope COLLATE "C" > ${maybe(page.after)})
          AND (${maybe(page.namespace)}::text IS NULL OR q.namespace = ${maybe(page.namespace)})
          AND (${maybe(page.prefix)}::text IS NULL OR starts_with(q.scope, ${maybe(page.prefix)})
               OR starts_with(q.name, ${maybe(page.prefix)}))${readableOnly(sql`q.namespace`, page.readableNamespaces)}
        ORDER BY q.scope COLLATE "C" LIMIT ${page.limit}`,
  );
}

interface ListingRow extends KnowledgeRow {
  suppressed: boolean;
}

export async function pageKnowledge(db: Executor, page: PageRequest & { scope?: string }): Promise<KnowledgeListing[]> {
  const ref = page.scope ? parseScope(page.scope) : undefined;
  const rows = await query<ListingRow>(
    db,
    sql`SELECT k.id, n.name || ':' || s.name AS scope, k.content, k.context, k.task_size, k.created_at, k.updated_at,
               EXISTS (SELECT 1 FROM conflicts c WHERE c.suppressed_id = k.id) AS suppressed
        FROM knowledge k JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        WHERE (${maybe(page.after)}::text IS NULL OR k.id COLLATE "C" > ${maybe(page.after)})
          AND (${maybe(page.prefix)}::text IS NULL OR starts_with(k.id, ${maybe(page.prefix)}))
          AND (${maybe(ref?.namespace)}::text IS NULL OR (n.name = ${maybe(ref?.namespace)} AND s.name = ${maybe(ref?.name)}))${readableOnly(sql`n.name`, page.readableNamespaces)}
        ORDER BY k.id COLLATE "C" LIMIT ${page.limit}`,
  );
  return rows.map((r) => ({ ...toKnowledgeRecord(r), suppressed: r.suppressed }));
}

export async function knowledgeCounts(
  db: Executor,
  scopes: string[],
): Promise<Record<string, { entries: number; suppressed: number }>> {
  const out: Record<string, { entries: number; suppressed: number }> = {};
  for (const scope of scopes) out[scope] = { entries: 0, suppressed: 0 };
  if (scopes.length === 0) return out;
  const rows = await query<{ scope: string; entries: number; suppressed: number }>(
    db,
    sql`SELECT n.name || ':' || s.name AS scope, count(k.id)::int AS entries, count(c.suppressed_id)::int AS suppressed
        FROM scopes s JOIN namespaces n ON n.id = s.namespace_id
        JOIN knowledge k ON k.scope_id = s.id LEFT JOIN conflicts c ON c.suppressed_id = k.id
        WHERE n.name || ':' || s.name = ANY(${textArray(scopes)})
        GROUP BY n.name, s.name`,
  );
  for (const r of rows) out[r.scope] = { entries: r.entries, suppressed: r.suppressed };
  return out;
}

export async function knowledgeStatus(db: Executor, ids: string[]): Promise<Record<string, KnowledgeStatus>> {
  if (ids.length === 0) return {};
  const rows = await query<{ id: string; scope: string; suppressed: boolean; suppressed_by: string | null; suppresses: string[] | null }>(
    db,
    sql`SELECT k.id, n.name || ':' || s.name AS scope, c.suppressed_id IS NOT NULL AS suppressed, c.active_id AS suppressed_by,
               (SELECT array_agg(w.suppressed_id ORDER BY w.suppressed_id) FROM conflicts w WHERE w.active_id = k.id) AS suppresses
        FROM knowledge k JOIN scopes s ON s.id = k.scope_id JOIN namespaces n ON n.id = s.namespace_id
        LEFT JOIN conflicts c ON c.suppressed_id = k.id
        WHERE k.id = ANY(${textArray(ids)})`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.id,
      { scope: r.scope, suppressed: r.suppressed, suppressedBy: r.suppressed_by, suppresses: r.suppresses ?? [] },
    ]),
  );
}
