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

export class Subscriptions {
  /** Subscribed URI (as the client sent it) -> the keys it depends on. */
  private readonly watched = new Map<string, Set<string>>();
  private readonly detach: () => void;
  private wasConnected = false;

  constructor(
    private readonly server: McpServer,
    private readonly kaizen: KaizenService,
    private readonly log: SessionLog,
  ) {
    server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      const uri = request.params.uri;
      this.watched.set(uri, await this.dependencies(uri));
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

  get size(): number {
    return this.watched.size;
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
    for (const [uri, deps] of this.watched) {
      if (![...deps].some((d) => keys.has(d))) continue;
      this.server.server.sendResourceUpdated({ uri }).catch(() => undefined);
      this.log.send('debug', `resource updated: ${uri}`);
      this.dependencies(uri)
        .then((fresh) => {
          if (this.watched.has(uri)) this.watched.set(uri, fresh);
        })
        .catch(() => undefined);
    }
  }
}
