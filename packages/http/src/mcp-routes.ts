/**
 * /mcp serves both protocol eras on one path. A POST is classified the way the SDK classifies it
 * (isLegacyRequest): 2026-07-28 requests go to the SDK's per-request handler (any instance serves any
 * request), 2025-era traffic to Kaizen's sessions (initialize, Mcp-Session-Id, resumable GET streams,
 * DELETE) or, with KAIZEN_HTTP_STATELESS, to the SDK's stateless 2025 serving. /sse + /messages keep the
 * deprecated HTTP+SSE transport for old clients.
 */
import type { ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import { toNodeHandler, toWebRequest, type NodeMcpRequestHandler } from '@modelcontextprotocol/node';
import { isInitializeRequest, isLegacyRequest, type McpHttpHandler } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import { RpcCode, sendRpcError } from './json-rpc.js';
import type { ListenIndex } from './listen-index.js';
import type { SessionRegistry } from './sessions.js';

export const MCP_PATH = '/mcp';
export const SSE_PATH = '/sse';
export const MESSAGES_PATH = '/messages';

/** SSE comment lines keep idle legacy streams open through proxies that cut silent connections. */
const SSE_KEEPALIVE_MS = 15_000;

const sessionHeader = (req: Request) => {
  const id = req.headers['mcp-session-id'];
  return typeof id === 'string' ? id : undefined;
};

export interface McpRouteOptions {
  sessions: SessionRegistry;
  /** The SDK handler: 2026-07-28 always; 2025-era too when stateless. */
  handler: McpHttpHandler;
  stateless: boolean;
  listens: ListenIndex;
  onError: (error: Error) => void;
}

export function mcpRoutes(options: McpRouteOptions): Router {
  const { sessions, listens } = options;
  const sdk: NodeMcpRequestHandler = toNodeHandler(options.handler, { onerror: options.onError });
  const router = Router();

  router.post(MCP_PATH, async (req, res) => {
    const legacy = !options.stateless && (await isLegacyRequest(await toWebRequest(req, req.body), req.body));
    if (!legacy) {
      listens.track(req.body, res);
      return sdk(req, res, req.body);
    }
    const id = sessionHeader(req);
    if (id) {
      const transport = sessions.get(id);
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
    if (sessions.full) {
      return sendRpcError(res, 503, RpcCode.server, `Service Unavailable: ${sessions.maxSessions} sessions are open. Retry later.`);
    }
    await sessions.serveInitialize((transport) => transport.handleRequest(req, res, req.body));
  });

  const existing = async (req: Request, res: Response) => {
    const id = sessionHeader(req);
    if (!id) {
      if (options.stateless) return sdk(req, res);
      return sendRpcError(res, 400, RpcCode.server, 'Bad Request: the Mcp-Session-Id header is required.');
    }
    const transport = sessions.get(id);
    if (!transport || transport instanceof SSEServerTransport) return sessionNotFound(res, id);
    res.on('close', sessions.track(id));
    await transport.handleRequest(req, res);
  };
  router.get(MCP_PATH, existing);
  router.delete(MCP_PATH, existing);
  return router;
}

/** The deprecated HTTP+SSE transport (protocol 2024-11-05) for older clients. */
export function legacySseRoutes(sessions: SessionRegistry): Router {
  const router = Router();
  router.get(SSE_PATH, async (req, res) => {
    if (sessions.full) {
      return sendRpcError(res, 503, RpcCode.server, `Service Unavailable: ${sessions.maxSessions} sessions are open. Retry later.`);
    }
    const transport = await sessions.openSse(MESSAGES_PATH, res as ServerResponse);
    const keepAlive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    res.on('close', () => clearInterval(keepAlive));
    req.log?.debug({ session: transport.sessionId }, 'sse stream opened');
  });
  router.post(MESSAGES_PATH, async (req, res) => {
    const id = typeof req.query.sessionId === 'string' ? req.query.sessionId : undefined;
    if (!id) return sendRpcError(res, 400, RpcCode.server, 'Bad Request: the sessionId query parameter is required (from the endpoint event of GET /sse).');
    const transport = sessions.get(id);
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
