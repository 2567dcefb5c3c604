/**
 * API keys, grants and the audit trail on the same database as the knowledge: the ApiKeyStore,
 * GrantStore and AuditStore ports of @kaizen/core. A companion of DrizzleKnowledgeStore (exposed as
 * `store.security`) rather than more methods on it: the authentication and authorization layers need
 * these and nothing else, KnowledgeStore stays the knowledge's port, and neither file grows past reading.
 * Grants following a renamed or deleted namespace are the knowledge store's part (knowledge-store.ts),
 * inside the transaction of the rename or deletion. Every method runs under guard('<statement>').
 */
import { sql } from 'drizzle-orm';
import { KaizenError, unknownNamespaceError } from '@kaizen/domain';
import type {
  ApiKeyInfo,
  ApiKeyRecord,
  ApiKeyStore,
  AuditEvent,
  AuditFilter,
  AuditRecord,
  AuditStore,
  Grant,
  GrantStore,
  NewApiKey,
  NewGrant,
} from '@kaizen/core';
import { guard } from './database-errors.js';
import { query, queryOne, textArray, type Db } from './sql-util.js';
import {
  isoOrNull,
  toApiKeyInfo,
  toApiKeyRecord,
  toAuditRecord,
  toGrant,
  type ApiKeyRow,
  type AuditRow,
  type GrantRow,
} from './security-rows.js';

/** Every namespace, in a grant's namespace column. */
export const ALL_NAMESPACES = '*';
export const AUDIT_DEFAULT_LIMIT = 100;
export const AUDIT_MAX_LIMIT = 10_000;

const KEY_COLUMNS = sql`id, name, principal, scopes, created_at, expires_at, revoked_at, last_used_at`;
const GRANT_COLUMNS = sql`principal, namespace, role, granted_by, created_at`;

export class DrizzleSecurityStore implements ApiKeyStore, GrantStore, AuditStore {
  constructor(private readonly db: Db) {}

  // ---------- API keys ----------
  async createApiKey(key: NewApiKey): Promise<void> {
    const inserted = await guard('apikeys.create', () =>
      query(
        this.db,
        sql`INSERT INTO api_keys (id, name, principal, scopes, secret_hash, expires_at)
            VALUES (${key.id}, ${key.name ?? null}, ${key.principal}, ${textArray(key.scopes)}, ${key.secretHash},
                    ${isoOrNull(key.expiresAt)}::timestamptz)
            ON CONFLICT (id) DO NOTHING RETURNING id`,
      ),
    );
    if (inserted.length === 0) {
      throw new KaizenError('ALREADY_EXISTS', `id: an API key with id "${key.id}" already exists.`, { field: 'id', id: key.id });
    }
  }

  /** The hash is not even selected: what is never read cannot leak through a listing. */
  async listApiKeys(): Promise<ApiKeyInfo[]> {
    const rows = await guard('apikeys.list', () =>
      query<ApiKeyRow>(this.db, sql`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`),
    );
    return rows.map(toApiKeyInfo);
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const rows = await guard('apikeys.revoke', () =>
      query(this.db, sql`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${id} RETURNING id`),
    );
    return rows.length > 0;
  }

  async findApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await guard('apikeys.find', () =>
      queryOne<ApiKeyRow>(this.db, sql`SELECT ${KEY_COLUMNS}, secret_hash FROM api_keys WHERE id = ${id}`),
    );
    return row ? toApiKeyRecord(row) : undefined;
  }

  /** Writes only when `at` is newer, so a late or repeated touch costs a read, not a row version. */
  async touchApiKey(id: string, at: Date): Promise<void> {
    await guard('apikeys.touch', () =>
      this.db.execute(
        sql`UPDATE api_keys SET last_used_at = ${at.toISOString()}::timestamptz
            WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < ${at.toISOString()}::timestamptz)`,
      ),
    );
  }

  // ---------- grants ----------
  /**
   * The namespace row is read FOR SHARE: a concurrent rename or deletion (which lock it for update,
   * then move or delete its grants) either waits for this grant to commit and then carries it along,
   * or commits first, and this finds no namespace.
   */
  setGrant(grant: NewGrant): Promise<void> {
    return guard('grants.set', () =>
      this.db.transaction(async (tx) => {
        if (grant.namespace !== ALL_NAMESPACES) {
          const found = await queryOne(tx, sql`SELECT 1 AS found FROM namespaces WHERE name = ${grant.namespace} FOR SHARE`);
          if (!found) throw unknownNamespaceError(grant.namespace, 'namespace');
        }
        await tx.execute(
          sql`INSERT INTO grants (principal, namespace, role, granted_by)
              VALUES (${grant.principal}, ${grant.namespace}, ${grant.role}, ${grant.grantedBy ?? null})
              ON CONFLICT (principal, namespace)
              DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, created_at = now()`,
        );
      }),
    );
  }

  async removeGrant(principal: string, namespace: string): Promise<boolean> {
    const rows = await guard('grants.remove', () =>
      query(this.db, sql`DELETE FROM grants WHERE principal = ${principal} AND namespace = ${namespace} RETURNING principal`),
    );
    return rows.length > 0;
  }

  async listGrants(filter: { namespace?: string; principal?: string } = {}): Promise<Grant[]> {
    const namespace = filter.namespace ?? null;
    const principal = filter.principal ?? null;
    const rows = await guard('grants.list', () =>
      query<GrantRow>(
        this.db,
        sql`SELECT ${GRANT_COLUMNS} FROM grants
            WHERE (${namespace}::text IS NULL OR namespace = ${namespace}::text)
              AND (${principal}::text IS NULL OR principal = ${principal}::text)
            ORDER BY namespace, principal`,
      ),
    );
    return rows.map(toGrant);
  }

  async grantsFor(principals: string[]): Promise<Grant[]> {
    if (principals.length === 0) return [];
    const rows = await guard('grants.for', () =>
      query<GrantRow>(
        this.db,
        sql`SELECT ${GRANT_COLUMNS} FROM grants WHERE principal = ANY(${textArray(principals)}) ORDER BY namespace, principal`,
      ),
    );
    return rows.map(toGrant);
  }

  // ---------- audit trail ----------
  async appendAudit(event: AuditEvent): Promise<void> {
    await guard('audit.append', () => insertAudit(this.db, [event]));
  }

  async appendAuditBatch(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await guard('audit.appendBatch', () => insertAudit(this.db, events));
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? AUDIT_DEFAULT_LIMIT), 1), AUDIT_MAX_LIMIT);
    const namespace = filter.namespace ?? null;
    const principal = filter.principal ?? null;
    const since = isoOrNull(filter.since);
    const rows = await guard('audit.list', () =>
      query<AuditRow>(
        this.db,
        sql`SELECT id::text AS id, at, principal, client_id, action, namespace, scope, ids, outcome, request_id, address, detail
            FROM audit_events
            WHERE (${namespace}::text IS NULL OR namespace = ${namespace}::text)
              AND (${principal}::text IS NULL OR principal = ${principal}::text)
              AND (${since}::timestamptz IS NULL OR at >= ${since}::timestamptz)
            ORDER BY at DESC, id DESC LIMIT ${limit}`,
      ),
    );
    return rows.map(toAuditRecord);
  }

  /** Through kaizen_prune_audit (migration 0003): the one path the append-only trigger lets delete. */
  async pruneAudit(before: Date): Promise<number> {
    const row = await guard('audit.prune', () =>
      queryOne<{ removed: string }>(this.db, sql`SELECT kaizen_prune_audit(${before.toISOString()}::timestamptz)::text AS removed`),
    );
    return Number(row?.removed ?? 0);
  }
}

/**
 * One statement for any number of events: they travel as ONE JSON parameter unpacked with
 * json_to_recordset (as the import's batches do), which turns the JSON arrays of `ids` into text[].
 */
async function insertAudit(db: Db, events: AuditEvent[]): Promise<void> {
  const rows = events.map((e) => ({
    at: isoOrNull(e.at),
    principal: e.principal,
    client_id: e.clientId ?? null,
    action: e.action,
    namespace: e.namespace ?? null,
    scope: e.scope ?? null,
    ids: e.ids ?? null,
    outcome: e.outcome,
    request_id: e.requestId ?? null,
    address: e.address ?? null,
    detail: e.detail ?? null,
  }));
  await db.execute(
    sql`INSERT INTO audit_events (at, principal, client_id, action, namespace, scope, ids, outcome, request_id, address, detail)
        SELECT coalesce(r.at, now()), r.principal, r.client_id, r.action, r.namespace, r.scope, r.ids, r.outcome,
               r.request_id, r.address, r.detail
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(
          at timestamptz, principal text, client_id text, action text, namespace text, scope text, ids text[],
          outcome text, request_id text, address text, detail jsonb)`,
  );
}
