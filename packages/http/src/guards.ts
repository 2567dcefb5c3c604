import type { RequestHandler } from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { RpcCode, sendRpcError } from './json-rpc.js';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export const isLoopback = (host: string) => ['localhost', '127.0.0.1', '::1', '[::1]'].includes(host) || host.startsWith('127.');

export interface GuardOptions {
  /** The address the server binds to. */
  bindHost: string;
  allowedHosts?: string[];
  allowedOrigins?: string[];
}

export interface Guard {
  /** Host and Origin checks against DNS rebinding, for the MCP routes. */
  middleware: RequestHandler[];
  /** Whether a browser origin may call the MCP routes (also drives CORS). */
  originAllowed(origin: string): boolean;
  /** Why protection is off, when it is (logged at start-up). */
  warning?: string;
}

/**
 * DNS rebinding protection, per the MCP transport security rules: the Host header must name this server
 * and a present Origin header must be allowed, else 403. On by default when bound to loopback (only
 * loopback names and origins); when bound to another address it needs the allowed lists, since only the
 * operator knows the public names.
 */
export function createGuard(options: GuardOptions): Guard {
  const loopback = isLoopback(options.bindHost);
  const hosts = options.allowedHosts ?? (loopback ? LOOPBACK_HOSTS : undefined);
  const origins = options.allowedOrigins;

  const originAllowed = (origin: string): boolean => {
    if (origins) return origins.includes('*') || origins.includes(origin);
    if (!loopback) return true;
    try {
      return LOOPBACK_HOSTS.includes(new URL(origin).hostname);
    } catch {
      return false;
    }
  };

  const middleware: RequestHandler[] = [];
  if (hosts) middleware.push(hostHeaderValidation(hosts));
  middleware.push((req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      req.log?.warn({ origin }, 'origin refused');
      sendRpcError(res, 403, RpcCode.server, `Forbidden: Origin ${origin} is not allowed. Add it to KAIZEN_HTTP_ALLOWED_ORIGINS.`);
      return;
    }
    next();
  });

  const off = [!hosts && 'Host', !origins && !loopback && 'Origin'].filter(Boolean);
  return {
    middleware,
    originAllowed,
    warning: off.length
      ? `bound to ${options.bindHost} without ${off.join(' or ')} validation: set KAIZEN_HTTP_ALLOWED_HOSTS and KAIZEN_HTTP_ALLOWED_ORIGINS to protect against DNS rebinding`
      : undefined,
  };
}
