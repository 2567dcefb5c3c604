/**
 * 2026-07-28 `subscriptions/listen` streams over HTTP. The SDK's listen router filters what it is
 * given by each stream's resourceSubscriptions, but publishing must name URIs: a change to acme:web
 * updates kaizen://scopes/acme%3Amobile if that scope inherits from it. So the URIs that open streams
 * ask for are watched on the process's SubscriptionHub while their stream is open (reference-counted),
 * and the hub publishes exactly those it touches. Changes other servers make on the same PostgreSQL
 * arrive through the ChangeRelay into the same hub, so any instance's stream hears any instance's write.
 */
import type { Response } from 'express';
import type { ServerNotifier } from '@modelcontextprotocol/server';
import type { SubscriptionHub, Watch } from '@kaizen/mcp';

/** Resource URIs one listen request may watch; longer lists are cut (the SDK still filters by them). */
export const MAX_LISTEN_URIS = 100;
const MAX_URI_LENGTH = 2048;

export class ListenIndex {
  private readonly watched = new Map<string, { count: number; watch: Promise<Watch | undefined> }>();
  private pendingListChanged = false;
  private readonly stopListChanged: () => void;

  constructor(
    private readonly hub: SubscriptionHub,
    private readonly notify: ServerNotifier,
  ) {
    this.stopListChanged = hub.onListChanged(() => {
      if (this.pendingListChanged) return;
      this.pendingListChanged = true;
      setImmediate(() => {
        this.pendingListChanged = false;
        notify.resourcesChanged();
      });
    });
  }

  /** Number of URIs watched for open streams (tests and metrics). */
  get size(): number {
    return this.watched.size;
  }

  /** Watches what a listen request in `body` asks for until `res` closes. */
  track(body: unknown, res: Response): void {
    const uris = listenedUris(body);
    if (uris.length === 0) return;
    for (const uri of uris) this.acquire(uri);
    res.once('close', () => uris.forEach((uri) => this.release(uri)));
  }

  close(): void {
    this.stopListChanged();
    for (const entry of this.watched.values()) void entry.watch.then((w) => w?.close());
    this.watched.clear();
  }

  private acquire(uri: string): void {
    const entry = this.watched.get(uri);
    if (entry) {
      entry.count++;
      return;
    }
    const watch = this.hub.watch(uri, (u) => this.notify.resourceUpdated(u)).catch(() => undefined); // not ours: nothing to hear
    this.watched.set(uri, { count: 1, watch });
  }

  private release(uri: string): void {
    const entry = this.watched.get(uri);
    if (!entry || --entry.count > 0) return;
    this.watched.delete(uri);
    void entry.watch.then((w) => w?.close());
  }
}

function listenedUris(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const message = body as { method?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } };
  if (message.method !== 'subscriptions/listen') return [];
  const uris = message.params?.notifications?.resourceSubscriptions;
  if (!Array.isArray(uris)) return [];
  return [...new Set(uris.filter((u): u is string => typeof u === 'string' && u.length <= MAX_URI_LENGTH))].slice(0, MAX_LISTEN_URIS);
}
