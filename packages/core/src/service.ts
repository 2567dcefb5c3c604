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
  isKaizenError,
  parseInput,
  parseScope,
  unknownIdError,
  unknownNamespaceError,
  NamespaceRefInput,
  unknownScopeError,
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
import { Authorizer, isUnrestricted, namespaceOfScope, visibleParents, type NamespaceAccess } from './authorization.js';
import { KnowledgeBrowser } from './browse.js';
import { throwIfCancelled, type CallContext } from './context.js';
import { ChangeFeed, type ChangeRelay } from './events.js';
import { newKnowledgeId } from './ids.js';
import { assertNoSecrets } from './secrets.js';
import type { AuditRecord, AuditStore, GrantRole, GrantStore, ImportCounts, KnowledgeStatus, KnowledgeStore, ScopeRecord } from './store.js';
import { defaultScopeDescription, exportRecords, importRecords } from './transfer.js';

export const DEFAULT_RESULT_LIMIT = 15;

export interface KaizenOptions {
  store: KnowledgeStore;
  /** Id generator; injectable for imports that keep ids. */
  newId?: () => string;
  /** Publishes this service's changes to the other processes on the same database (see ChangeRelay). */
  relay?: ChangeRelay;
  /**
   * Per-namespace grants (`store.security` of @kaizen/storage). With it, every use case and read model
   * enforces them for authenticated principals (authorization.ts): what a caller may not read does not
   * exist for it. Without it (tests, embedding apps) every caller is unrestricted, like the local owner.
   */
  grants?: GrantStore;
  /** The audit trail's table: namespace admins read their namespace's trail through `auditTrail`. */
  audit?: AuditStore;
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
 *
 * Grants (authorization.ts, when a GrantStore is given): a caller sees only the namespaces it may read;
 * one it may not read is NOT_FOUND in the very words of a missing one, and checks that need the data
 * are made in the order the store makes them, so that a hidden entity and a missing one cannot be told
 * apart. A caller that can read but needs more gets FORBIDDEN naming the namespace and the role. Pure
 * validation (input, protected names) comes first: it answers the same whether or not a thing exists.
 */
export class KaizenService {
  readonly store: KnowledgeStore;
  /** Read models for resources and completion. */
  readonly browse: KnowledgeBrowser;
  /** What each committed change touched; MCP sessions turn it into resource notifications. */
  readonly changes: ChangeFeed;
  /** Each call's NamespaceAccess, built once per CallContext. */
  readonly authorizer: Authorizer;
  private readonly grants: GrantStore | undefined;
  private readonly audit: AuditStore | undefined;
  private readonly newId: () => string;

  constructor(options: KaizenOptions) {
    const relay = options.relay;
    this.changes = new ChangeFeed(relay ? (change) => relay.publish(change) : undefined);
    this.store = options.store;
    this.grants = options.grants;
    this.audit = options.audit;
    this.authorizer = new Authorizer(options.grants);
    this.browse = new KnowledgeBrowser(options.store, this.authorizer);
    this.newId = options.newId ?? newKnowledgeId;
  }

  /**
   * What the caller of `ctx` may do, namespace by namespace (`canRead(ns)`, `canReadScope(scope)`,
   * `roleOn(ns)`): for surfaces that decide outside a use case, e.g. which change notifications a
   * subscriber may hear of. One grantsFor query per CallContext.
   */
  access(ctx: CallContext): Promise<NamespaceAccess> {
    return this.authorizer.access(ctx);
  }

  // ---------- namespaces ----------
  async getNamespaces(request: GetNamespacesRequest, ctx: CallContext): Promise<GetNamespacesOutput> {
    begin(ctx, 'getNamespaces');
    const input = parseInput(GetNamespacesInput, request ?? {});
    const style = input.style ?? 'short';
    const access = await this.access(ctx);
    if (input.namespace !== undefined && !access.canRead(input.namespace)) throw unknownNamespaceError(input.namespace);
    const namespaces = (await this.store.listNamespaces({ namespace: input.namespace })).filter((ns) => access.canRead(ns.name));
    if (input.namespace && namespaces.length === 0) throw unknownNamespaceError(input.namespace);
    const out: GetNamespacesOutput = { namespaces: {} };
    for (const ns of namespaces) out.namespaces[ns.name] = { description: ns.description };
    if (style === 'short') return out;
    const scopes = await this.store.listScopes({ namespace: input.namespace });
    for (const s of scopes) {
      // Only readable namespaces are in `out`: the scopes of the others are skipped here.
      const entry = out.namespaces[s.namespace];
      if (!entry) continue;
      entry.scopes ??= {};
      entry.scopes[parseScope(s.scope).name] =
        style === 'details' ? { description: s.description, parents: visibleParents(s, access) } : { description: s.description };
    }
    return out;
  }

  async createNamespace(request: CreateNamespaceRequest, ctx: CallContext): Promise<NamespaceOutput> {
    begin(ctx, 'createNamespace');
    const input = parseInput(CreateNamespaceInput, request);
    const description = defaultScopeDescription(input.name);
    await this.store.createNamespace({ name: input.name, description: input.description }, description);
    await this.makeAdmin(input.name, ctx);
    this.changes.emit({ kind: 'namespace', namespaces: [input.name], listChanged: true });
    return { name: input.name, description: input.description, scopes: { [DEFAULT_SCOPE]: { description } } };
  }

  /**
   * The creator of a namespace becomes its admin (an unrestricted caller needs no grant). Not in the
   * store's transaction: if the grant cannot be recorded, the namespace just created is removed again
   * and the error thrown, so that no namespace is left that its creator cannot administer.
   */
  private async makeAdmin(namespace: string, ctx: CallContext): Promise<void> {
    if (!this.grants || isUnrestricted(ctx.principal)) return;
    const principal = ctx.principal.id;
    try {
      await this.grants.setGrant({ principal, namespace, role: 'admin', grantedBy: principal });
    } catch (error) {
      await this.store.deleteNamespace(namespace).catch(() => undefined);
      throw error;
    }
    // The call's cached access predates the grant.
    this.authorizer.forget(ctx);
  }

  async updateNamespace(request: UpdateNamespaceRequest, ctx: CallContext): Promise<NamespaceOutput> {
    begin(ctx, 'updateNamespace');
    const input = parseInput(UpdateNamespaceInput, request);
    if (input.name === GLOBAL_NAMESPACE && input.new_name !== undefined && input.new_name !== GLOBAL_NAMESPACE) {
      throw protectedError('name', `the "${GLOBAL_NAMESPACE}" namespace cannot be renamed.`);
    }
    await this.authorizeNamespace(await this.access(ctx), input.name, 'admin');
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
    await this.authorizeNamespace(await this.access(ctx), input.name, 'admin');
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
    const parents = unique(input.parents ?? []);
    const access = await this.access(ctx);
    const namespace = namespaceOfScope(input.scope);
    await this.authorize(access, namespace, 'write', () => namespaceNeededError(namespace), () => this.namespaceExists(namespace), 'scope');
    await this.checkParents(access, parents, async () => {
      if (await this.store.getScope(input.scope)) throw scopeTakenError(input.scope, 'scope');
    });
    const record = await this.store.createScope(input.scope, input.description, parents);
    this.changes.emit({ kind: 'scope', scopes: [record.scope], listChanged: true });
    return scopeOutput(record, access);
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
    const access = await this.access(ctx);
    await this.authorizeScope(access, input.scope, 'write');
    let parents = input.parents && unique(input.parents);
    if (parents && !access.readsEverything) {
      // The scope's parents the caller cannot see stay: it replaces the parents it sees.
      const current = await this.store.getScope(input.scope);
      const named = parents;
      await this.checkParents(access, named, async () => {
        if (!current) throw unknownScopeError(input.scope);
        if (input.new_scope !== undefined && input.new_scope !== input.scope && (await this.store.getScope(input.new_scope))) {
          throw scopeTakenError(input.new_scope, 'new_scope');
        }
      });
      parents = unique([...named, ...(current?.parents ?? []).filter((p) => !access.canReadScope(p))]);
    }
    const record = await this.store
      .updateScope(input.scope, { newScope: input.new_scope, description: input.description, parents })
      .catch((error: unknown) => {
        throw hideScopes(error, access);
      });
    const renamed = record.scope !== input.scope;
    this.changes.emit({ kind: 'scope', scopes: unique([input.scope, record.scope]), listChanged: renamed });
    return scopeOutput(record, access);
  }

  async deleteScope(request: DeleteScopeRequest, ctx: CallContext): Promise<DeleteScopeOutput> {
    begin(ctx, 'deleteScope');
    const input = parseInput(DeleteScopeInput, request);
    if (parseScope(input.scope).name === DEFAULT_SCOPE) {
      throw protectedError('scope', `"${input.scope}" is a default scope; it is deleted only with its namespace.`);
    }
    await this.authorizeScope(await this.access(ctx), input.scope, 'write');
    const result = await this.store.deleteScope(input.scope);
    this.changes.emit({ kind: 'scope', scopes: [input.scope], listChanged: true });
    return { scope: input.scope, knowledge_deleted: result.knowledge };
  }

  // ---------- knowledge ----------
  async writeKnowledge(request: WriteKnowledgeRequest, ctx: CallContext): Promise<KnowledgeRefOutput> {
    begin(ctx, 'writeKnowledge');
    const input = parseInput(WriteKnowledgeInput, request);
    await this.authorizeScope(await this.access(ctx), input.scope, 'write');
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
    const access = await this.access(ctx);
    const known = await this.authorizeEntries(access, [input.id], 'id');
    if (input.scope !== undefined && !access.unrestricted) {
      const target = input.scope;
      await this.authorizeScope(access, target, 'write');
    }
    // Only the fields being changed (undefined ones are skipped).
    await assertNoSecrets([{ field: 'content', text: input.content }, { field: 'context', text: input.context }]);
    const before = known ?? (await this.statusIfWatched([input.id]));
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
    const known = await this.authorizeEntries(await this.access(ctx), [input.id], 'id');
    const before = known ?? (await this.statusIfWatched([input.id]));
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
    const known = await this.authorizeEntries(await this.access(ctx), involved, 'active_id', suppressed);
    const before = known ?? (await this.statusIfWatched(involved));
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

  // ---------- authorization (authorization.ts) ----------
  /**
   * `access.require`, and a FORBIDDEN only about something that exists: when the caller may read the
   * namespace but lacks the role, and the entity does not exist, it gets `notFound()` as anyone would.
   */
  /** `role` on the namespace of `scope` (field "scope"): a missing or hidden scope is NOT_FOUND. */
  private authorizeScope(access: NamespaceAccess, scope: string, role: GrantRole): Promise<void> {
    return this.authorize(access, namespaceOfScope(scope), role, () => unknownScopeError(scope), () => this.scopeExists(scope), 'scope');
  }

  private async authorize(
    access: NamespaceAccess,
    namespace: string,
    role: GrantRole,
    notFound: () => KaizenError,
    exists: () => Promise<boolean>,
    field: string,
  ): Promise<void> {
    try {
      access.require(namespace, role, notFound, field);
    } catch (error) {
      if (isKaizenError(error) && error.code === 'FORBIDDEN' && !(await exists())) throw notFound();
      throw error;
    }
  }

  /**
   * The audit trail of one namespace, newest first, for its admins (a reader gets FORBIDDEN; a caller who
   * cannot see the namespace, NOT_FOUND). Empty when no audit store is configured.
   */
  async auditTrail(request: { namespace: string; since?: Date; limit?: number }, ctx: CallContext): Promise<AuditRecord[]> {
    begin(ctx, 'auditTrail');
    const namespace = parseInput(NamespaceRefInput, { namespace: request.namespace }).namespace;
    await this.authorizeNamespace(await this.access(ctx), namespace, 'admin');
    if (!(await this.store.listNamespaces({ namespace })).length) throw unknownNamespaceError(namespace);
    return this.audit ? this.audit.listAudit({ namespace, since: request.since, limit: Math.min(request.limit ?? 100, 1_000) }) : [];
  }

  private authorizeNamespace(access: NamespaceAccess, name: string, role: GrantRole): Promise<void> {
    return this.authorize(access, name, role, () => unknownNamespaceError(name, 'name'), () => this.namespaceExists(name), 'name');
  }

  /**
   * Write on the namespace of every entry named (an entry the caller cannot read is missing, with the
   * store's wording: `active_id` alone, then the `suppressed_ids` together). Returns the entries' status
   * (for change events), or undefined for an unrestricted caller, for which nothing is looked up.
   */
  private async authorizeEntries(
    access: NamespaceAccess,
    ids: string[],
    field: string,
    suppressed?: string[],
  ): Promise<Record<string, KnowledgeStatus> | undefined> {
    if (access.unrestricted) return undefined;
    const status = await this.store.knowledgeStatus(ids);
    const visible = (id: string) => status[id] !== undefined && access.canReadScope(status[id].scope);
    const [first] = ids;
    if (!visible(first!)) throw unknownIdError(first!, field);
    if (suppressed) {
      const missing = suppressed.filter((id) => !visible(id));
      if (missing.length) throw unknownIdError(missing, 'suppressed_ids');
    }
    for (const id of ids) {
      const scope = status[id]!.scope;
      access.require(namespaceOfScope(scope), 'write', () => unknownIdError(id, field), id === first ? field : 'suppressed_ids');
    }
    return status;
  }

  /**
   * A restricted caller naming a parent it cannot read gets what it would get if that parent did not
   * exist: the store's checks, in the store's order (`before`: the scope's own checks; then each parent
   * in turn), so that a hidden parent and a missing one give the same answer. Costs nothing when every
   * parent named is readable (the store checks those).
   */
  private async checkParents(access: NamespaceAccess, parents: string[], before: () => Promise<void>): Promise<void> {
    if (parents.every((p) => access.canReadScope(p))) return;
    await before();
    for (const p of parents) {
      if (!access.canReadScope(p) || !(await this.store.getScope(p))) throw unknownScopeError(p, 'parents');
    }
  }

  private async namespaceExists(name: string): Promise<boolean> {
    return (await this.store.listNamespaces({ namespace: name })).length > 0;
  }

  private async scopeExists(scope: string): Promise<boolean> {
    return (await this.store.getScope(scope)) !== null;
  }

  // ---------- retrieval ----------
  async getTaskContext(request: GetTaskContextRequest, ctx: CallContext): Promise<GetTaskContextOutput> {
    begin(ctx, 'search');
    const input = parseInput(GetTaskContextInput, request);
    const access = await this.access(ctx);
    if (!access.canReadScope(input.scope)) throw unknownScopeError(input.scope);
    const hits = await this.store.search({
      scope: input.scope,
      queries: unique(input.queries),
      taskSize: input.task_size,
      limit: input.limit ?? DEFAULT_RESULT_LIMIT,
      // The store checks it before each of its statements (scope, term statistics, ranking).
      signal: ctx.signal,
      // The chain keeps to these (in SQL): ancestors in other namespaces are skipped, never walked through.
      readableNamespaces: access.readableList(),
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
   * The input is checked at once; an aborted signal stops the generator with CANCELLED. A restricted
   * caller exports what it can read only (a namespace it cannot read is NOT_FOUND).
   */
  exportRecords(request: ExportRequest, ctx: CallContext): AsyncGenerator<TransferRecord> {
    begin(ctx, 'export');
    const input = parseInput(ExportInput, request ?? {});
    return this.exportReadable(input.namespace, ctx);
  }

  private async *exportReadable(namespace: string | undefined, ctx: CallContext): AsyncGenerator<TransferRecord> {
    const access = await this.access(ctx);
    yield* exportRecords(this.store, { namespace, signal: ctx.signal, access });
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
    // An import writes anywhere and names entries by id: a restricted caller needs admin on every namespace.
    const access = await this.access(ctx);
    if (!access.unrestricted && access.everywhereRole !== 'admin') {
      throw new KaizenError(
        'FORBIDDEN',
        `lines: importing needs the "admin" role on every namespace ("*"); the caller has ${access.everywhereRole ? `"${access.everywhereRole}"` : 'none'}.`,
        { field: 'lines', namespace: '*', role: 'admin' },
      );
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

const scopeOutput = (s: ScopeRecord, access: NamespaceAccess): ScopeOutput => ({
  scope: s.scope,
  description: s.description,
  parents: visibleParents(s, access),
});


/** The store's words for a scope created in a namespace that does not exist (knowledge-store.ts). */
const namespaceNeededError = (namespace: string) =>
  new KaizenError('NOT_FOUND', `scope: namespace "${namespace}" does not exist.`, { field: 'scope', namespace, hint: 'namespace_needed' });

/** The store's words for a scope name that is taken (knowledge-store.ts). */
const scopeTakenError = (scope: string, field: string) =>
  new KaizenError('ALREADY_EXISTS', `${field}: scope "${scope}" already exists.`, { field, scope, hint: 'already_exists' });

/**
 * An error of the store that names scopes the caller cannot read: a cycle through them is still a cycle
 * (refused), shown with "…" for each run of hidden scopes; a hidden parent that vanished meanwhile is a
 * concurrent change. Other errors pass unchanged.
 */
function hideScopes(error: unknown, access: NamespaceAccess): unknown {
  if (!isKaizenError(error) || access.readsEverything) return error;
  if (error.code === 'CYCLE' && typeof error.details?.cycle === 'string') {
    const names = error.details.cycle.split(' -> ');
    if (names.every((n) => access.canReadScope(n))) return error;
    const shown = names
      .map((n) => (access.canReadScope(n) ? n : '…'))
      .filter((n, i, all) => n !== '…' || all[i - 1] !== '…');
    const cycle = shown.join(' -> ');
    return new KaizenError('CYCLE', `parents: that would make a cycle (${cycle}).`, { ...error.details, cycle });
  }
  if (error.code === 'NOT_FOUND' && typeof error.details?.scope === 'string' && !access.canReadScope(error.details.scope)) {
    return new KaizenError('CONFLICT', 'The change collided with a concurrent one and was not applied.', { hint: 'concurrent_change' });
  }
  return error;
}

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
