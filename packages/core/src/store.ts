/**
 * The store port: what the core needs from persistence. `@kaizen/storage` implements it on PGlite and
 * PostgreSQL. Every method is one transaction: it either applies completely or throws a KaizenError and
 * changes nothing. Scope references are qualified names ("ns:name"), already validated by the core.
 * A store throws KaizenErrors only: a database failure is INTERNAL with `details.statement` naming what
 * failed, never the SQL or its parameters (which may hold an entry's content).
 */
import type { TaskSize } from '@kaizen/domain';

export interface NamespaceRecord {
  name: string;
  description: string;
}

export interface ScopeRecord {
  /** Qualified name, "ns:name". */
  scope: string;
  namespace: string;
  description: string;
  /** Qualified names of the direct parents, including the implicit "ns:default" (not global:default for defaults). */
  parents: string[];
}

export interface KnowledgeRecord {
  id: string;
  scope: string;
  content: string;
  context: string;
  taskSize: TaskSize | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewKnowledge {
  id: string;
  scope: string;
  content: string;
  context: string;
  taskSize: TaskSize | null;
}

export interface KnowledgePatch {
  content?: string;
  context?: string;
  scope?: string;
  /** null clears the task size. */
  taskSize?: TaskSize | null;
}

export interface SearchRequest {
  scope: string;
  queries: string[];
  taskSize?: TaskSize;
  limit: number;
  /** The caller's cancellation: the store checks it before each of its statements. */
  signal?: AbortSignal;
  /**
   * The namespaces the caller may read; undefined for all. The chain stops at scopes of other namespaces:
   * they are not searched and not walked through (their ancestors are reached only by a readable path),
   * so neither their entries nor the depth they would give count. An unreadable searched scope finds nothing.
   */
  readableNamespaces?: string[];
}

export interface SearchHit {
  id: string;
  scope: string;
  content: string;
  taskSize: TaskSize | null;
  relevance: number;
  /** Distance of the entry's scope from the searched scope: 0 = the scope itself. */
  depth: number;
}

export interface StoreStats {
  namespaces: number;
  scopes: number;
  knowledge: number;
  suppressed: number;
}

/** Keyset page: rows sorted by key (byte order) strictly after `after`; `prefix` filters the key. */
export interface PageRequest {
  after?: string;
  limit: number;
  prefix?: string;
  /** Only rows of these namespaces (filtered in the query, so pages stay full); undefined for all. */
  readableNamespaces?: string[];
}

export interface ScopeSummary {
  scope: string;
  description: string;
}

export interface KnowledgeListing extends KnowledgeRecord {
  suppressed: boolean;
}

export interface KnowledgeStatus {
  scope: string;
  /** The entry that won over this one; null if it is suppressed but its winner was deleted. */
  suppressedBy: string | null;
  suppressed: boolean;
  /** Entries this one suppresses. */
  suppresses: string[];
}

export interface KnowledgeStore {
  /** Applies pending migrations; idempotent and safe to run from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;

  listNamespaces(filter?: { namespace?: string }): Promise<NamespaceRecord[]>;
  listScopes(filter?: { namespace?: string }): Promise<ScopeRecord[]>;
  createNamespace(ns: NamespaceRecord, defaultScopeDescription: string): Promise<void>;
  updateNamespace(name: string, patch: { newName?: string; description?: string }): Promise<void>;
  deleteNamespace(name: string): Promise<{ scopes: number; knowledge: number }>;

  getScope(scope: string): Promise<ScopeRecord | null>;
  createScope(scope: string, description: string, parents: string[]): Promise<ScopeRecord>;
  updateScope(
    scope: string,
    patch: { newScope?: string; description?: string; parents?: string[] },
  ): Promise<ScopeRecord>;
  deleteScope(scope: string): Promise<{ knowledge: number }>;
  /** The scope and all its ancestors with their distance, nearest first. */
  scopeAncestors(scope: string): Promise<{ scope: string; depth: number }[]>;

  writeKnowledge(entry: NewKnowledge): Promise<KnowledgeRecord>;
  getKnowledge(id: string): Promise<KnowledgeRecord | null>;
  updateKnowledge(id: string, patch: KnowledgePatch): Promise<KnowledgeRecord>;
  deleteKnowledge(id: string): Promise<void>;
  resolveConflict(activeId: string, suppressedIds: string[]): Promise<void>;

  search(request: SearchRequest): Promise<SearchHit[]>;
  stats(): Promise<StoreStats>;

  // ---------- browsing: resources, completion, change notifications (issue 4) ----------
  /** Namespaces by name. */
  pageNamespaces(page: PageRequest): Promise<NamespaceRecord[]>;
  /** Scopes by qualified name; `prefix` matches the qualified name or the scope's own name. */
  pageScopes(page: PageRequest & { namespace?: string }): Promise<ScopeSummary[]>;
  /** Entries by id, suppressed ones included and marked; `prefix` matches the id. */
  pageKnowledge(page: PageRequest & { scope?: string }): Promise<KnowledgeListing[]>;
  /** Own entries of each scope (unknown scopes count 0), and how many of them are suppressed. */
  knowledgeCounts(scopes: string[]): Promise<Record<string, { entries: number; suppressed: number }>>;
  /** Scope and conflict status of each existing entry among `ids` (missing ids are left out). */
  knowledgeStatus(ids: string[]): Promise<Record<string, KnowledgeStatus>>;
  // ---------- bulk transfer (kaizen import / export) ----------
  /** One page of entries in id order after `afterId` (keyset pagination), optionally of one namespace. */
  exportKnowledge(page: { namespace?: string; afterId?: string; limit: number }): Promise<KnowledgeRecord[]>;
  /**
   * One page of suppressions ordered by (active id, suppressed id), after `after`; with a namespace,
   * those whose suppressed entry lives in it. A null active id sorts first.
   */
  exportConflicts(page: { namespace?: string; after?: ConflictRecord; limit: number }): Promise<ConflictRecord[]>;
  /**
   * Opens a consistent view for a read of many statements (an export): every read through it sees the
   * data as it was when it was opened, whatever is written meanwhile, so that an export's suppressions
   * only name entries of the same export. The caller must close it. A store that only one process can
   * open (PGlite) may return itself: its consistency is that process's (the CLI's export writes nothing).
   */
  openSnapshot(): Promise<Snapshot>;
  /**
   * Applies an import in ONE transaction, consuming the batches as they come: if a batch is refused or
   * the source throws (a bad line further on), everything rolls back. Batches arrive in the order
   * namespaces, scopes, knowledge, conflicts. Errors name the line of the record at fault.
   */
  importBatches(batches: AsyncIterable<ImportBatch>, onProgress?: (counts: ImportCounts) => void): Promise<ImportCounts>;
}

/** The reads of an export (knowledgeStatus: which namespace a suppression's winner lives in, for a restricted caller). */
export type SnapshotReader = Pick<
  KnowledgeStore,
  'listNamespaces' | 'listScopes' | 'exportKnowledge' | 'exportConflicts' | 'knowledgeStatus'
>;

export interface Snapshot {
  reader: SnapshotReader;
  /** Ends the view (and frees what holds it); safe to call once the reads are done or abandoned. */
  close(): Promise<void>;
}

export interface ConflictRecord {
  activeId: string | null;
  suppressedId: string;
}

/** Every imported record carries the line it came from, for error messages. */
export type ImportBatch =
  | { kind: 'namespaces'; items: (NamespaceRecord & { line: number; defaultScopeDescription: string })[] }
  | { kind: 'scopes'; items: { line: number; scope: string; description: string; parents: string[] }[] }
  | { kind: 'knowledge'; items: (NewKnowledge & { line: number; createdAt?: Date; updatedAt?: Date })[] }
  | { kind: 'conflicts'; items: (ConflictRecord & { line: number })[] };

export interface ImportCounts {
  namespaces: number;
  scopes: number;
  knowledge: number;
  conflicts: number;
}

// ---------- security: API keys, namespace grants, audit trail ----------
// Separate ports from KnowledgeStore: the authentication and authorization layers need these three and
// nothing of the knowledge, and a KnowledgeStore (a test double, an embedding) need not implement them.
// The Drizzle store exposes all three as `store.security`. Like KnowledgeStore, each method is one
// transaction and throws KaizenErrors only (a database failure is INTERNAL naming the statement).

/** What authentication needs of an API key (structurally @kaizen/auth's ApiKeyRecord). */
export interface ApiKeyRecord {
  id: string;
  /** Who the key acts as, e.g. "user:ci-bot". */
  principal: string;
  /** OAuth-style scopes, e.g. ["kaizen:write"]. */
  scopes: string[];
  /** sha256 hex of the key's secret; the secret itself is never stored. */
  secretHash: string;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
}

export interface NewApiKey {
  id: string;
  /** A label for people ("ci"); null or absent for none. */
  name?: string | null;
  principal: string;
  scopes: string[];
  secretHash: string;
  expiresAt?: Date | null;
}

/** A key as listed for an operator: everything but its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  principal: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface ApiKeyStore {
  /** Refuses an id that exists (ALREADY_EXISTS). */
  createApiKey(key: NewApiKey): Promise<void>;
  /** Every key, oldest first, revoked and expired ones included; never the hash. */
  listApiKeys(): Promise<ApiKeyInfo[]>;
  /** Marks the key revoked (a second revocation keeps the first time); false if there is no such key. */
  revokeApiKey(id: string): Promise<boolean>;
  findApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Records a use; never moves last_used_at backwards (touches may arrive out of order). */
  touchApiKey(id: string, at: Date): Promise<void>;
}

export type GrantRole = 'read' | 'write' | 'admin';

/** A role on a namespace ("*": every namespace) for a principal: "user:<sub>", "group:<name>" or "key:<id>". */
export interface Grant {
  principal: string;
  namespace: string;
  role: GrantRole;
  grantedBy: string | null;
  /** When the grant was last set. */
  createdAt: Date;
}

export interface NewGrant {
  principal: string;
  /** A namespace's name, or "*" for every namespace. */
  namespace: string;
  role: GrantRole;
  grantedBy?: string | null;
}

export interface GrantStore {
  /**
   * Creates or replaces the grant of (principal, namespace). NOT_FOUND if the namespace does not exist
   * (checked in the same transaction, so a grant never outlives a concurrently deleted namespace).
   * Grants follow their namespace: a rename carries them along, a deletion removes them.
   */
  setGrant(grant: NewGrant): Promise<void>;
  /** False if there was no such grant. */
  removeGrant(principal: string, namespace: string): Promise<boolean>;
  /** Ordered by namespace, then principal. */
  listGrants(filter?: { namespace?: string; principal?: string }): Promise<Grant[]>;
  /** The grants of any of these principals (a caller's user, groups and key), for an authorization decision. */
  grantsFor(principals: string[]): Promise<Grant[]>;
}

export type AuditOutcome = 'ok' | 'refused' | 'denied' | 'error';

/** One audited call: who did what, where, and how it ended. */
export interface AuditEvent {
  /** When it happened (default: when it is stored); a batched writer passes the call's time. */
  at?: Date;
  principal: string;
  /** The OAuth client, when the caller came through one. */
  clientId?: string | null;
  /** The tool or command name ("write_knowledge", "keys create"). */
  action: string;
  namespace?: string | null;
  /** The knowledge scope the call touched ("acme:web"). */
  scope?: string | null;
  /** Entry (or key) ids the call touched. */
  ids?: string[] | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  /** The caller's network address. */
  address?: string | null;
  /** Anything else worth keeping, as JSON (never secrets or an entry's content). */
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord {
  id: number;
  at: Date;
  principal: string;
  clientId: string | null;
  action: string;
  namespace: string | null;
  scope: string | null;
  ids: string[] | null;
  outcome: AuditOutcome;
  requestId: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  namespace?: string;
  principal?: string;
  /** Events at or after this time. */
  since?: Date;
  /** Newest first, at most this many (default 100, at most 10,000). */
  limit?: number;
}

export interface AuditStore {
  appendAudit(event: AuditEvent): Promise<void>;
  /** All in one statement (one round trip), all or none. */
  appendAuditBatch(events: AuditEvent[]): Promise<void>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Deletes the events before `before` (the audit trail's only deletion); returns how many. */
  pruneAudit(before: Date): Promise<number>;
}
