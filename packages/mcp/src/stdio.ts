/**
 * Kaizen over stdio for both eras (SDK serveStdio): a 2025 client opens with initialize and keeps a
 * session; a 2026-07-28 client sends enveloped requests and listens with subscriptions/listen. The
 * server answers discovery before the database has opened (the core arrives as a promise); tool calls
 * wait for it.
 */
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { McpServer } from '@modelcontextprotocol/server';
import type { ConnectionInfo } from './call-context.js';
import type { Watch } from './hub.js';
import { createKaizenSurface, type KaizenSurfaceOptions } from './server.js';
import type { KaizenSource } from './seam.js';
import { KaizenStdioTransport, type StdioListenHooks } from './stdio-transport.js';

export interface KaizenStdioOptions extends KaizenSurfaceOptions {
  /**
   * Who calls: unset, the local owner. A promise (an API key still to verify against the database) holds
   * the connection's opening until it resolves, so that tools/list already shows what the key allows.
   */
  connection?: ConnectionInfo | Promise<ConnectionInfo>;
  /** A message refused by the transport, an SDK error: for the host's log. */
  onTransportError?: (reason: string) => void;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

export interface KaizenStdioServer {
  /** Resolves when the client has gone (stdin closed) or close() was called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export function serveKaizenStdio(kaizen: KaizenSource, options: KaizenStdioOptions = {}): KaizenStdioServer {
  const surface = createKaizenSurface(kaizen, options);
  let connection: ConnectionInfo | undefined = options.connection instanceof Promise ? undefined : options.connection;
  const connecting = Promise.resolve(options.connection).then((c) => (connection = c));
  connecting.catch(() => undefined); // a failed verification is the app's to report
  /** The 2026-era instance serving the connection; it publishes updates onto its listen streams. */
  let modern: McpServer | undefined;
  let finish: () => void = () => undefined;
  const listens = new Map<string | number, Promise<Watch | undefined>[]>();
  const hooks: StdioListenHooks = {
    onListen: (id, uris) => {
      const watches = [...new Set(uris)].slice(0, 100).map((uri) =>
        surface.hub.watch(uri, (u) => void modern?.server.sendResourceUpdated({ uri: u }).catch(() => undefined), connection?.principal).catch(() => undefined),
      );
      listens.set(id, watches);
    },
    onCancel: (id) => {
      for (const w of listens.get(id) ?? []) void w.then((watch) => watch?.close());
      listens.delete(id);
    },
    onRefused: (reason) => options.onTransportError?.(reason),
    onClosed: () => finish(),
  };
  const transport = new KaizenStdioTransport(hooks, options.stdin, options.stdout);
  // List changes the caller may see (its principal is known once the connection is).
  let stopListChanged: () => void = () => undefined;
  void connecting.then(() => {
    stopListChanged = surface.hub.onListChanged(() => {
      if (modern?.isConnected()) modern.sendResourceListChanged();
    }, connection?.principal);
  }, () => undefined);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const handle = serveStdio(
    async ({ era }) => {
      await connecting;
      const server = surface.createServer({ era }, connection);
      if (era === 'modern') modern = server;
      return server;
    },
    { transport, onerror: (error) => options.onTransportError?.(error.message.split('\n')[0]!) },
  );
  let done = false;
  finish = () => {
    if (done) return;
    done = true;
    stopListChanged();
    for (const id of [...listens.keys()]) hooks.onCancel!(id);
    surface.close();
    resolveClosed();
  };
  return {
    closed,
    close: async () => {
      await handle.close().catch(() => undefined);
      finish();
    },
  };
}
