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

/** The reads of an export. */
export type SnapshotReader = Pick<KnowledgeStore, 'listNamespaces' | 'listScopes' | 'exportKnowledge' | 'exportConflicts'>;

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
