/**
 * Change notifications: after a use case commits, the service tells its listeners what changed, so that
 * every MCP session (one per client) can notify its subscribers. Plain callbacks, no Node or transport
 * types: the core stays embeddable. Listeners run after the commit; their errors never fail a use case.
 */

/** What a committed change touched. Scope names are qualified ("ns:name"); renames list old and new names. */
export type KaizenChange =
  | {
      kind: 'knowledge';
      /** Entries whose resource changed: written, updated, deleted, suppressed or restored (and their winners). */
      ids: string[];
      /** Scopes whose own entries changed. */
      scopes: string[];
      /** True when entries were created or deleted (the list of resources changed). */
      listChanged: boolean;
    }
  | { kind: 'scope'; scopes: string[]; listChanged: boolean }
  | { kind: 'namespace'; namespaces: string[]; listChanged: boolean };

export type ChangeListener = (change: KaizenChange) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(change: KaizenChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A broken listener (e.g. a closed session) must not undo or fail a committed change.
      }
    }
  }
}
