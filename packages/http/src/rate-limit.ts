import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import type { Logger } from 'pino';
import { RpcCode, sendRpcError } from './json-rpc.js';
import './auth/bearer.js'; // req.auth

export interface RateLimiter {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/**
 * Per-client request limit over a one-minute window (express-rate-limit): counters in memory, or in Redis
 * (rate-limit-redis over node-redis) so that every instance behind a load balancer shares them. The client
 * is its address (IPv6 grouped by /56), taken from X-Forwarded-For when KAIZEN_HTTP_TRUST_PROXY says so.
 */
export async function createRateLimiter(options: { limit: number; redisUrl?: string; logger: Logger }): Promise<RateLimiter> {
  const { limit, redisUrl, logger } = options;
  let redis: ReturnType<typeof createClient> | undefined;
  let store: RedisStore | undefined;
  if (redisUrl) {
    let connected = false;
    redis = createClient({
      url: redisUrl,
      socket: {
        connectTimeout: 5_000,
        // Unreachable at start-up: stop with a clear error (else connect() would retry forever). Lost
        // later: keep reconnecting; meanwhile limits are not enforced (see passOnStoreError).
        reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 5_000) : cause),
      },
    });
    redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis unavailable'));
    try {
      await redis.connect();
      connected = true;
    } catch (error) {
      if (redis.isOpen) redis.destroy();
      throw new Error(`KAIZEN_REDIS_URL: cannot reach Redis at ${redactUrl(redisUrl)} (${(error as Error).message})`);
    }
    const client = redis;
    store = new RedisStore({ prefix: 'kaizen:rl:', sendCommand: (...args: string[]) => client.sendCommand(args) });
  }

  const middleware = rateLimit({
    windowMs: 60_000,
    limit,
    // Per principal once authentication has run (two agents behind one NAT each get their own budget),
    // else per address (IPv6 grouped by /56).
    keyGenerator: (req) => {
      const principal = req.auth?.extra.principal.id;
      return principal ? `principal:${principal}` : ipKeyGenerator(req.ip ?? 'unknown', 56);
    },
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    // A shared store that is briefly down must not take the team's memory down with it.
    passOnStoreError: true,
    handler: (req, res, _next, opts) => {
      req.log?.warn({ limit }, 'rate limit exceeded');
      sendRpcError(res, opts.statusCode, RpcCode.server, `Too many requests: at most ${limit} per minute per client. Retry after the number of seconds in Retry-After.`);
    },
  });

  return {
    middleware: perMessage(middleware),
    close: async () => {
      if (redis?.isOpen) await redis.close().catch(() => undefined);
    },
  };
}

/** A JSON-RPC batch larger than this is refused outright (MCP 2025-06-18 and later have no batches). */
export const MAX_BATCH_MESSAGES = 20;

/**
 * Limits count JSON-RPC messages, not HTTP requests: a batch of N takes N from the client's allowance
 * (runs after the body parser). Each pass through express-rate-limit counts one.
 */
function perMessage(limiter: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const count = Array.isArray(req.body) ? req.body.length : 1;
    if (count > MAX_BATCH_MESSAGES) {
      sendRpcError(res, 400, RpcCode.invalidRequest, `Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages; send them separately.`);
      return;
    }
    let left = Math.max(1, count);
    const step = (error?: unknown) => {
      if (error) return next(error);
      if (res.headersSent) return; // refused: 429 already sent
      if (--left === 0) return next();
      void limiter(req, res, step);
    };
    void limiter(req, res, step);
  };
}

const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
