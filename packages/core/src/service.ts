import {
  CreateNamespaceInput,
  CreateScopeInput,
  DEFAULT_SCOPE,
  DeleteKnowledgeInput,
  DeleteNamespaceInput,
  DeleteScopeInput,
  ExportInput,
  GLOBAL_NAMESPACE,
  GetNamespacesInput,
  GetTaskContextInput,
  KaizenError,
  ResolveConflictInput,
  UpdateKnowledgeInput,
  UpdateNamespaceInput,
  UpdateScopeInput,
  WriteKnowledgeInput,
  parseInput,
  parseScope,
  unknownNamespaceError,
  type CreateNamespaceRequest,
  type CreateScopeRequest,
  type DeleteKnowledgeOutput,
  type DeleteKnowledgeRequest,
  type DeleteNamespaceOutput,
  type DeleteNamespaceRequest,
  type DeleteScopeOutput,
  type DeleteScopeRequest,
  type ExportRequest,
  type GetNamespacesOutput,
  type GetNamespacesRequest,
  type GetTaskContextOutput,
  type GetTaskContextRequest,
  type KnowledgeRefOutput,
  type NamespaceOutput,
  type ResolveConflictOutput,
  type ResolveConflictRequest,
  type ScopeOutput,
  type TransferRecord,
  type UpdateKnowledgeRequest,
  type UpdateNamespaceRequest,
  type UpdateScopeRequest,
  type WriteKnowledgeRequest,
} from '@kaizen/domain';
import { KnowledgeBrowser } from './browse.js';
import { throwIfCancelled, type CallContext } from './context.js';
import { ChangeFeed, type ChangeRelay } from './events.js';
import { newKnowledgeId } from './ids.js';
import { assertNoSecrets } from './secrets.js';
import type { ImportCounts, KnowledgeStatus, KnowledgeStore, ScopeRecord } from './store.js';
import { defaultScopeDescription, exportRecords, importRecords } from './transfer.js';

export const DEFAULT_RESULT_LIMIT = 15;

export interface KaizenOptions {
  store: KnowledgeStore;
  /** Id generator; injectable for imports that keep ids. */
  newId?: () => string;
  /** Publishes this service's changes to the other processes on the same database (see ChangeRelay). */
  relay?: ChangeRelay;
}

/** What `importRecords` reads: JSON Lines, one record per string, and how to report progress. */
export interface ImportRequest {
  lines: AsyncIterable<string>;
  onProgress?: (counts: ImportCounts) => void;
  /** Entries per statement (default IMPORT_BATCH_SIZE). */
  batchSize?: number;
}

/**
 * Every Kaizen use case, as `(input, ctx)`. Inputs are typed with the domain's request types and still
 * validated at run time with the domain schemas (so any caller, typed or not, gets the same errors);
 * rules that need the data (existence, cycles) are enforced by the store inside one transaction. `ctx`
 * says who calls and carries the caller's cancellation: a call whose signal has aborted does nothing,
 * and search, export and import stop between statements, pages and batches (KaizenError CANCELLED).
 * Errors name the entity and key; `describeError(error, surface)` adds the surface's next step.
 */
export class KaizenService {
  readonly store: KnowledgeStore;
  /** Read models for resources and completion. */
  readonly browse: KnowledgeBrowser;
  /** What each committed change touched; MCP sessions turn it into resource notifications. */
  readonly changes: ChangeFeed;
  private readonly newId: () => string;

  constructor(options: KaizenOptions) {
    const relay = options.relay;
    this.changes = new ChangeFeed(relay ? (change) => relay.publish(change) : undefined);
    this.store = options.store;
    this.browse = new KnowledgeBrowser(options.store);
    this.newId = options.newId ?? newKnowledgeId;
  }

  // ---------- namespaces ----------
  async getNamespaces(request: GetNamespacesRequest, ctx: CallContext): Promise<GetNamespacesOutput> {
    begin(ctx, 'getNamespaces');
    const input = parseInput(GetNamespacesInput, request ?? {});
    const style = input.style ?? 'short';
    const namespaces = await this.store.listNamespaces({ namespace: input.namespace });
    if (input.namespace && namespaces.length === 0) throw unknownNamespaceError(input.namespace);
    const out: GetNamespacesOutput = { namespaces: {} };
    for (const ns of namespaces) out.namespaces[ns.name] = { description: ns.description };
    if (style === 'short') return out;
    const scopes = await this.store.listScopes({ namespace: input.namespace });
    for (const s of scopes) {
      const entry = out.namespaces[s.namespace];
      if (!entry) continue;
      entry.scopes ??= {};
      entry.scopes[parseScope(s.scope).name] =
        style === 'details' ? { description: s.description, parents: s.parents } : { description: s.description };
    }
    return out;
  }

  async createNamespace(request: CreateNamespaceRequest, ctx: CallContext): Promise<NamespaceOutput> {
    begin(ctx, 'createNamespace');
    const input = parseInput(CreateNamespaceInput, request);
    const description = defaultScopeDescription(input.name);
    await this.store.createNamespace({ name: input.name, description: input.description }, description);
    this.changes.emit({ kind: 'namespace', namespaces: [input.name], listChanged: true });
    return { name: input.name, description: input.description, scopes: { [DEFAULT_SCOPE]: { description } } };
  }

  async updateNamespace(request: UpdateNamespaceRequest, ctx: CallContext): Promise<NamespaceOutput> {
    begin(ctx, 'updateNamespace');
    const input = parseInput(UpdateNamespaceInput, request);
    if (input.name === GLOBAL_NAMESPACE && input.new_name !== undefined && input.new_name !== GLOBAL_NAMESPACE) {
      throw protectedError('name', `the "${GLOBAL_NAMESPACE}" namespace cannot be renamed.`);
    }
    await this.store.updateNamespace(input.name, { newName: input.new_name, description: input.description });
    const renamed = input.new_name !== undefined && input.new_name !== input.name;
    this.changes.emit({ kind: 'namespace', namespaces: unique([input.name, input.new_name ?? input.name]), listChanged: renamed });
    return this.namespaceOutput(input.new_name ?? input.name);
  }

  async deleteNamespace(request: DeleteNamespaceRequest, ctx: CallContext): Promise<DeleteNamespaceOutput> {
    begin(ctx, 'deleteNamespace');
    const input = parseInput(DeleteNamespaceInput, request);
    if (input.name === GLOBAL_NAMESPACE) {
      throw protectedError('name', `the "${GLOBAL_NAMESPACE}" namespace cannot be deleted.`);
    }
    const counts = await this.store.deleteNamespace(input.name);
    this.changes.emit({ kind: 'namespace', namespaces: [input.name], listChanged: true });
    return { name: input.name, scopes_count: counts.scopes, knowledge_count: counts.knowledge };
  }

  private async namespaceOutput(name: string): Promise<NamespaceOutput> {
    const [ns] = await this.store.listNamespaces({ namespace: name });
    if (!ns) throw unknownNamespaceError(name, 'name');
    const scopes = await this.store.listScopes({ namespace: name });
    return {
      name: ns.name,
      description: ns.description,
      scopes: Object.fromEntries(scopes.map((s) => [parseScope(s.scope).name, { description: s.description }])),
    };
  }

  // ---------- scopes ----------
  async createScope(request: CreateScopeRequest, ctx: CallContext): Promise<ScopeOutput> {
    begin(ctx, 'createScope');
    const input = parseInput(CreateScopeInput, request);
    if (parseScope(input.scope).name === DEFAULT_SCOPE) {
      // The next step is the namespace's creation, which makes its default scope.
      throw new KaizenError('PROTECTED', `scope: "${input.scope}" is created with its namespace.`, {
        field: 'scope',
        scope: input.scope,
        hint: 'namespace_needed',
      });
    }
    const record = await this.store.createScope(input.scope, input.description, unique(input.parents ?? []));
    this.changes.emit({ kind: 'scope', scopes: [record.scope], listChanged: true });
    return scopeOutput(record);
  }

  async updateScope(request: UpdateScopeRequest, ctx: CallContext): Promise<ScopeOutput> {
    begin(ctx, 'updateScope');
    const input = parseInput(UpdateScopeInput, request);
    const ref = parseScope(input.scope);
    if (input.new_scope !== undefined && input.new_scope !== input.scope) {
      if (ref.name === DEFAULT_SCOPE) {
        throw protectedError('scope', `"${input.scope}" is a default scope and cannot be renamed.`);
      }
      const target = parseScope(input.new_scope);
      if (target.namespace !== ref.namespace) {
        throw new KaizenError(
          'INVALID_INPUT',
          `new_scope: a scope can only be renamed within its namespace; use "${ref.namespace}:${target.name}".`,
          { field: 'new_scope' },
        );
      }
      if (target.name === DEFAULT_SCOPE) {
        throw protectedError('new_scope', `"${input.new_scope}" is reserved for the namespace default.`);
      }
    }
    if (input.parents !== undefined && ref.name === DEFAULT_SCOPE) {
      throw protectedError('parents', `"${input.scope}" is a default scope; its parents cannot be changed.`);
    }
    const record = await this.store.updateScope(input.scope, {
      newScope: input.new_scope,
      description: input.description,
      parents: input.parents && unique(input.parents),
    });
    const renamed = record.scope !== input.scope;
    this.changes.emit({ kind: 'scope', scopes: unique([input.scope, record.scope]), listChanged: renamed });
    return scopeOutput(record);
  }

  async deleteScope(request: DeleteScopeRequest, ctx: CallContext): Promise<DeleteScopeOutput> {
    begin(ctx, 'deleteScope');
    const input = parseInput(DeleteScopeInput, request);
    if (parseScope(input.scope).name === DEFAULT_SCOPE) {
      throw protectedError('scope', `"${input.scope}" is a default scope; it is deleted only with its namespace.`);
    }
    const result = await this.store.deleteScope(input.scope);
    this.changes.emit({ kind: 'scope', scopes: [input.scope], listChanged: true });
    return { scope: input.scope, knowledge_deleted: result.knowledge };
  }

  // ---------- knowledge ----------
  async writeKnowledge(request: WriteKnowledgeRequest, ctx: CallContext): Promise<KnowledgeRefOutput> {
    begin(ctx, 'writeKnowledge');
    const input = parseInput(WriteKnowledgeInput, request);
    // Entries are shared with the whole team: no credentials (secrets.ts), checked before the store is touched.
    await assertNoSecrets([{ field: 'content', text: input.content }, { field: 'context', text: input.context }]);
    const record = await this.store.writeKnowledge({
      id: this.newId(),
      scope: input.scope,
      content: input.content,
      context: input.context,
      taskSize: input.task_size ?? null,
    });
    this.changes.emit({ kind: 'knowledge', ids: [record.id], scopes: [record.scope], listChanged: true });
    return { id: record.id, scope: record.scope };
  }

  async updateKnowledge(request: UpdateKnowledgeRequest, ctx: CallContext): Promise<KnowledgeRefOutput> {
    begin(ctx, 'updateKnowledge');
    const input = parseInput(UpdateKnowledgeInput, request);
    // Only the fields being changed (undefined ones are skipped).
    await assertNoSecrets([{ field: 'content', text: input.content }, { field: 'context', text: input.context }]);
    const before = await this.statusIfWatched([input.id]);
    const record = await this.store.updateKnowledge(input.id, {
      content: input.content,
      context: input.context,
      scope: input.scope,
      taskSize: input.task_size,
    });
    const scopes = unique([before[input.id]?.scope ?? record.scope, record.scope]);
    this.changes.emit({ kind: 'knowledge', ids: [record.id], scopes, listChanged: false });
    return { id: record.id, scope: record.scope };
  }

  async deleteKnowledge(request: DeleteKnowledgeRequest, ctx: CallContext): Promise<DeleteKnowledgeOutput> {
    begin(ctx, 'deleteKnowledge');
    const input = parseInput(DeleteKnowledgeInput, request);
    const before = await this.statusIfWatched([input.id]);
    await this.store.deleteKnowledge(input.id);
    // Entries it suppressed, or that suppressed it, change conflict status too.
    const status = before[input.id];
    const related = status ? [...status.suppresses, ...(status.suppressedBy ? [status.suppressedBy] : [])] : [];
    this.changes.emit({ kind: 'knowledge', ids: [input.id, ...related], scopes: status ? [status.scope] : [], listChanged: true });
    return { id: input.id };
  }

  async resolveKnowledgeConflict(request: ResolveConflictRequest, ctx: CallContext): Promise<ResolveConflictOutput> {
    begin(ctx, 'resolveKnowledgeConflict');
    const input = parseInput(ResolveConflictInput, request);
    const suppressed = unique(input.suppressed_ids);
    const involved = [input.active_id, ...suppressed];
    const before = await this.statusIfWatched(involved);
    await this.store.resolveConflict(input.active_id, suppressed);
    // Former winners of these entries lose them from their "suppresses" list.
    const formerWinners = involved.flatMap((id) => before[id]?.suppressedBy ?? []);
    this.changes.emit({
      kind: 'knowledge',
      ids: unique([...involved, ...formerWinners]),
      scopes: unique(involved.flatMap((id) => before[id]?.scope ?? [])),
      listChanged: false,
    });
    return { active_id: input.active_id, suppressed_ids: suppressed };
  }

  /** Status before a change, looked up only when someone listens for changes. */
  private async statusIfWatched(ids: string[]): Promise<Record<string, KnowledgeStatus>> {
    return this.changes.size ? this.store.knowledgeStatus(ids) : {};
  }

  // ---------- retrieval ----------
  async getTaskContext(request: GetTaskContextRequest, ctx: CallContext): Promise<GetTaskContextOutput> {
    begin(ctx, 'search');
    const input = parseInput(GetTaskContextInput, request);
    const hits = await this.store.search({
      scope: input.scope,
      queries: unique(input.queries),
      taskSize: input.task_size,
      limit: input.limit ?? DEFAULT_RESULT_LIMIT,
      // The store checks it before each of its statements (scope, term statistics, ranking).
      signal: ctx.signal,
    });
    const results = hits.map((h) => ({
      id: h.id,
      scope: h.scope,
      content: h.content,
      task_size: h.taskSize,
      relevance: Math.round(h.relevance * 1000) / 1000,
    }));
    // by_scope: most specific scope first (nearest in the inheritance chain).
    const order = [...new Map(hits.map((h) => [h.scope, h.depth])).entries()].sort((a, b) => a[1] - b[1]);
    const by_scope: GetTaskContextOutput['by_scope'] = {};
    for (const [scope] of order) by_scope[scope] = {};
    for (const r of results) by_scope[r.scope]![r.id] = r.content;
    return { results, by_scope };
  }

  // ---------- bulk transfer ----------
  /**
   * Every namespace, scope, entry and suppression (or one namespace's) as transfer records, streamed.
   * The input is checked at once; an aborted signal stops the generator with CANCELLED.
   */
  exportRecords(request: ExportRequest, ctx: CallContext): AsyncGenerator<TransferRecord> {
    begin(ctx, 'export');
    const input = parseInput(ExportInput, request ?? {});
    return exportRecords(this.store, { namespace: input.namespace, signal: ctx.signal });
  }

  /**
   * Imports JSON Lines (one record per string) in one transaction: a bad line, or an aborted signal
   * (checked at every line, so between batches too), changes nothing.
   */
  async importRecords(request: ImportRequest, ctx: CallContext): Promise<ImportCounts> {
    begin(ctx, 'import');
    const { lines, onProgress, batchSize } = request ?? ({} as Partial<ImportRequest>);
    if (typeof lines?.[Symbol.asyncIterator] !== 'function') {
      throw new KaizenError('INVALID_INPUT', 'lines: must be an async iterable of strings (JSON Lines, one record each)', {
        fields: ['lines'],
      });
    }
    const namespaces = new Set<string>();
    const counts = await importRecords(this.store, lines, {
      onProgress,
      batchSize,
      signal: ctx.signal,
      newId: this.newId,
      onNamespace: (ns) => namespaces.add(ns),
    });
    // Subscribers of what lives in those namespaces hear of it (on PostgreSQL, through the relay, also
    // those of the servers when the CLI imports).
    this.changes.emit({ kind: 'namespace', namespaces: [...namespaces], listChanged: true });
    return counts;
  }
}

export function createKaizen(options: KaizenOptions): KaizenService {
  return new KaizenService(options);
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

const scopeOutput = (s: ScopeRecord): ScopeOutput => ({ scope: s.scope, description: s.description, parents: s.parents });

/** `field: <what>`, for the fixed namespace and default scopes. */
const protectedError = (field: string, what: string) => new KaizenError('PROTECTED', `${field}: ${what}`, { field, hint: 'protected' });

/**
 * Every use case starts here: a caller that forgot the context gets a TypeError saying so (not a crash
 * further in), and a call cancelled before it started does nothing.
 */
function begin(ctx: CallContext, operation: string): void {
  if (!ctx?.signal) throw new TypeError(`KaizenService: ${operation}(input, ctx) needs a CallContext; build one with createCallContext()`);
  throwIfCancelled(ctx.signal, operation);
}
