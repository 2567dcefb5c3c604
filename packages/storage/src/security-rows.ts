/**
 * Rows of the security tables as the two drivers return them from raw queries: PGlite parses
 * timestamptz into Dates, postgres.js (under Drizzle) leaves them as text; bigint comes as text or
 * BigInt; jsonb as a value or (never, today) text. These functions take either.
 */
import type { ApiKeyInfo, ApiKeyRecord, AuditOutcome, AuditRecord, Grant, GrantRole } from '@kaizen/core';

type Time = Date | string;
const date = (value: Time): Date => (value instanceof Date ? value : new Date(value));
const dateOrNull = (value: Time | null): Date | null => (value === null ? null : date(value));

/** A Date as a bound parameter: ISO text cast by the statement, the same on both drivers. */
export const isoOrNull = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

export interface ApiKeyRow {
  id: string;
  name: string | null;
  principal: string;
  scopes: string[];
  secret_hash?: string;
  created_at: Time;
  expires_at: Time | null;
  revoked_at: Time | null;
  last_used_at: Time | null;
}

export const toApiKeyInfo = (r: ApiKeyRow): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  principal: r.principal,
  scopes: r.scopes,
  createdAt: date(r.created_at),
  expiresAt: dateOrNull(r.expires_at),
  revokedAt: dateOrNull(r.revoked_at),
  lastUsedAt: dateOrNull(r.last_used_at),
});

export const toApiKeyRecord = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  principal: r.principal,
  scopes: r.scopes,
  secretHash: r.secret_hash!,
  expiresAt: dateOrNull(r.expires_at),
  revokedAt: dateOrNull(r.revoked_at),
});

export interface GrantRow {
  principal: string;
  namespace: string;
  role: string;
  granted_by: string | null;
  created_at: Time;
}

export const toGrant = (r: GrantRow): Grant => ({
  principal: r.principal,
  namespace: r.namespace,
  role: r.role as GrantRole,
  grantedBy: r.granted_by,
  createdAt: date(r.created_at),
});

export interface AuditRow {
  id: string | number | bigint;
  at: Time;
  principal: string;
  client_id: string | null;
  action: string;
  namespace: string | null;
  scope: string | null;
  ids: string[] | null;
  outcome: string;
  request_id: string | null;
  address: string | null;
  detail: Record<string, unknown> | string | null;
}

export const toAuditRecord = (r: AuditRow): AuditRecord => ({
  id: Number(r.id),
  at: date(r.at),
  principal: r.principal,
  clientId: r.client_id,
  action: r.action,
  namespace: r.namespace,
  scope: r.scope,
  ids: r.ids,
  outcome: r.outcome as AuditOutcome,
  requestId: r.request_id,
  address: r.address,
  detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
});
