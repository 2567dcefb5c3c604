/**
 * Test support for MCP clients (`@kaizen/mcp/testing`): collects a client's notifications; `next` resolves
 * with the first one, already seen or still to come, that matches. No timers: tests wait for events.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  LoggingMessageNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';

type Seen = { method: string; params?: Record<string, unknown> };

export class Notifications {
  readonly seen: Seen[] = [];
  private waiters: { match: (n: Seen) => boolean; resolve: (n: Seen) => void }[] = [];

  constructor(client: Client) {
    const record = (n: ServerNotification) => this.push(n as Seen);
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, record);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, record);
    client.setNotificationHandler(LoggingMessageNotificationSchema, record);
  }

  private push(n: Seen) {
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
