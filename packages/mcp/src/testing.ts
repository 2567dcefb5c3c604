/**
 * Test support for MCP clients (`@kaizen/mcp/testing`): collects a client's notifications, whichever SDK
 * line the client comes from (v1 takes schemas, v2 method strings); `next` resolves with the first one,
 * already seen or still to come, that matches. No timers: tests wait for events.
 */
type Seen = { method: string; params?: Record<string, unknown> };

const METHODS = ['notifications/resources/updated', 'notifications/resources/list_changed', 'notifications/message'] as const;

/** A v2 client (setNotificationHandler(method, handler)), or a v1 client with its schemas passed in. */
export interface NotifiableClient {
  setNotificationHandler(...args: never[]): void;
}

export class Notifications {
  readonly seen: Seen[] = [];
  private waiters: { match: (n: Seen) => boolean; resolve: (n: Seen) => void }[] = [];

  /** `v1Schemas`: the SDK 1.x notification schemas, for a 1.x Client. */
  constructor(client: NotifiableClient, v1Schemas?: unknown[]) {
    const record = (n: Seen) => this.push(n);
    const set = client.setNotificationHandler.bind(client) as (key: unknown, handler: (n: Seen) => void) => void;
    if (v1Schemas) for (const schema of v1Schemas) set(schema, record);
    else for (const method of METHODS) set(method, record);
  }

  push(n: Seen) {
    this.seen.push(n);
    this.waiters = this.waiters.filter((w) => (w.match(n) ? (w.resolve(n), false) : true));
  }

  /** Forgets what was seen so far (e.g. before the change under test). */
  clear() {
    this.seen.length = 0;
  }

  next(method: string, match: (params: Record<string, unknown>) => boolean = () => true): Promise<Seen> {
    const test = (n: Seen) => n.method === method && match(n.params ?? {});
    const found = this.seen.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve }));
  }

  updated(uri: string) {
    return this.next('notifications/resources/updated', (p) => p.uri === uri);
  }

  count(method: string, match: (params: Record<string, unknown>) => boolean = () => true): number {
    return this.seen.filter((n) => n.method === method && match(n.params ?? {})).length;
  }
}
