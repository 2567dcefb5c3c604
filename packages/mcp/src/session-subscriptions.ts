/**
 * resources/subscribe and list_changed for one 2025-era session, on the process's SubscriptionHub.
 * Bounded: at most MAX_SESSION_SUBSCRIPTIONS URIs of at most MAX_URI_LENGTH characters per session.
 * list_changed goes only to sessions that listed or subscribed to resources (a client with no list
 * has nothing to refresh), at most once per tick however many changes land together.
 */
import { ProtocolError, ProtocolErrorCode, type McpServer } from '@modelcontextprotocol/server';
import type { Principal } from '@kaizen/core';
import type { SubscriptionHub, Watch } from './hub.js';
import type { OperationSeam } from './seam.js';

export const MAX_SESSION_SUBSCRIPTIONS = 100;
export const MAX_URI_LENGTH = 2048;

export class SessionSubscriptions {
  private readonly watches = new Map<string, Watch>();
  private stopListening?: () => void;
  private pendingListChanged = false;
  private closed = false;

  constructor(
    private readonly server: McpServer,
    private readonly hub: SubscriptionHub,
  ) {}

  install(seam: OperationSeam): void {
    seam.request('resources/subscribe', async (_kaizen, params, ctx) => {
      const uri = params.uri;
      if (uri.length > MAX_URI_LENGTH) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `uri: longer than ${MAX_URI_LENGTH} characters.`);
      if (this.watches.has(uri)) return {};
      if (this.watches.size >= MAX_SESSION_SUBSCRIPTIONS) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `uri: this session already has ${MAX_SESSION_SUBSCRIPTIONS} subscriptions; unsubscribe from one first (subscribing to a scope covers its whole chain).`,
        );
      }
      this.interested(ctx.principal);
      const watch = await this.hub.watch(uri, (u) => this.server.server.sendResourceUpdated({ uri: u }).catch(() => undefined), ctx.principal);
      if (this.closed || this.watches.has(uri)) watch.close();
      else this.watches.set(uri, watch);
      return {};
    });
    seam.request('resources/unsubscribe', async (_kaizen, params) => {
      this.watches.get(params.uri)?.close();
      this.watches.delete(params.uri);
      return {};
    });
  }

  /** The client listed resources or subscribed: from now on it hears that the list changed. */
  interested(principal?: Principal): void {
    if (this.stopListening || this.closed) return;
    this.stopListening = this.hub.onListChanged(() => {
      if (this.pendingListChanged) return;
      this.pendingListChanged = true;
      setImmediate(() => {
        this.pendingListChanged = false;
        if (!this.closed && this.server.isConnected()) this.server.sendResourceListChanged();
      });
    }, principal);
  }

  close(): void {
    this.closed = true;
    this.stopListening?.();
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }
}
