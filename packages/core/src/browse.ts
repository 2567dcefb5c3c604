/**
 * Read models for browsing Kaizen (resources, completions, listings and subscriptions of a surface): the
 * namespace tree, one namespace, one scope with its inheritance chain and entries, one entry with its
 * conflict status, and keyset pages for listings. Like every use case they take `(input, ctx)`, validate
 * the input with the domain schemas (prefixes and cursors reach SQL: NUL characters are refused there),
 * and do nothing for a caller that has cancelled.
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
import { throwIfCancelled, type CallContext } from './context.js';
import type { KnowledgeListing, KnowledgeStore, NamespaceRecord, ScopeRecord, ScopeSummary } from './store.js';

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
  constructor(private readonly store: KnowledgeStore) {}

  async namespaceTree(ctx: CallContext): Promise<NamespaceTree> {
    begin(ctx, 'namespaceTree');
    const [namespaces, scopes] = await Promise.all([this.store.listNamespaces(), this.store.listScopes()]);
    return {
      namespaces: namespaces.map((ns) => ({
        name: ns.name,
        description: ns.description,
        scopes: scopes.filter((s) => s.namespace === ns.name).map(scopeLine),
      })),
    };
  }

  async namespace(request: NamespaceRefRequest, ctx: CallContext): Promise<NamespaceView> {
    begin(ctx, 'namespace');
    const input = parseInput(NamespaceRefInput, request);
    const [ns] = await this.store.listNamespaces({ namespace: input.namespace });
    if (!ns) throw unknownNamespaceError(input.namespace);
    const scopes = await this.store.listScopes({ namespace: ns.name });
    const counts = await this.store.knowledgeCounts(scopes.map((s) => s.scope));
    return { ...ns, scopes: scopes.map((s) => ({ ...scopeLine(s), ...counts[s.scope]! })) };
  }

  async scope(request: ScopeRefRequest, ctx: CallContext): Promise<ScopeView> {
    begin(ctx, 'scope');
    const input = parseInput(ScopeRefInput, request);
    const record = await this.store.getScope(input.scope);
    if (!record) throw unknownScopeError(input.scope);
    const ancestors = await this.store.scopeAncestors(record.scope);
    const described = await Promise.all(ancestors.map((a) => this.store.getScope(a.scope)));
    const counts = await this.store.knowledgeCounts(ancestors.map((a) => a.scope));
    const entries = await this.store.pageKnowledge({ scope: record.scope, limit: SCOPE_ENTRY_LIMIT + 1 });
    return {
      scope: record.scope,
      description: record.description,
      parents: record.parents,
      ...counts[record.scope]!,
      chain: ancestors.map((a, i) => ({ ...a, description: described[i]?.description ?? '', ...counts[a.scope]! })),
      knowledge: entries.slice(0, SCOPE_ENTRY_LIMIT),
      truncated: entries.length > SCOPE_ENTRY_LIMIT,
    };
  }

  /** The scope's chain, nearest first; an unknown scope is a NOT_FOUND naming it. */
  async scopeChain(request: ScopeRefRequest, ctx: CallContext): Promise<ChainLink[]> {
    return (await this.scope(request, ctx)).chain;
  }

  async knowledge(request: KnowledgeRefRequest, ctx: CallContext): Promise<KnowledgeView> {
    begin(ctx, 'knowledge');
    const input = parseInput(KnowledgeRefInput, request);
    const [record, status] = await Promise.all([
      this.store.getKnowledge(input.id),
      this.store.knowledgeStatus([input.id]),
    ]);
    const conflict = status[input.id];
    if (!record || !conflict) throw unknownIdError(input.id);
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

  // ---------- pages (listings) and completion ----------
  async namespacesPage(request: BrowsePageRequest, ctx: CallContext): Promise<NamespaceRecord[]> {
    begin(ctx, 'namespacesPage');
    const page = parseInput(BrowsePageInput, request);
    return this.store.pageNamespaces({ ...page, limit: clamp(page.limit) });
  }

  async scopesPage(request: BrowsePageRequest, ctx: CallContext): Promise<ScopeSummary[]> {
    begin(ctx, 'scopesPage');
    const page = parseInput(BrowsePageInput, request);
    return this.store.pageScopes({ ...page, limit: clamp(page.limit) });
  }

  async knowledgePage(request: KnowledgePageRequest, ctx: CallContext): Promise<KnowledgeListing[]> {
    begin(ctx, 'knowledgePage');
    const page = parseInput(KnowledgePageInput, request);
    return this.store.pageKnowledge({ ...page, limit: clamp(page.limit) });
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
  /** The scope and its ancestors; just the scope when it does not exist (yet). */
  async ancestors(request: ScopeRefRequest, ctx: CallContext): Promise<string[]> {
    begin(ctx, 'ancestors');
    const { scope } = parseInput(ScopeRefInput, request);
    if (!(await this.store.getScope(scope))) return [scope];
    return (await this.store.scopeAncestors(scope)).map((a) => a.scope);
  }

  /** The scope an entry lives in, or null if there is no such entry. */
  async entryScope(request: KnowledgeRefRequest, ctx: CallContext): Promise<string | null> {
    begin(ctx, 'entryScope');
    const { id } = parseInput(KnowledgeRefInput, request);
    return (await this.store.knowledgeStatus([id]))[id]?.scope ?? null;
  }
}

const scopeLine = (s: ScopeRecord) => ({ scope: s.scope, description: s.description, parents: s.parents });

function begin(ctx: CallContext, operation: string): void {
  if (!ctx?.signal) throw new TypeError(`KnowledgeBrowser: ${operation}(input, ctx) needs a CallContext; build one with createCallContext()`);
  throwIfCancelled(ctx.signal, operation);
}
