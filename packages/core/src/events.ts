/**
 * Change notifications: after a use case commits, the service tells its listeners what changed, so that
 * every MCP session (one per client) can notify its subscribers. Plain callbacks, no Node or transport
 * types: the core stays embeddable. Listeners run after the commit; their errors never fail a use case.
 */
import { parseScope } from '@kaizen/domain';

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

/**
 * Carries committed changes between the processes that share one database (several servers on one
 * PostgreSQL, behind a load balancer), so that a subscriber hears of a change whichever server made it.
 */
export interface ChangeRelay {
  /** Sends a change committed here to the other processes. Best effort: a change may be coarsened. */
  publish(change: KaizenChange): Promise<void>;
  /** Calls listener with the changes the other processes publish; resolves to how to stop. */
  subscribe(listener: ChangeListener): Promise<() => Promise<void>>;
}

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  /** publish, if given, also receives every change emitted here (for a ChangeRelay). */
  constructor(private readonly publish?: (change: KaizenChange) => Promise<void>) {}

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

  /** A change committed by this process: to the local listeners, and published. */
  emit(change: KaizenChange): void {
    this.deliver(change);
    // A relay that fails (database gone) costs other processes a notification, never the change.
    this.publish?.(change).catch(() => undefined);
  }

  /** A change committed elsewhere (from a ChangeRelay): to the local listeners only. */
  deliver(change: KaizenChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A broken listener (e.g. a closed session) must not undo or fail a committed change.
      }
    }
  }
}

/**
 * The next coarser change that still reaches every subscriber the given one reaches (and more): entries
 * become their scopes, scopes their namespaces. For a relay whose messages are bounded in size; undefined
 * for a namespace change, which has nothing coarser that reaches the same subscribers.
 */
export function coarserChange(change: KaizenChange): KaizenChange | undefined {
  switch (change.kind) {
    case 'knowledge':
      return { kind: 'scope', scopes: change.scopes, listChanged: true };
    case 'scope':
      return { kind: 'namespace', namespaces: [...new Set(change.scopes.map((s) => parseScope(s).namespace))], listChanged: true };
    case 'namespace':
      return undefined;
  }
}
