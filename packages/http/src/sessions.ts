import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport as StreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { McpServer, Transport } from '@modelcontextprotocol/server';
import type { Principal } from '@kaizen/core';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import type { Logger } from 'pino';
import type { EventLog, SessionEventStore } from './event-store.js';

interface Session {
  server: McpServer;
  /** Who opened the session; only that principal's requests reach it (anyone else: not found). */
  principalId?: string;
  /** Whom the session counts against for the per-owner cap. */
  owner?: string;
  transport: StreamableHTTPServerTransport | SSEServerTransport;
  events?: SessionEventStore;
  /** Requests of this session being served right now (an open stream counts as one). */
  active: number;
  lastSeen: number;
}

export interface SessionOptions {
  /** A fresh 2025-era MCP server (over the one shared core) per session: the SDK binds a server to one transport. */
  newServer: (principal?: Principal) => McpServer;
  events: EventLog;
  logger: Logger;
  /** Sessions with no request for this long are closed (clients then start a new one, per the spec). */
  idleMs?: number;
  /** At most this many sessions at once; initialize is refused beyond. */
  maxSessions?: number;
  /** At most this many sessions per owner (a principal, or an address when unauthenticated). */
  maxPerOwner?: number;
}

/**
 * Every live MCP session, whichever transport carries it: Streamable HTTP sessions (Mcp-Session-Id) and
 * legacy HTTP+SSE sessions (?sessionId=). Bounded in number and reaped when idle so that clients that
 * vanish without DELETE do not hold memory forever.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  readonly maxSessions: number;
  readonly maxPerOwner: number;
  private readonly reaper: NodeJS.Timeout;

  constructor(private readonly options: SessionOptions) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxSessions = options.maxSessions ?? 1_000;
    this.maxPerOwner = options.maxPerOwner ?? 100;
    this.reaper = setInterval(() => this.reapIdle(), Math.min(this.idleMs, 60_000));
    this.reaper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get full(): boolean {
    return this.sessions.size >= this.maxSessions;
  }

  /** One client (a principal, else an address) may not take every session and lock the others out. */
  fullFor(owner: string): boolean {
    let count = 0;
    for (const session of this.sessions.values()) if (session.owner === owner && ++count >= this.maxPerOwner) return true;
    return false;
  }

  /** A Streamable HTTP transport whose session registers itself once initialize succeeds. */
  async openStreamable(principal?: Principal, owner?: string): Promise<StreamableHTTPServerTransport> {
    const server = this.options.newServer(principal);
    const events = this.options.events.forSession();
    let transport: StreamableHTTPServerTransport | undefined = undefined;
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore: events,
      // Sent with the priming event: how long a client waits before resuming a dropped stream.
      retryInterval: 1_000,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { server, transport: transport!, events, active: 0, lastSeen: Date.now(), principalId: principal?.id, owner });
        this.options.logger.info({ session: id, transport: 'streamable-http', sessions: this.sessions.size }, 'session opened');
      },
    });
    const created = transport;
    created.onclose = () => {
      this.forget(created.sessionId);
      void server.close().catch(() => undefined);
      events.clear();
    };
    await server.connect(created as unknown as Transport);
    return created;
  }

  /**
   * Serves an initialize POST on a fresh session. If the transport refuses it (wrong Accept, a malformed
   * batch) no session was registered: the server and transport are closed at once, so a refused request
   * leaves nothing behind.
   */
  async serveInitialize(principal: Principal | undefined, owner: string, handle: (transport: StreamableHTTPServerTransport) => Promise<void>): Promise<void> {
    const transport = await this.openStreamable(principal, owner);
    try {
      await handle(transport);
    } finally {
      const id = transport.sessionId;
      if (!id || !this.sessions.has(id)) {
        transport.onclose = undefined;
        await transport.close().catch(() => undefined);
      }
    }
  }

  /** A legacy SSE session: the GET response is its stream, POST /messages?sessionId= its inbox. */
  async openSse(endpoint: string, res: ServerResponse, principal?: Principal, owner?: string): Promise<SSEServerTransport> {
    const server = this.options.newServer(principal);
    const transport = new SSEServerTransport(endpoint, res);
    const id = transport.sessionId;
    this.sessions.set(id, { server, transport, active: 1, lastSeen: Date.now(), principalId: principal?.id, owner });
    transport.onclose = () => this.forget(id);
    await server.connect(transport as unknown as Transport);
    this.options.logger.info({ session: id, transport: 'sse', sessions: this.sessions.size }, 'session opened');
    return transport;
  }

  /** The session's transport, if it exists and belongs to `principalId` (sessions are bound to their opener). */
  get(id: string, principalId?: string): StreamableHTTPServerTransport | SSEServerTransport | undefined {
    const session = this.sessions.get(id);
    return session && session.principalId === principalId ? session.transport : undefined;
  }

  /** Marks a request of the session as in progress until `done` is called. */
  track(id: string): () => void {
    const session = this.sessions.get(id);
    if (!session) return () => undefined;
    session.active++;
    session.lastSeen = Date.now();
    return () => {
      session.active--;
      session.lastSeen = Date.now();
    };
  }

  /** Closes every session (shutdown): open streams end, clients see the server go. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
    clearInterval(this.reaper);
  }

  private forget(id: string | undefined): void {
    if (!id) return;
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    session.events?.clear();
    void session.server.close().catch(() => undefined);
    this.options.logger.info({ session: id, sessions: this.sessions.size }, 'session closed');
  }

  private reapIdle(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (session.active === 0 && now - session.lastSeen > this.idleMs) {
        this.options.logger.info({ session: id }, 'closing idle session');
        void session.transport.close().catch(() => undefined);
      }
    }
  }
}
