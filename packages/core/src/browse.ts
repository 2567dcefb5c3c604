/**
 * Read models for browsing Kaizen (the MCP resources and completions): the namespace tree, one
 * namespace, one scope with its inheritance chain and entries, one entry with its conflict status, and
 * keyset pages for listings. Inputs are validated with the domain schemas, like every use case.
 */
import {
  KaizenError,
  KnowledgeRefInput,
  MAX_PAGE_SIZE,
  NamespaceRefInput,
  ScopeRefInput,
  parseInput,
  type TaskSize,
} from '@kaizen/domain';
import type { KnowledgeListing, KnowledgeStore, NamespaceRecord, PageRequest, ScopeRecord, ScopeSummary } from './store.js';

/** A scope view lists at most this many own entries; the rest are reachable as kaizen://knowledge/{id}. */
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
  /** The scope and every ancestor, nearest first, ending in global:default: what get_task_context searches. */
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
const clampPage = (page: PageRequest): PageRequest => ({ ...page, limit: Math.max(1, Math.min(page.limit, MAX_ROWS)) });

export class KnowledgeBrowser {
  constructor(private readonly store: KnowledgeStore) {}

  async namespaceTree(): Promise<NamespaceTree> {
    const [namespaces, scopes] = await Promise.all([this.store.listNamespaces(), this.store.listScopes()]);
    return {
      namespaces: namespaces.map((ns) => ({
        name: ns.name,
        description: ns.description,
        scopes: scopes.filter((s) => s.namespace === ns.name).map(scopeLine),
      })),
    };
  }

  async namespace(name: string): Promise<NamespaceView> {
    const input = parseInput(NamespaceRefInput, { namespace: name });
    const [ns] = await this.store.listNamespaces({ namespace: input.namespace });
    if (!ns) {
      throw new KaizenError('NOT_FOUND', `namespace: "${name}" does not exist. Read kaizen://namespaces to list namespaces.`);
    }
    const scopes = await this.store.listScopes({ namespace: ns.name });
    const counts = await this.store.knowledgeCounts(scopes.map((s) => s.scope));
    return { ...ns, scopes: scopes.map((s) => ({ ...scopeLine(s), ...counts[s.scope]! })) };
  }

  async scope(scope: string): Promise<ScopeView> {
    const record = await this.requireScope(scope);
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
  async scopeChain(scope: string): Promise<ChainLink[]> {
    return (await this.scope(scope)).chain;
  }

  async knowledge(id: string): Promise<KnowledgeView> {
    const input = parseInput(KnowledgeRefInput, { id });
    const [record, status] = await Promise.all([
      this.store.getKnowledge(input.id),
      this.store.knowledgeStatus([input.id]),
    ]);
    const conflict = status[input.id];
    if (!record || !conflict) {
      throw new KaizenError('NOT_FOUND', `id: no knowledge entry has id "${id}". Use an id from a scope resource or get_task_context.`);
    }
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

  // ---------- pages (resources/list) and completion ----------
  namespacesPage(page: PageRequest): Promise<NamespaceRecord[]> {
    return this.store.pageNamespaces(clampPage(page));
  }

  scopesPage(page: PageRequest): Promise<ScopeSummary[]> {
    return this.store.pageScopes(clampPage(page));
  }

  knowledgePage(page: PageRequest & { scope?: string }): Promise<KnowledgeListing[]> {
    return this.store.pageKnowledge(clampPage(page));
  }

  async completeNamespace(prefix: string): Promise<string[]> {
    return (await this.namespacesPage({ prefix, limit: MAX_PAGE_SIZE })).map((n) => n.name);
  }

  /** Qualified names starting with `prefix`, or whose own name does ("pet" finds "acme:petshop"). */
  async completeScope(prefix: string): Promise<string[]> {
    return (await this.scopesPage({ prefix, limit: MAX_PAGE_SIZE })).map((s) => s.scope);
  }

  async completeKnowledgeId(prefix: string): Promise<string[]> {
    return (await this.knowledgePage({ prefix, limit: MAX_PAGE_SIZE })).map((k) => k.id);
  }

  // ---------- what a resource depends on (subscriptions) ----------
  /** The scope and its ancestors; just the scope when it does not exist (yet). */
  async ancestors(scope: string): Promise<string[]> {
    if (!(await this.store.getScope(scope))) return [scope];
    return (await this.store.scopeAncestors(scope)).map((a) => a.scope);
  }

  /** The scope an entry lives in, or null if there is no such entry. */
  async entryScope(id: string): Promise<string | null> {
    return (await this.store.knowledgeStatus([id]))[id]?.scope ?? null;
  }

  private async requireScope(scope: string): Promise<ScopeRecord> {
    const input = parseInput(ScopeRefInput, { scope });
    const record = await this.store.getScope(input.scope);
    if (!record) {
      throw new KaizenError(
        'NOT_FOUND',
        `scope: "${scope}" does not exist. Read kaizen://namespaces (or call get_namespaces with style "long") to list scopes.`,
      );
    }
    return record;
  }
}

const scopeLine = (s: ScopeRecord) => ({ scope: s.scope, description: s.description, parents: s.parents });
