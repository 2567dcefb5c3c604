/**
 * One subscription index per process. Each watched URI remembers the keys it depends on (a scope
 * depends on every scope in its chain, an entry on its id and scope); a committed change (this
 * process's or, through the ChangeRelay, another server's) looks up only the watches whose keys it
 * touches, so the cost of a write follows the subscribers interested in it, not the open sessions.
 */
import { createCallContext, type KaizenChange, type KaizenService, type Principal } from '@kaizen/core';
import { parseScope } from '@kaizen/domain';
import { notFound } from './resources.js';
import type { KaizenSource } from './seam.js';
import { parseKaizenUri } from './uris.js';

const ns = (scope: string) => `ns:${parseScope(scope).namespace}`;

/** Keys a change touches; a watch is notified when one of its keys is among them. */
function changeKeys(change: KaizenChange): Set<string> {
  switch (change.kind) {
    case 'knowledge':
      return new Set([
        ...change.ids.map((id) => `id:${id}`),
        ...change.scopes.map((s) => `entries:${s}`),
        ...change.scopes.map((s) => `nsview:${parseScope(s).namespace}`),
      ]);
    case 'scope':
      return new Set(['tree', ...change.scopes.flatMap((s) => [`scope:${s}`, `nsview:${parseScope(s).namespace}`])]);
    case 'namespace':
      return new Set(['tree', ...change.namespaces.flatMap((n) => [`ns:${n}`, `nsview:${n}`])]);
  }
}

export interface Watch {
  readonly uri: string;
  close(): void;
}

interface WatchState extends Watch {
  deps: Set<string>;
  /** The subscriber: dependencies are what it may read, so hidden ancestors never notify it. */
  principal?: Principal;
  notify: (uri: string) => void;
  closed: boolean;
}

export class SubscriptionHub {
  private readonly byKey = new Map<string, Set<WatchState>>();
  private readonly listListeners = new Set<(change: KaizenChange) => void>();
  /** Keys of recent changes, so that a change landing while dependencies are looked up is not missed. */
  private readonly recent: { seq: number; keys: Set<string> }[] = [];
  private seq = 0;
  private refreshing = 0;
  private detach?: () => void;
  private closed = false;

  constructor(private readonly kaizen: KaizenSource) {
    void Promise.resolve(kaizen)
      .then((k) => {
        if (!this.closed) this.detach = k.changes.subscribe((change) => this.onChange(change));
      })
      .catch(() => undefined); // the database never opened: there is nothing to hear
  }

  /** Number of live watches (for tests and metrics). */
  get size(): number {
    const all = new Set<WatchState>();
    for (const set of this.byKey.values()) for (const w of set) all.add(w);
    return all.size;
  }

  /** Watches `uri` (a Kaizen resource URI); `notify` runs after each change that touches it. */
  async watch(uri: string, notify: (uri: string) => void, principal?: Principal): Promise<Watch> {
    if (!parseKaizenUri(uri)) throw notFound(uri);
    const state: WatchState = { uri, deps: new Set(), notify, principal, closed: false, close: () => this.unwatch(state) };
    if (await this.refresh(state)) this.fire(state);
    return state;
  }

  /**
   * Runs `listener` after every change that adds, renames or removes resources. With a principal, only
   * the changes it may see (a change in a namespace it cannot read is not its business).
   */
  onListChanged(listener: () => void, principal?: Principal): () => void {
    const filtered = (change: KaizenChange) => {
      if (!principal) return listener();
      void Promise.resolve(this.kaizen)
        .then((k) => k.access(createCallContext({ principal, surface: 'mcp' })))
        .then((access) => access.canSeeChange(change) && listener())
        .catch(() => undefined);
    };
    this.listListeners.add(filtered);
    return () => this.listListeners.delete(filtered);
  }

  close(): void {
    this.closed = true;
    this.detach?.();
    this.byKey.clear();
    this.listListeners.clear();
  }

  private onChange(change: KaizenChange): void {
    if (change.listChanged) for (const listener of [...this.listListeners]) listener(change);
    const keys = changeKeys(change);
    if (this.refreshing > 0) this.recent.push({ seq: ++this.seq, keys });
    const hit = new Set<WatchState>();
    for (const key of keys) for (const w of this.byKey.get(key) ?? []) hit.add(w);
    for (const w of hit) this.fire(w);
  }

  /** Notifies, then refreshes what the URI depends on (a rename or a move changes it). */
  private fire(w: WatchState, depth = 0): void {
    if (w.closed) return;
    try {
      w.notify(w.uri);
    } catch {
      // a subscriber that cannot be reached any more is closed by its session
    }
    this.refresh(w)
      .then((missed) => {
        if (missed && depth < 3) this.fire(w, depth + 1);
      })
      .catch(() => undefined);
  }

  /** Looks up the URI's dependencies and re-indexes it. True if a change committed meanwhile touches them. */
  private async refresh(w: WatchState): Promise<boolean> {
    const since = this.seq;
    this.refreshing++;
    try {
      const fresh = await dependencies(await this.kaizen, w.uri, w.principal);
      if (w.closed) return false;
      this.index(w, fresh);
      return this.recent.some((r) => r.seq > since && [...fresh].some((d) => r.keys.has(d)));
    } finally {
      if (--this.refreshing === 0) this.recent.length = 0;
    }
  }

  private index(w: WatchState, fresh: Set<string>): void {
    for (const key of w.deps) if (!fresh.has(key)) this.drop(key, w);
    for (const key of fresh) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(w);
    }
    w.deps = fresh;
  }

  private drop(key: string, w: WatchState): void {
    const set = this.byKey.get(key);
    set?.delete(w);
    if (set?.size === 0) this.byKey.delete(key);
  }

  private unwatch(w: WatchState): void {
    w.closed = true;
    for (const key of w.deps) this.drop(key, w);
  }
}

async function dependencies(kaizen: KaizenService, uri: string, principal?: Principal): Promise<Set<string>> {
  const parsed = parseKaizenUri(uri);
  if (!parsed) return new Set();
  const browse = kaizen.browse;
  // As the subscriber sees it (a fresh context: grants are cached per context); no principal: the server's own.
  const ctx = createCallContext({ surface: 'mcp', ...(principal && { principal }) });
  switch (parsed.kind) {
    case 'namespaces':
      return new Set(['tree']);
    case 'namespace':
      return new Set([`nsview:${parsed.namespace}`, `ns:${parsed.namespace}`]);
    case 'scope': {
      const chain = await browse.ancestors({ scope: parsed.scope }, ctx).catch(() => [parsed.scope]);
      return new Set(chain.flatMap((s) => [`scope:${s}`, `entries:${s}`, ns(s)]));
    }
    case 'audit':
      return new Set(); // not a subscribable view: read it when needed
    case 'knowledge': {
      const scope = await browse.entryScope({ id: parsed.id }, ctx).catch(() => undefined);
      return new Set([`id:${parsed.id}`, ...(scope ? [`scope:${scope}`, ns(scope)] : [])]);
    }
  }
}
