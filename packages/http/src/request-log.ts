import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const requestContext = new AsyncLocalStorage<Logger>();

/**
 * The logger of the HTTP request being served, carrying its correlation id, for code that runs on its
 * behalf (MCP tool handlers, core failures) without the request at hand; the base logger elsewhere.
 */
export const requestLogger = (fallback: Logger): Logger => requestContext.getStore() ?? fallback;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One structured line per request (pino-http) with a correlation id: the caller's X-Request-Id when it is
 * a sane token, else a fresh UUID; echoed in the response and bound to every log line of the request.
 */
export function requestLogging(logger: Logger): RequestHandler[] {
  const http = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'requestId' },
    // Child loggers (req.log) carry the id alone; the completion line adds the request and response.
    quietReqLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${url(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${url(req)} ${res.statusCode}`,
    // The MCP session and method say what a request was about; headers beyond that are noise (and secrets).
    serializers: {
      req: (req) => ({ method: req.method, url: req.raw ? url(req.raw as never) : req.url, remoteAddress: req.remoteAddress }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    customProps: (req) => {
      const body = (req as { body?: unknown }).body;
      const method = body && typeof body === 'object' && 'method' in body ? (body as { method: unknown }).method : undefined;
      return { session: req.headers['mcp-session-id'], mcpMethod: typeof method === 'string' ? method : undefined };
    },
  });
  return [http, (req, _res, next) => requestContext.run(req.log, next)];
}

/**
 * Express rewrites req.url inside mounted middleware; the original is what the client asked for. A token
 * a client put in the query string (refused, but still in the URL) is masked: logs never hold credentials.
 */
const url = (req: { url?: string; originalUrl?: string }) =>
  (req.originalUrl ?? req.url)?.replace(/([?&](?:access_token|token|api_key|key)=)[^&#]*/gi, '$1***');
