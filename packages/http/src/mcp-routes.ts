import type { ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { RpcCode, sendRpcError } from './json-rpc.js';
import type { SessionRegistry } from './sessions.js';

export const MCP_PATH = '/mcp';
export const SSE_PATH = '/sse';
export const MESSAGES_PATH = '/messages';

/** SSE comment lines keep idle legacy streams open through proxies that cut silent connections. */
const SSE_KEEPALIVE_MS = 15_000;

const isInitialize = (body: unknown) =>
  Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);

const sessionHeader = (req: Request) => {
  const id = req.headers['mcp-session-id'];
  return typeof id === 'string' ? id : undefined;
};

/** Streamable HTTP with sessions: POST, GET (server stream, resumable) and DELETE on one path. */
export function statefulRoutes(sessions: SessionRegistry): Router {
  const router = Router();

  router.post(MCP_PATH, async (req, res) => {
    const id = sessionHeader(req);
    if (id) {
      const transport = sessions.get(id);
      if (!(transport instanceof StreamableHTTPServerTransport)) return sessionNotFound(res, id);
      res.on('close', sessions.track(id));
      return transport.handleRequest(req, res, req.body);
    }
    if (!isInitialize(req.body)) {
      return sendRpcError(res, 400, RpcCode.server, 'Bad Request: no Mcp-Session-Id header. Send initialize first, then the session id it returns on every request.');
    }
    if (sessions.full) {
      return sendRpcError(res, 503, RpcCode.server, `Service Unavailable: ${sessions.maxSessions} sessions are open. Retry later.`);
    }
    const transport = await sessions.openStreamable();
    await transport.handleRequest(req, res, req.body);
  });

  const existing = async (req: Request, res: Response) => {
    const id = sessionHeader(req);
    if (!id) return sendRpcError(res, 400, RpcCode.server, 'Bad Request: the Mcp-Session-Id header is required.');
    const transport = sessions.get(id);
    if (!(transport instanceof StreamableHTTPServerTransport)) return sessionNotFound(res, id);
    res.on('close', sessions.track(id));
    await transport.handleRequest(req, res);
  };
  router.get(MCP_PATH, existing);
  router.delete(MCP_PATH, existing);
  return router;
}

/**
 * Streamable HTTP without sessions, for several instances behind a load balancer: each POST gets its own
 * MCP server and transport over the shared core, answered as plain JSON, and both are dropped after.
 */
export function statelessRoutes(newServer: () => McpServer): Router {
  const router = Router();
  router.post(MCP_PATH, async (req, res) => {
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const noStream = (_req: Request, res: Response) => {
    res.setHeader('Allow', 'POST');
    sendRpcError(res, 405, RpcCode.server, 'Method Not Allowed: this server runs without sessions (KAIZEN_HTTP_STATELESS), so there is no stream to open or session to end.');
  };
  router.get(MCP_PATH, noStream);
  router.delete(MCP_PATH, noStream);
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
  sendRpcError(res, 404, RpcCode.sessionNotFound, `Session not found: ${id} has ended or never existed. Start a new session with initialize.`);
}
