/**
 * 2026-07-28 `subscriptions/listen` streams over HTTP. The SDK's listen router filters what it is given
 * by each stream's resourceSubscriptions, but publishing must name URIs: a change to acme:web updates
 * kaizen://scopes/acme%3Amobile if that scope inherits from it. So the URIs that open streams ask for are
 * watched on the process's SubscriptionHub while their stream is open (reference-counted per principal,
 * whose grants decide what reaches it), and the hub publishes exactly those it touches. Changes other
 * servers make on the same PostgreSQL arrive through the ChangeRelay into the same hub, so any instance's
 * stream hears any instance's write.
 *
 * AudienceBus is the SDK's event bus with one addition: an event published for a principal reaches only
 * the streams that principal opened (the stream's principal is captured when the router subscribes,
 * inside the request that opened it), so one caller's notifications never reveal changes to another.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Response } from 'express';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import type { Principal } from '@kaizen/core';
import type { SubscriptionHub, Watch } from '@kaizen/mcp';

/** Resource URIs one listen request may watch; longer lists are cut (the SDK still filters by them). */
export const MAX_LISTEN_URIS = 100;
const MAX_URI_LENGTH = 2048;

/** The request being served: its principal (the bus tags the streams it opens) and the client's address (audit). */
export const requestContext = new AsyncLocalStorage<{ principal?: string; address?: string }>();

export class AudienceBus implements ServerEventBus {
  private readonly listeners = new Set<{ listener: (event: ServerEvent) => void; principal: string | undefined }>();
  private audience: string | undefined;

  subscribe(listener: (event: ServerEvent) => void): () => void {
    const entry = { listener, principal: requestContext.getStore()?.principal };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  publish(event: ServerEvent): void {
    for (const { listener, principal } of [...this.listeners]) {
      if (this.audience !== undefined && principal !== this.audience) continue;
      try {
        listener(event);
      } catch {
        // one broken stream does not stop the others
      }
    }
  }

  /** Delivers only to the streams `principal` opened (every stream when there is no principal). */
  publishTo(principal: string | undefined, event: ServerEvent): void {
    this.audience = principal;
    try {
      this.publish(event);
    } finally {
      this.audience = undefined;
    }
  }
}

export class ListenIndex {
  private readonly watched = new Map<string, { count: number; watch: Promise<Watch | undefined> }>();
  private readonly listChanged = new Map<string, { count: number; stop: () => void; pending: boolean }>();

  constructor(
    private readonly hub: SubscriptionHub,
    private readonly bus: AudienceBus,
  ) {}

  /** Number of (principal, URI) watches for open streams (tests and metrics). */
  get size(): number {
    return this.watched.size;
  }

  /** Watches what a listen request in `body` asks for, as `principal`, until `res` closes. */
  track(body: unknown, res: Response, principal: Principal | undefined): void {
    const request = listenRequest(body);
    if (!request) return;
    const releases = request.uris.map((uri) => this.acquire(uri, principal));
    if (request.listChanged) releases.push(this.acquireListChanged(principal));
    res.once('close', () => releases.forEach((release) => release()));
  }

  close(): void {
    for (const entry of this.watched.values()) void entry.watch.then((w) => w?.close());
    for (const entry of this.listChanged.values()) entry.stop();
    this.watched.clear();
    this.listChanged.clear();
  }

  private acquire(uri: string, principal: Principal | undefined): () => void {
    const key = `${principal?.id ?? ''}\u0000${uri}`;
    let entry = this.watched.get(key);
    if (entry) entry.count++;
    else {
      const watch = this.hub
        .watch(uri, (u) => this.bus.publishTo(principal?.id, { kind: 'resource_updated', uri: u }), principal)
        .catch(() => undefined); // not ours: nothing to hear
      this.watched.set(key, (entry = { count: 1, watch }));
    }
    return () => {
      if (--entry.count > 0) return;
      this.watched.delete(key);
      void entry.watch.then((w) => w?.close());
    };
  }

  private acquireListChanged(principal: Principal | undefined): () => void {
    const key = principal?.id ?? '';
    let entry = this.listChanged.get(key);
    if (entry) entry.count++;
    else {
      const state = { count: 1, pending: false, stop: () => undefined as void };
      state.stop = this.hub.onListChanged(() => {
        if (state.pending) return; // several changes in one tick: one notification
        state.pending = true;
        setImmediate(() => {
          state.pending = false;
          this.bus.publishTo(principal?.id, { kind: 'resources_list_changed' });
        });
      }, principal);
      this.listChanged.set(key, (entry = state));
    }
    return () => {
      if (--entry.count > 0) return;
      this.listChanged.delete(key);
      entry.stop();
    };
  }
}

function listenRequest(body: unknown): { uris: string[]; listChanged: boolean } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const message = body as { method?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown; resourcesListChanged?: unknown } } };
  if (message.method !== 'subscriptions/listen') return undefined;
  const filter = message.params?.notifications;
  const uris = Array.isArray(filter?.resourceSubscriptions) ? filter.resourceSubscriptions : [];
  return {
    uris: [...new Set(uris.filter((u): u is string => typeof u === 'string' && u.length <= MAX_URI_LENGTH))].slice(0, MAX_LISTEN_URIS),
    listChanged: filter?.resourcesListChanged === true,
  };
}
