/**
 * resources/subscribe for one MCP session. Each subscribed URI remembers what it depends on (a scope
 * depends on every scope in its chain, an entry on its id and scope); when the core reports a change
 * touching one of those, the session sends notifications/resources/updated, then refreshes the
 * dependencies (a move or a new parent changes them). Structural changes also send list_changed.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { KaizenChange, KaizenService } from '@kaizen/core';
import { parseScope } from '@kaizen/domain';
import type { SessionLog } from './logging.js';
import { parseKaizenUri } from './uris.js';

const ns = (scope: string) => `ns:${parseScope(scope).namespace}`;

/** Keys a change touches; a subscription is notified when one of its keys is among them. */
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

const touches = (deps: Set<string>, keys: Set<string>) => [...deps].some((d) => keys.has(d));

export class Subscriptions {
  /** Subscribed URI (as the client sent it) -> the keys it depends on. */
  private readonly watched = new Map<string, Set<string>>();
  private readonly detach: () => void;
  private wasConnected = false;
  /** Keys of recent changes, so that a change landing while dependencies are refreshed is not missed. */
  private readonly recent: { seq: number; keys: Set<string> }[] = [];
  private seq = 0;
  private refreshing = 0;

  constructor(
    private readonly server: McpServer,
    private readonly kaizen: KaizenService,
    private readonly log: SessionLog,
  ) {
    server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      const uri = request.params.uri;
      if (await this.refresh(uri, true)) this.updated(uri);
      log.send('debug', `subscribed to ${uri}`);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.watched.delete(request.params.uri);
      log.send('debug', `unsubscribed from ${request.params.uri}`);
      return {};
    });
    this.detach = kaizen.changes.subscribe((change) => this.onChange(change));
    // Several sessions share one KaizenService: a closed session must stop listening.
    const previous = server.server.onclose;
    server.server.onclose = () => {
      this.close();
      previous?.();
    };
  }

  close(): void {
    this.detach();
    this.watched.clear();
  }

  private async dependencies(uri: string): Promise<Set<string>> {
    const parsed = parseKaizenUri(uri);
    if (!parsed) throw new McpError(ErrorCode.InvalidParams, `uri: "${uri}" is not a Kaizen resource; list resources for valid URIs.`);
    const browse = this.kaizen.browse;
    switch (parsed.kind) {
      case 'namespaces':
        return new Set(['tree']);
      case 'namespace':
        return new Set([`nsview:${parsed.namespace}`, `ns:${parsed.namespace}`]);
      case 'scope': {
        const chain = await browse.ancestors(parsed.scope);
        return new Set(chain.flatMap((s) => [`scope:${s}`, `entries:${s}`, ns(s)]));
      }
      case 'knowledge': {
        const scope = await browse.entryScope(parsed.id);
        return new Set([`id:${parsed.id}`, ...(scope ? [`scope:${scope}`, ns(scope)] : [])]);
      }
    }
  }

  private onChange(change: KaizenChange): void {
    if (!this.server.isConnected()) {
      // Also covers a host that replaced onclose: once a session has gone, stop listening.
      if (this.wasConnected) this.close();
      return;
    }
    this.wasConnected = true;
    if (change.listChanged) this.server.sendResourceListChanged();
    const keys = changeKeys(change);
    if (this.refreshing > 0) this.recent.push({ seq: ++this.seq, keys });
    for (const [uri, deps] of this.watched) {
      if (touches(deps, keys)) this.updated(uri);
    }
  }

  /** Notifies, then refreshes what the URI depends on (a rename or a move changes it). */
  private updated(uri: string, depth = 0): void {
    this.server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    this.log.send('debug', `resource updated: ${uri}`);
    this.refresh(uri, false)
      .then((missed) => {
        if (missed && depth < 3) this.updated(uri, depth + 1);
      })
      .catch(() => undefined);
  }

  /**
   * Looks up what `uri` depends on and stores it (when subscribing, or while still subscribed). True if
   * a change committed during the look-up touches the new dependencies: the caller notifies again.
   */
  private async refresh(uri: string, subscribing: boolean): Promise<boolean> {
    const since = this.seq;
    this.refreshing++;
    try {
      const fresh = await this.dependencies(uri);
      if (!subscribing && !this.watched.has(uri)) return false;
      this.watched.set(uri, fresh);
      return this.recent.some((r) => r.seq > since && touches(fresh, r.keys));
    } finally {
      if (--this.refreshing === 0) this.recent.length = 0;
    }
  }
}
