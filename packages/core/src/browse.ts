/**
 * Read models for browsing Kaizen (resources, completions, listings and subscriptions of a surface): the
 * namespace tree, one namespace, one scope with its inheritance chain and entries, one entry with its
 * conflict status, and keyset pages for listings. Like every use case they take `(input, ctx)`, validate
 * the input with the domain schemas (prefixes and cursors reach SQL: NUL characters are refused there),
 * and do nothing for a caller that has cancelled.
 *
 * Grants (authorization.ts): every view shows only what the caller may read. A namespace, scope or entry
 * it may not read is NOT_FOUND as a missing one is; listings, pages and completions leave them out (in
 * the query, so pages stay full); a scope's chain keeps to readable scopes and is not walked through the
 * others (as search does), parents it may not read are not named, counts cover readable scopes only,
 * and an entry's conflict status names no entry it may not read.
 */
import {
  BrowsePageInput,
  CompletionInput,
  KnowledgePageInput,
  KnowledgeRefInput,
  MAX_PAGE_SIZE,
  NamespaceRefInput,
  ScopeRefInput,
  parseInput,
  unknownIdError,
  unknownNamespaceError,
  unknownScopeError,
  type BrowsePageRequest,
  type CompletionRequest,
  type KnowledgePageRequest,
  type KnowledgeRefRequest,
  type NamespaceRefRequest,
  type ScopeRefRequest,
  type TaskSize,
} from '@kaizen/domain';
import { Authorizer, visibleParents, type NamespaceAccess } from './authorization.js';
import { throwIfCancelled, type CallContext } from './context.js';
import type { KnowledgeListing, KnowledgeStatus, KnowledgeStore, NamespaceRecord, ScopeRecord, ScopeSummary } from './store.js';

/** A scope view lists at most this many own entries; the rest are reachable one by one, by id. */
export const SCOPE_ENTRY_LIMIT = 200;

export interface NamespaceTree {
  namespaces: { name: string; description: string; scopes: { scope: string; description: string; parents: string[] }[] }[];
}

export interface ScopeCounts {
  /** Own entries, suppressed ones included. */
  entries: number;
  suppressed: number;
}

export interface NamespaceView {
  name: string;
  description: string;
  scopes: ({ scope: string; description: string; parents: string[] } & ScopeCounts)[];
}

export interface ChainLink extends ScopeCounts {
  scope: string;
  description: string;
  /** 0 = the scope itself, 1 = a direct parent, ... */
  depth: number;
}

export interface ScopeView extends ScopeCounts {
  scope: string;
  description: string;
  parents: string[];
  /** The scope and every ancestor, nearest first, ending in global:default: what a search there covers. */
  chain: ChainLink[];
  /** Own entries by id, at most SCOPE_ENTRY_LIMIT. */
  knowledge: KnowledgeListing[];
  truncated: boolean;
}

export interface KnowledgeView {
  id: string;
  scope: string;
  content: string;
  context: string;
  task_size: TaskSize | null;
  created_at: string;
  updated_at: string;
  conflict: { suppressed: boolean; suppressed_by: string | null; suppresses: string[] };
}

/** Guards the store against a runaway page size; callers page with far fewer rows. */
const MAX_ROWS = 1_000;
const clamp = (limit: number) => Math.min(limit, MAX_ROWS);

export class KnowledgeBrowser {
  /** Without an authorizer (or one without a grant store), every caller sees everything. */
  constructor(
    private readonly store: KnowledgeStore,
    private readonly authorizer: Authorizer = new Authorizer(undefined),
  ) {}

  async namespaceTree(ctx: CallContext): Promise<NamespaceTree> {
    begin(ctx, 'namespaceTree');
    const access = await this.authorizer.access(ctx);
    const [namespaces, scopes] = await Promise.all([this.store.listNamespaces(), this.store.listScopes()]);
    return {
      namespaces: namespaces
        .filter((ns) => access.canRead(ns.name))
        .map((ns) => ({
          name: ns.name,
          description: ns.description,
          scopes: scopes.filter((s) => s.namespace === ns.name).map((s) => scopeLine(s, access)),
        })),
    };
  }

  async namespace(request: NamespaceRefRequest, ctx: CallContext): Promise<NamespaceView> {
    begin(ctx, 'namespace');
    const input = parseInput(NamespaceRefInput, request);
    const access = await this.authorizer.access(ctx);
    if (!access.canRead(input.namespace)) throw unknownNamespaceError(input.namespace);
    const [ns] = await this.store.listNamespaces({ namespace: input.namespace });
    if (!ns) throw unknownNamespaceError(input.namespace);
    const scopes = await this.store.listScopes({ namespace: ns.name });
    const counts = await this.store.knowledgeCounts(scopes.map((s) => s.scope));
    return { ...ns, scopes: scopes.map((s) => ({ ...scopeLine(s, access), ...counts[s.scope]! })) };
  }

  async scope(request: ScopeRefRequest, ctx: CallContext): Promise<ScopeView> {
    begin(ctx, 'scope');
    const input = parseInput(ScopeRefInput, request);
    const access = await this.authorizer.access(ctx);
    if (!access.canReadScope(input.scope)) throw unknownScopeError(input.scope);
    const record = await this.store.getScope(input.scope);
    if (!record) throw unknownScopeError(input.scope);
    const { links, described } = await this.readableChain(record, access);
    const counts = await this.store.knowledgeCounts(links.map((a) => a.scope));
    const entries = await this.store.pageKnowledge({ scope: record.scope, limit: SCOPE_ENTRY_LIMIT + 1 });
    return {
      scope: record.scope,
      description: record.description,
      parents: visibleParents(record, access),
      ...counts[record.scope]!,
      chain: links.map((a) => ({ ...a, description: described.get(a.scope)?.description ?? '', ...counts[a.scope]! })),
      knowledge: entries.slice(0, SCOPE_ENTRY_LIMIT),
      truncated: entries.length > SCOPE_ENTRY_LIMIT,
    };
  }

  /**
   * The scope and its ancestors, nearest first, with their records. For a caller that cannot read every
   * namespace, the chain is walked again over readable scopes only (as search does in SQL): an ancestor
   * reachable only through a hidden scope is left out, and depths are those of the readable paths.
   */
  private async readableChain(
    record: ScopeRecord,
    access: NamespaceAccess,
  ): Promise<{ links: { scope: string; depth: number }[]; described: Map<string, ScopeRecord> }> {
    const ancestors = (await this.store.scopeAncestors(record.scope)).filter((a) => access.canReadScope(a.scope));
    const records = await Promise.all(ancestors.map((a) => (a.scope === record.scope ? record : this.store.getScope(a.scope))));
    const described = new Map<string, ScopeRecord>();
    records.forEach((r, i) => r && described.set(ancestors[i]!.scope, r));
    if (access.readsEverything) return { links: ancestors, described };
    const depth = new Map<string, number>([[record.scope, 0]]);
    for (let queue = [record.scope]; queue.length; ) {
      const next: string[] = [];
      for (const scope of queue) {
        for (const parent of described.get(scope)?.parents ?? []) {
          if (depth.has(parent) || !described.has(parent)) continue;
          depth.set(parent, depth.get(scope)! + 1);
          next.push(parent);
        }
      }
      queue = next;
    }
    // Stable: ties keep the store's order.
    const links = ancestors
      .filter((a) => depth.has(a.scope))
      .map((a) => ({ scope: a.scope, depth: depth.get(a.scope)! }))
      .sort((a, b) => a.depth - b.depth);
    return { links, described };
  }

  /** The scope's chain, nearest first; an unknown scope is a NOT_FOUND naming it. */
  async scopeChain(request: ScopeRefRequest, ctx: CallContext): Promise<ChainLink[]> {
    return (await this.scope(request, ctx)).chain;
  }

  async knowledge(request: KnowledgeRefRequest, ctx: CallContext): Promise<KnowledgeView> {
    begin(ctx, 'knowledge');
    const input = parseInput(KnowledgeRefInput, request);
    const access = await this.authorizer.access(ctx);
    const [record, status] = await Promise.all([
      this.store.getKnowledge(input.id),
      this.store.knowledgeStatus([input.id]),
    ]);
    let conflict = status[input.id];
    if (!record || !conflict || !access.canReadScope(record.scope)) throw unknownIdError(input.id);
    if (!access.readsEverything) conflict = await this.visibleConflict(conflict, access);
    return {
      id: record.id,
      scope: record.scope,
      content: record.content,
      context: record.context,
      task_size: record.taskSize,
      created_at: record.createdAt.toISOString(),
      updated_at: record.updatedAt.toISOString(),
      conflict: { suppressed: conflict.suppressed, suppressed_by: conflict.suppressedBy, suppresses: conflict.suppresses },
    };
  }

  /** A suppressed entry's winner, and the entries it suppresses, only if the caller can read them. */
  private async visibleConflict(conflict: KnowledgeStatus, access: NamespaceAccess): Promise<KnowledgeStatus> {
    const related = [...(conflict.suppressedBy ? [conflict.suppressedBy] : []), ...conflict.suppresses];
    if (!related.length) return conflict;
    const status = await this.store.knowledgeStatus(related);
    const visible = (id: string) => status[id] !== undefined && access.canReadScope(status[id].scope);
    return {
      ...conflict,
      // Still suppressed, by an entry it cannot see: as when the winner was deleted.
      suppressedBy: conflict.suppressedBy && visible(conflict.suppressedBy) ? conflict.suppressedBy : null,
      suppresses: conflict.suppresses.filter(visible),
    };
  }

  // ---------- pages (listings) and completion ----------
  async namespacesPage(request: BrowsePageRequest, ctx: CallContext): Promise<NamespaceRecord[]> {
    begin(ctx, 'namespacesPage');
    const page = parseInput(BrowsePageInput, request);
    const readableNamespaces = (await this.authorizer.access(ctx)).readableList();
    return this.store.pageNamespaces({ ...page, limit: clamp(page.limit), readableNamespaces });
  }

  async scopesPage(request: BrowsePageRequest, ctx: CallContext): Promise<ScopeSummary[]> {
    begin(ctx, 'scopesPage');
    const page = parseInput(BrowsePageInput, request);
    const readableNamespaces = (await this.authorizer.access(ctx)).readableList();
    return this.store.pageScopes({ ...page, limit: clamp(page.limit), readableNamespaces });
  }

  async knowledgePage(request: KnowledgePageRequest, ctx: CallContext): Promise<KnowledgeListing[]> {
    begin(ctx, 'knowledgePage');
    const page = parseInput(KnowledgePageInput, request);
    const readableNamespaces = (await this.authorizer.access(ctx)).readableList();
    return this.store.pageKnowledge({ ...page, limit: clamp(page.limit), readableNamespaces });
  }

  async completeNamespace(request: CompletionRequest, ctx: CallContext): Promise<string[]> {
    const { prefix } = parseInput(CompletionInput, request);
    return (await this.namespacesPage({ prefix, limit: MAX_PAGE_SIZE }, ctx)).map((n) => n.name);
  }

  /** Qualified names starting with `prefix`, or whose own name does ("pet" finds "acme:petshop"). */
  async completeScope(request: CompletionRequest, ctx: CallContext): Promise<string[]> {
    const { prefix } = parseInput(CompletionInput, request);
    return (await this.scopesPage({ prefix, limit: MAX_PAGE_SIZE }, ctx)).map((s) => s.scope);
  }

  async completeKnowledgeId(request: CompletionRequest, ctx: CallContext): Promise<string[]> {
    const { prefix } = parseInput(CompletionInput, request);
    return (await this.knowledgePage({ prefix, limit: MAX_PAGE_SIZE }, ctx)).map((k) => k.id);
  }

  // ---------- what a resource depends on (subscriptions) ----------
  /**
   * The scope and its ancestors; just the scope when it does not exist (yet) or the caller cannot read
   * it. For a restricted caller, the readable chain only (what its scope view and its searches cover).
   */
  async ancestors(request: ScopeRefRequest, ctx: CallContext): Promise<string[]> {
    begin(ctx, 'ancestors');
    const { scope } = parseInput(ScopeRefInput, request);
    const access = await this.authorizer.access(ctx);
    if (!access.canReadScope(scope)) return [scope];
    const record = await this.store.getScope(scope);
    if (!record) return [scope];
    if (access.readsEverything) return (await this.store.scopeAncestors(scope)).map((a) => a.scope);
    return (await this.readableChain(record, access)).links.map((a) => a.scope);
  }

  /** The scope an entry lives in, or null if there is no such entry (or the caller cannot read it). */
  async entryScope(request: KnowledgeRefRequest, ctx: CallContext): Promise<string | null> {
    begin(ctx, 'entryScope');
    const { id } = parseInput(KnowledgeRefInput, request);
    const access = await this.authorizer.access(ctx);
    const scope = (await this.store.knowledgeStatus([id]))[id]?.scope ?? null;
    return scope !== null && access.canReadScope(scope) ? scope : null;
  }
}

const scopeLine = (s: ScopeRecord, access: NamespaceAccess) => ({ scope: s.scope, description: s.description, parents: visibleParents(s, access) });


function begin(ctx: CallContext, operation: string): void {
  if (!ctx?.signal) throw new TypeError(`KnowledgeBrowser: ${operation}(input, ctx) needs a CallContext; build one with createCallContext()`);
  throwIfCancelled(ctx.signal, operation);
}
