/**
 * Bulk export and import as JSON Lines records (`@kaizen/domain` transfer schemas). Export streams
 * page by page (keyset pagination), so it never holds the database in memory. Import validates each
 * line as it streams and hands batches to the store, which applies them all in one transaction: a bad
 * line anywhere, a refused reference, or the caller's cancellation rolls everything back.
 */
import {
  DEFAULT_SCOPE,
  GLOBAL_DEFAULT_SCOPE,
  KaizenError,
  TRANSFER_RECORD_TYPES,
  TransferRecord,
  isKaizenError,
  parseScope,
  unknownNamespaceError,
  type ConflictTransferRecord,
  type KnowledgeTransferRecord,
} from '@kaizen/domain';
import type { NamespaceAccess } from './authorization.js';
import { throwIfCancelled } from './context.js';
import type { ConflictRecord, ImportBatch, ImportCounts, KnowledgeRecord, KnowledgeStore, ScopeRecord, SnapshotReader } from './store.js';

export const TRANSFER_PAGE_SIZE = 1000;
/** Entries per INSERT statement: large enough to amortise the round trip, small enough to stream. */
export const IMPORT_BATCH_SIZE = 5000;
/** After the first bad line an import keeps validating (to report more at once) up to this many errors. */
const MAX_REPORTED_ERRORS = 20;
const MAX_SUPPRESSED_PER_RECORD = 1000;

export const defaultScopeDescription = (ns: string) => `Knowledge that applies to all of ${ns}.`;

// ---------- export ----------
export interface ExportOptions {
  namespace?: string;
  pageSize?: number;
  /** Checked before each page and each record: an aborted export throws CANCELLED and closes its snapshot. */
  signal?: AbortSignal;
  /**
   * What the caller may read (authorization.ts); absent, everything. A restricted export holds the
   * readable namespaces only (another is NOT_FOUND), their scopes' parents only where readable, and a
   * suppression whose winner is not readable with `active_id: null` (suppressed, by nothing it can name).
   */
  access?: NamespaceAccess;
}

export async function* exportRecords(store: KnowledgeStore, options: ExportOptions = {}): AsyncGenerator<TransferRecord> {
  const { namespace, access } = options;
  if (namespace !== undefined && access && !access.canRead(namespace)) throw unknownNamespaceError(namespace);
  // One snapshot for every page: writes made during the export are all in it or all out of it.
  const snapshot = await store.openSnapshot();
  try {
    yield* exportFrom(snapshot.reader, options);
  } finally {
    await snapshot.close();
  }
}

async function* exportFrom(store: SnapshotReader, options: ExportOptions): AsyncGenerator<TransferRecord> {
  const { namespace, signal } = options;
  const pageSize = options.pageSize ?? TRANSFER_PAGE_SIZE;
  // A caller that reads everything (the local owner, a grant on "*") gets the plain export.
  const access = options.access && !options.access.readsEverything ? options.access : undefined;
  // Before each statement, and before each record handed out: a consumer that pulls slowly (a full pipe)
  // learns of the cancellation at its next pull, not a page later.
  const check = () => throwIfCancelled(signal, 'export');
  check();
  const namespaces = (await store.listNamespaces({ namespace })).filter((ns) => !access || access.canRead(ns.name));
  if (namespace !== undefined && namespaces.length === 0) throw unknownNamespaceError(namespace);
  for (const ns of namespaces) {
    check();
    yield { type: 'namespace', name: ns.name, description: ns.description };
  }
  check();
  for (const s of await store.listScopes({ namespace })) {
    if (access && !access.canRead(s.namespace)) continue;
    check();
    const parents = explicitParents(s).filter((p) => !access || access.canReadScope(p));
    yield { type: 'scope', scope: s.scope, description: s.description, parents };
  }

  // Restricted: namespace by namespace (readable ones only), so that the store filters the pages.
  const parts = access ? namespaces.map((ns) => ns.name) : [namespace];
  for (const part of parts) {
    let afterId: string | undefined;
    for (;;) {
      check();
      const page = await store.exportKnowledge({ namespace: part, afterId, limit: pageSize });
      for (const k of page) {
        check();
        yield knowledgeRecord(k);
      }
      if (page.length < pageSize) break;
      afterId = page[page.length - 1]!.id;
    }
  }

  // Suppressions come ordered by winner: consecutive rows with one winner make one record.
  let group: ConflictTransferRecord | undefined;
  for (const part of parts) {
    let after: { activeId: string | null; suppressedId: string } | undefined;
    for (;;) {
      check();
      const page = await store.exportConflicts({ namespace: part, after, limit: pageSize });
      const winners = access ? await readableWinners(store, page, access) : undefined;
      for (const c of page) {
        check();
        const activeId = winners && c.activeId !== null && !winners.has(c.activeId) ? null : c.activeId;
        if (group && group.active_id === activeId && group.suppressed_ids.length < MAX_SUPPRESSED_PER_RECORD) {
          group.suppressed_ids.push(c.suppressedId);
        } else {
          if (group) yield group;
          group = { type: 'conflict', active_id: activeId, suppressed_ids: [c.suppressedId] };
        }
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1];
    }
  }
  check();
  if (group) yield group;
}

/** The winners of a page of suppressions that the caller can read (one look-up per page). */
async function readableWinners(store: SnapshotReader, page: ConflictRecord[], access: NamespaceAccess): Promise<Set<string>> {
  const ids = [...new Set(page.flatMap((c) => (c.activeId === null ? [] : [c.activeId])))];
  if (!ids.length) return new Set();
  const status = await store.knowledgeStatus(ids);
  return new Set(ids.filter((id) => status[id] !== undefined && access.canReadScope(status[id].scope)));
}

/** The parents a user named: the implicit ns:default (and global:default of a default scope) left out. */
function explicitParents(s: ScopeRecord): string[] {
  const implicit = parseScope(s.scope).name === DEFAULT_SCOPE ? GLOBAL_DEFAULT_SCOPE : `${s.namespace}:${DEFAULT_SCOPE}`;
  return s.parents.filter((p) => p !== implicit);
}

function knowledgeRecord(k: KnowledgeRecord): KnowledgeTransferRecord {
  return {
    type: 'knowledge',
    id: k.id,
    scope: k.scope,
    content: k.content,
    context: k.context,
    ...(k.taskSize ? { task_size: k.taskSize } : {}),
    created_at: k.createdAt.toISOString(),
    updated_at: k.updatedAt.toISOString(),
  };
}

// ---------- import ----------
export interface ImportOptions {
  newId: () => string;
  batchSize?: number;
  onProgress?: (counts: ImportCounts) => void;
  /** Told each namespace the import writes into (its namespaces, scopes and entries), for notifications. */
  onNamespace?: (namespace: string) => void;
  /**
   * Checked at every line (so between batches) and once more after the last, before the store commits:
   * an aborted import throws CANCELLED inside the store's transaction, which rolls everything back.
   */
  signal?: AbortSignal;
}

export async function importRecords(
  store: KnowledgeStore,
  lines: AsyncIterable<string>,
  options: ImportOptions,
): Promise<ImportCounts> {
  try {
    return await store.importBatches(notingNamespaces(validatedBatches(lines, options), options.onNamespace), options.onProgress);
  } catch (error) {
    if (!isKaizenError(error)) throw error;
    throw new KaizenError(error.code, `${error.message}\nNothing was imported.`, error.details);
  }
}

async function* notingNamespaces(
  batches: AsyncIterable<ImportBatch>,
  onNamespace: ((namespace: string) => void) | undefined,
): AsyncGenerator<ImportBatch> {
  for await (const batch of batches) {
    if (onNamespace && batch.kind !== 'conflicts') {
      for (const item of batch.items) onNamespace('name' in item ? item.name : parseScope(item.scope).namespace);
    }
    yield batch;
  }
}

/** Parses and checks each line, yielding batches until the first error; then only collects errors. */
async function* validatedBatches(lines: AsyncIterable<string>, options: ImportOptions): AsyncGenerator<ImportBatch> {
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const checker = new LineChecker();
  const errors: string[] = [];
  let pending: ImportBatch | undefined;
  let lineNo = 0;
  for await (const raw of lines) {
    throwIfCancelled(options.signal, 'import');
    lineNo++;
    if (raw.trim() === '') continue;
    let record: TransferRecord;
    try {
      record = checker.check(raw, lineNo);
    } catch (error) {
      if (!isKaizenError(error)) throw error;
      errors.push(error.message);
      if (errors.length >= MAX_REPORTED_ERRORS) {
        errors.push(`(stopped after ${MAX_REPORTED_ERRORS} errors)`);
        break;
      }
      continue;
    }
    if (errors.length) continue;
    const batch = toBatch(record, lineNo, options.newId);
    if (pending && (pending.kind !== batch.kind || ((batch.kind === 'knowledge' || batch.kind === 'conflicts') && pending.items.length >= batchSize))) {
      yield pending;
      pending = undefined;
    }
    if (!pending) pending = batch;
    else (pending.items as unknown[]).push(...batch.items);
  }
  if (errors.length) {
    throw new KaizenError('INVALID_INPUT', errors.join('\n'), { errors: errors.length });
  }
  throwIfCancelled(options.signal, 'import');
  if (pending) yield pending;
  // The store commits once this generator ends: a cancellation during the last batch still rolls back.
  throwIfCancelled(options.signal, 'import');
}

function toBatch(record: TransferRecord, line: number, newId: () => string): ImportBatch {
  switch (record.type) {
    case 'namespace':
      return {
        kind: 'namespaces',
        items: [{ line, name: record.name, description: record.description, defaultScopeDescription: defaultScopeDescription(record.name) }],
      };
    case 'scope':
      return { kind: 'scopes', items: [{ line, scope: record.scope, description: record.description, parents: record.parents }] };
    case 'knowledge':
      return {
        kind: 'knowledge',
        items: [
          {
            line,
            id: record.id ?? newId(),
            scope: record.scope,
            content: record.content,
            context: record.context,
            taskSize: record.task_size ?? null,
            createdAt: record.created_at ? new Date(record.created_at) : undefined,
            updatedAt: record.updated_at ? new Date(record.updated_at) : undefined,
          },
        ],
      };
    case 'conflict':
      return {
        kind: 'conflicts',
        items: record.suppressed_ids.map((suppressedId) => ({ line, activeId: record.active_id, suppressedId })),
      };
  }
}

/** What can be checked from the file alone: JSON, schema, order of types, duplicates, default scopes. */
class LineChecker {
  private stage = 0;
  private readonly namespaces = new Set<string>();
  private readonly scopes = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly suppressed = new Set<string>();

  check(raw: string, line: number): TransferRecord {
    const fail = (message: string) => new KaizenError('INVALID_INPUT', `line ${line}: ${message}`, { line });
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw fail(`not valid JSON (${(error as Error).message}): write one JSON object per line`);
    }
    const parsed = TransferRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : 'keys' in issue ? String(issue.keys[0]) : 'type';
      throw fail(`${field}: ${issue.message}`);
    }
    const record = parsed.data;
    const stage = TRANSFER_RECORD_TYPES.indexOf(record.type);
    if (stage < this.stage) {
      throw fail(
        `type: a "${record.type}" record after "${TRANSFER_RECORD_TYPES[this.stage]}" records: put records in the order ${TRANSFER_RECORD_TYPES.join(', ')}`,
      );
    }
    this.stage = stage;
    this.checkUnique(record, fail);
    return record;
  }

  private checkUnique(record: TransferRecord, fail: (message: string) => KaizenError): void {
    const once = (seen: Set<string>, key: string, message: string) => {
      if (seen.has(key)) throw fail(message);
      seen.add(key);
    };
    switch (record.type) {
      case 'namespace':
        return once(this.namespaces, record.name, `name: namespace "${record.name}" appears twice in the file; keep one record`);
      case 'scope': {
        once(this.scopes, record.scope, `scope: "${record.scope}" appears twice in the file; keep one record`);
        const ref = parseScope(record.scope);
        if (ref.name !== DEFAULT_SCOPE) return;
        const allowed = record.scope === GLOBAL_DEFAULT_SCOPE ? [] : [GLOBAL_DEFAULT_SCOPE];
        if (record.parents.some((p) => !allowed.includes(p))) {
          throw fail(`parents: "${record.scope}" is a default scope; its parents are fixed, so leave "parents" empty`);
        }
        return;
      }
      case 'knowledge':
        if (record.id !== undefined) {
          once(this.ids, record.id, `id: "${record.id}" appears twice in the file; ids are unique, drop one or remove its id`);
        }
        return;
      case 'conflict':
        for (const id of record.suppressed_ids) {
          once(this.suppressed, id, `suppressed_ids: "${id}" is suppressed twice in the file; an entry has one winner, keep one`);
        }
        return;
    }
  }
}
