import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Authenticator } from '@kaizen/auth';
import { safeErrorFields } from '@kaizen/domain';
import { AuditTrail, type AuditStore, type Principal } from '@kaizen/core';
import { auditEventOf, createKaizenSurface, type ConsentOptions, type KaizenSource, type SurfaceHooks } from '@kaizen/mcp';
import { requireBearer } from './auth/bearer.js';
import { metadataRoutes, metadataUrl } from './auth/metadata.js';
import { requireScopes } from './auth/scope-check.js';
import { EventLog, type EventLogLimits } from './event-store.js';
import { createGuard, isLoopback } from './guards.js';
import { healthRoutes } from './health.js';
import { RpcCode, sendRpcError } from './json-rpc.js';
import { AudienceBus, ListenIndex, requestContext } from './listen-index.js';
import { legacySseRoutes, MCP_PATH, MESSAGES_PATH, mcpRoutes, SSE_PATH } from './mcp-routes.js';
import { createRateLimiter } from './rate-limit.js';
import { requestLogger, requestLogging } from './request-log.js';
import { SessionRegistry } from './sessions.js';

export interface KaizenHttpOptions {
  /** The core, or its promise while the database opens: discovery and health answer meanwhile. */
  kaizen: KaizenSource;
  /** Metrics, traces and audit plug into the MCP seam here. */
  hooks?: SurfaceHooks;
  /** Reported in serverInfo (the app's package.json version). */
  version?: string;
  /** OAuth 2.1 resource server: every MCP route needs a bearer token (a JWT, an opaque token, an API key). */
  auth?: { authenticator: Authenticator; resource: string; publicUrl: string; issuer?: string };
  /** KAIZEN_AUTH=none, said explicitly: serve without authentication even off loopback (warned at start). */
  authDisabled?: boolean;
  /** Each failed authentication (reason only): for metrics. */
  onAuthFailure?: (reason: string) => void;
  /** The audit trail's table: every change, every call refused for lack of rights, every failed authentication. */
  audit?: AuditStore;
  /** Consent for destructive calls (default: ask the user). */
  consent?: ConsentOptions;
  logger: Logger;
  /** Readiness probe of the database (the runtime's checkReady: reachable, migrated). */
  checkDatabase: () => Promise<void>;
  host: string;
  port: number;
  stateless?: boolean;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  trustProxy?: number;
  /** Requests per minute per client; 0 or unset: no limit. */
  rateLimit?: number;
  redisUrl?: string;
  /** Largest accepted JSON body (default 1 MiB: a knowledge entry is a few KB). */
  bodyLimitBytes?: number;
  /** How long shutdown waits for requests in progress before closing what is left (default 10 s). */
  shutdownGraceMs?: number;
  sessions?: { idleMs?: number; max?: number; maxPerClient?: number };
  events?: EventLogLimits;
}

export interface KaizenHttpServer {
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  /** Graceful stop: refuse new work, finish requests in progress, close sessions and streams. */
  shutdown(): Promise<void>;
  readonly http: Server;
}

const MCP_PATHS = [MCP_PATH, SSE_PATH, MESSAGES_PATH];

/** Kaizen's MCP server over HTTP: Streamable HTTP at /mcp, legacy SSE at /sse + /messages, health probes. */
export async function createKaizenHttpServer(options: KaizenHttpOptions): Promise<KaizenHttpServer> {
  const { logger } = options;
  if (refuseUnauthenticatedExposure(options.host, Boolean(options.auth), options.authDisabled ?? false)) {
    logger.warn({ host: options.host }, 'KAIZEN_AUTH=none: serving without authentication on a non-loopback address; anyone who reaches it can change every namespace');
  }
  const trail = options.audit
    ? new AuditTrail(options.audit, { onError: (err, lost) => logger.error({ err: safeErrorFields(err), lost }, 'audit events could not be written') })
    : undefined;
  const surface = createKaizenSurface(options.kaizen, {
    version: options.version,
    consent: options.consent,
    onOperation: (report) => {
      const event = trail && auditEventOf(report);
      // Runs inside the request's async context: the client's address comes from it.
      if (event) trail.record({ ...event, address: requestContext.getStore()?.address ?? null });
      options.hooks?.onOperation?.(report);
    },
    onInternalError: (err, operation, ctx) => {
      requestLogger(logger).error({ err: safeErrorFields(err), operation: `${operation.kind} ${operation.name}`, request: ctx.requestId }, 'operation failed');
      options.hooks?.onInternalError?.(err, operation, ctx);
    },
  });
  const onError = (err: Error) => logger.debug({ err: safeErrorFields(err) }, 'mcp request refused');
  // 2026-07-28 (and, stateless, 2025 too): a fresh server per request, nothing kept between requests.
  const principalOf = (authInfo: { extra?: Record<string, unknown> } | undefined) => authInfo?.extra?.principal as Principal | undefined;
  const bus = new AudienceBus();
  const handler = createMcpHandler(
    ({ era, requestInfo, authInfo }) =>
      surface.createServer({ era }, { principal: principalOf(authInfo), requestId: requestInfo?.headers.get('x-request-id') ?? undefined }),
    {
      legacy: 'reject', // 2025-era traffic is routed before it reaches this handler
      onerror: onError,
      bus,
    },
  );
  const listens = new ListenIndex(surface.hub, bus);
  const legacyServer = (principal?: Principal) => surface.createServer({ era: 'legacy' }, { principal });
  const sessions = new SessionRegistry({
    newServer: legacyServer,
    events: new EventLog(options.events),
    logger,
    idleMs: options.sessions?.idleMs,
    maxSessions: options.sessions?.max,
    maxPerOwner: options.sessions?.maxPerClient,
  });
  const guard = createGuard({ bindHost: options.host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
  if (guard.warning) logger.warn(guard.warning);
  const limiter = options.rateLimit ? await createRateLimiter({ limit: options.rateLimit, redisUrl: options.redisUrl, logger }) : undefined;

  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 0);
  app.use(requestLogging(logger));
  app.use(healthRoutes({ checkDatabase: options.checkDatabase, draining: () => draining }));

  const admit: RequestHandler = (req, res, next) => {
    if (draining) {
      res.set('Connection', 'close');
      return sendRpcError(res, 503, RpcCode.server, 'Service Unavailable: the server is shutting down. Retry, another instance may answer.');
    }
    // Streams (GET) last as long as the session; shutdown waits only for requests that complete.
    if (req.method === 'GET') return next();
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0) idle?.();
    });
    next();
  };
  const jsonOnly: RequestHandler = (req, res, next) => {
    if (req.method === 'POST' && !req.is('application/json')) {
      return sendRpcError(res, 415, RpcCode.server, 'Unsupported Media Type: send JSON-RPC with Content-Type: application/json.');
    }
    next();
  };
  app.use(MCP_PATHS, admit, ...guard.middleware);
  app.use(
    MCP_PATHS,
    cors({
      origin: (origin, done) => done(null, !origin || guard.originAllowed(origin)),
      exposedHeaders: ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
      allowedHeaders: ['Content-Type', 'Accept', 'Authorization', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID', 'X-Request-Id', 'traceparent', 'tracestate'],
      maxAge: 600,
    }),
  );
  if (options.auth) app.use(metadataRoutes({ resource: options.auth.resource, issuer: options.auth.issuer }));
  app.use(MCP_PATHS, jsonOnly, express.json({ limit: options.bodyLimitBytes ?? 1024 * 1024 }));
  // Without authentication the limit counts per address here; with it, per principal after the bearer check.
  if (limiter && !options.auth) app.use(MCP_PATHS, limiter.middleware);
  if (options.auth) {
    const resourceMetadataUrl = metadataUrl(options.auth.publicUrl);
    const onFailure = (reason: string, req: express.Request) => {
      options.onAuthFailure?.(reason);
      req.log?.warn({ reason }, 'authentication refused');
      trail?.record({ principal: 'anonymous', action: 'authenticate', outcome: 'denied', address: req.ip ?? null, requestId: String(req.id ?? ''), detail: { reason } });
    };
    const onDenied = (req: express.Request, action: string, needed: string) => {
      const principal = req.auth?.extra.principal;
      trail?.record({ principal: principal?.id ?? 'anonymous', clientId: principal?.clientId ?? null, action, outcome: 'denied', address: req.ip ?? null, requestId: String(req.id ?? ''), detail: { needed } });
    };
    app.use(MCP_PATHS, requireBearer({ authenticator: options.auth.authenticator, resourceMetadataUrl, onFailure }));
    if (limiter) app.use(MCP_PATHS, limiter.middleware);
    app.use(MCP_PATHS, requireScopes(resourceMetadataUrl, onDenied));
  }
  // Everything served for an MCP request runs knowing who asked and from where (audit, listen streams).
  app.use(MCP_PATHS, (req, _res, next) => requestContext.run({ principal: req.auth?.extra.principal.id, address: req.ip }, next));
  app.use(mcpRoutes({ sessions, handler, stateless: options.stateless ?? false, newServer: legacyServer, listens, onError }));
  app.use(legacySseRoutes(sessions));
  app.use((req, res) => sendRpcError(res, 404, RpcCode.server, `Not Found: ${req.method} ${req.path}. MCP is served at ${MCP_PATH} (Streamable HTTP) and ${SSE_PATH} (legacy SSE).`));
  app.use(errorHandler);

  const http = createServer(app);
  http.requestTimeout = 30_000; // time allowed to receive a whole request; responses and streams are not cut
  http.headersTimeout = 15_000;
  http.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts (60 s)

  return {
    http,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      }),
    shutdown: async () => {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      const grace = options.shutdownGraceMs ?? 10_000;
      if (inFlight > 0) {
        logger.info({ inFlight }, 'waiting for requests in progress');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, grace);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await sessions.closeAll();
      await handler.close().catch(() => undefined);
      await trail?.close();
      listens.close();
      surface.close();
      http.closeAllConnections();
      await closed;
      await limiter?.close();
    },
  };
}

/**
 * A server bound beyond loopback with no authentication would hand every namespace to whoever reaches
 * it: refused (an Error naming KAIZEN_AUTH) unless KAIZEN_AUTH=none says so. Returns true when it serves
 * unauthenticated off loopback by that explicit choice, which deserves a warning at every start.
 * Apps call it before opening the database, so the refusal is immediate.
 */
export function refuseUnauthenticatedExposure(host: string, authConfigured: boolean, authDisabled: boolean): boolean {
  if (authConfigured || isLoopback(host)) return false;
  if (!authDisabled) {
    throw new Error(
      `KAIZEN_AUTH: kaizen-http would let anyone who reaches ${host} read, rewrite and delete every namespace. ` +
        'Set KAIZEN_AUTH_ISSUER and KAIZEN_PUBLIC_URL (OAuth), or KAIZEN_AUTH=none to serve without authentication anyway.',
    );
  }
  return true;
}

/** Body parser and unexpected failures end as JSON-RPC errors, never Express's HTML page or a stack. */
const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') return sendRpcError(res, 400, RpcCode.parseError, 'Parse error: the body is not valid JSON.');
  if (type === 'entity.too.large') return sendRpcError(res, 413, RpcCode.server, `Payload Too Large: the body exceeds ${(err as { limit?: number }).limit} bytes.`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return sendRpcError(res, 415, RpcCode.server, 'Unsupported Media Type: send UTF-8 JSON.');
  req.log?.error({ err: safeErrorFields(err) }, 'request failed');
  sendRpcError(res, 500, -32603, 'Internal error: the request failed unexpectedly. Retry; if it persists, check the server logs.');
};
