/**
 * /mcp serves both protocol eras on one path. A POST is classified the way the SDK classifies it
 * (isLegacyRequest): 2026-07-28 requests go to the SDK's per-request handler (any instance serves any
 * request), 2025-era traffic to Kaizen's sessions (initialize, Mcp-Session-Id, resumable GET streams,
 * DELETE) or, with KAIZEN_HTTP_STATELESS, to one server per request answered as JSON. /sse + /messages keep the
 * deprecated HTTP+SSE transport for old clients.
 */
import type { ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import { NodeStreamableHTTPServerTransport as StreamableHTTPServerTransport, toNodeHandler, type NodeMcpRequestHandler } from '@modelcontextprotocol/node';
import { isInitializeRequest, isLegacyRequest, type McpHttpHandler, type McpServer, type Transport } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import { RpcCode, sendRpcError } from './json-rpc.js';
import type { Principal } from '@kaizen/core';
import './auth/bearer.js'; // req.auth
import type { ListenIndex } from './listen-index.js';
import type { SessionRegistry } from './sessions.js';

export const MCP_PATH = '/mcp';
export const SSE_PATH = '/sse';
export const MESSAGES_PATH = '/messages';

/** SSE comment lines keep idle legacy streams open through proxies that cut silent connections. */
const SSE_KEEPALIVE_MS = 15_000;

/**
 * The request as isLegacyRequest needs it: it classifies from the parsed body we pass beside it, so the
 * body is not serialised again (toWebRequest would JSON.stringify it on every POST).
 */
function headersOnly(req: Request): globalThis.Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return new globalThis.Request(`http://${req.headers.host ?? 'localhost'}${req.originalUrl}`, { method: req.method, headers });
}

const principalOf = (req: Request): Principal | undefined => req.auth?.extra.principal;
/** Whom a new session counts against: its principal, or its address when there is no authentication. */
const ownerOf = (req: Request) => principalOf(req)?.id ?? `address:${req.ip ?? 'unknown'}`;

function tooMany(res: Response, sessions: SessionRegistry, req: Request): boolean {
  if (sessions.full) {
    sendRpcError(res, 503, RpcCode.server, `Service Unavailable: ${sessions.maxSessions} sessions are open. Retry later.`);
    return true;
  }
  if (sessions.fullFor(ownerOf(req))) {
    res.setHeader('Retry-After', '60');
    sendRpcError(res, 429, RpcCode.server, `Too Many Requests: this client already has ${sessions.maxPerOwner} open sessions. End some (DELETE) or reuse one.`);
    return true;
  }
  return false;
}

const sessionHeader = (req: Request) => {
  const id = req.headers['mcp-session-id'];
  return typeof id === 'string' ? id : undefined;
};

export interface McpRouteOptions {
  sessions: SessionRegistry;
  /** The SDK handler for 2026-07-28 requests. */
  handler: McpHttpHandler;
  stateless: boolean;
  /** A 2025-era server (per session, or per request when stateless). */
  newServer: (principal?: Principal) => McpServer;
  listens: ListenIndex;
  onError: (error: Error) => void;
}

export function mcpRoutes(options: McpRouteOptions): Router {
  const { sessions, listens } = options;
  const sdk: NodeMcpRequestHandler = toNodeHandler(options.handler, { onerror: options.onError });
  const router = Router();

  router.post(MCP_PATH, async (req, res) => {
    const legacy = await isLegacyRequest(headersOnly(req), req.body);
    if (!legacy) {
      const principal = principalOf(req);
      listens.track(req.body, res, principal);
      // The bus tags a listen stream with the principal of the request that opens it.
      return sdk(req, res, req.body);
    }
    if (options.stateless) return statelessLegacy(() => options.newServer(principalOf(req)), req, res);
    const id = sessionHeader(req);
    if (id) {
      const transport = sessions.get(id, principalOf(req)?.id);
      if (!transport || transport instanceof SSEServerTransport) return sessionNotFound(res, id);
      res.on('close', sessions.track(id));
      return transport.handleRequest(req, res, req.body);
    }
    if (!isInitializeRequest(req.body)) {
      const text = Array.isArray(req.body)
        ? 'Bad Request: initialize must be sent alone, not in a batch.'
        : 'Bad Request: no Mcp-Session-Id header. Send initialize first, then the session id it returns on every request.';
      return sendRpcError(res, 400, RpcCode.server, text);
    }
    // Checked before anything is allocated: the transport would refuse it after building a server.
    const accept = String(req.headers.accept ?? '');
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return sendRpcError(res, 406, RpcCode.server, 'Not Acceptable: the client must accept both application/json and text/event-stream.');
    }
    if (tooMany(res, sessions, req)) return;
    await sessions.serveInitialize(principalOf(req), ownerOf(req), (transport) => transport.handleRequest(req, res, req.body));
  });

  const existing = async (req: Request, res: Response) => {
    const id = sessionHeader(req);
    if (options.stateless) {
      res.setHeader('Allow', 'POST');
      return sendRpcError(res, 405, RpcCode.server, 'Method Not Allowed: this server runs without sessions (KAIZEN_HTTP_STATELESS), so there is no stream to open or session to end.');
    }
    if (!id) return sendRpcError(res, 400, RpcCode.server, 'Bad Request: the Mcp-Session-Id header is required.');
    const transport = sessions.get(id, principalOf(req)?.id);
    if (!transport || transport instanceof SSEServerTransport) return sessionNotFound(res, id);
    res.on('close', sessions.track(id));
    await transport.handleRequest(req, res);
  };
  router.get(MCP_PATH, existing);
  router.delete(MCP_PATH, existing);
  return router;
}

/**
 * 2025-era traffic without sessions (KAIZEN_HTTP_STATELESS): each POST gets its own server and transport
 * over the shared core, answered as plain JSON, and both are dropped when the response ends.
 */
async function statelessLegacy(newServer: () => McpServer, req: Request, res: Response): Promise<void> {
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport as unknown as Transport);
  await transport.handleRequest(req, res, req.body);
}

/** The deprecated HTTP+SSE transport (protocol 2024-11-05) for older clients. */
export function legacySseRoutes(sessions: SessionRegistry): Router {
  const router = Router();
  router.get(SSE_PATH, async (req, res) => {
    if (tooMany(res, sessions, req)) return;
    const transport = await sessions.openSse(MESSAGES_PATH, res as ServerResponse, principalOf(req), ownerOf(req));
    const keepAlive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    res.on('close', () => clearInterval(keepAlive));
    req.log?.debug({ session: transport.sessionId }, 'sse stream opened');
  });
  router.post(MESSAGES_PATH, async (req, res) => {
    const id = typeof req.query.sessionId === 'string' ? req.query.sessionId : undefined;
    if (!id) return sendRpcError(res, 400, RpcCode.server, 'Bad Request: the sessionId query parameter is required (from the endpoint event of GET /sse).');
    const transport = sessions.get(id, principalOf(req)?.id);
    if (!(transport instanceof SSEServerTransport)) return sessionNotFound(res, id);
    const done = sessions.track(id);
    res.on('close', done);
    await transport.handlePostMessage(req, res, req.body);
  });
  return router;
}

function sessionNotFound(res: Response, id: string): void {
  sendRpcError(res, 404, RpcCode.sessionNotFound, `Session not found: ${id.slice(0, 100)} has ended or never existed. Start a new session with initialize.`);
}
