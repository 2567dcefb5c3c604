/**
 * Bearer authentication in front of every MCP route (OAuth 2.1 resource server). A request without a
 * valid token gets 401 with the RFC 9728 pointer to the protected resource metadata, so a client can find
 * the authorization server; a verified caller travels on as `req.auth` (what the SDK forwards to handlers
 * as `authInfo`), carrying the Kaizen principal in `extra.principal`.
 */
import type { Request, RequestHandler, Response } from 'express';
import { callerIdentity, isAuthError, type Authenticator } from '@kaizen/auth';
import type { Principal } from '@kaizen/core';

export interface BearerOptions {
  authenticator: Authenticator;
  /** URL of this server's protected resource metadata (`resource_metadata` in every challenge). */
  resourceMetadataUrl: string;
  /** Every failed authentication, for the log and the metrics: the reason only, never the token. */
  onFailure?: (reason: string, req: Request) => void;
}

export interface VerifiedAuth {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  extra: { principal: Principal };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      /** Set by requireBearer; the SDK forwards it to handlers as `authInfo`. */
      auth?: VerifiedAuth;
    }
  }
}

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

export function challenge(resourceMetadataUrl: string, params: Record<string, string>): string {
  return `Bearer ${Object.entries({ ...params, resource_metadata: resourceMetadataUrl })
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(', ')}`;
}

export function requireBearer(options: BearerOptions): RequestHandler {
  return (req, res, next) => {
    if (typeof req.query.access_token === 'string') {
      // RFC 6750 allows it, OAuth 2.1 does not: URLs end up in logs and proxies.
      return refuse(res, options, 400, 'invalid_request', 'send the access token in the Authorization header, never in the URL', req, 'query_token');
    }
    options.authenticator
      .authenticate(req.headers.authorization)
      .then((principal) => {
        req.auth = {
          token: 'verified', // the raw token never travels past this point
          clientId: principal.clientId ?? principal.subject,
          scopes: principal.scopes,
          ...(principal.expiresAt && { expiresAt: Math.floor(principal.expiresAt.getTime() / 1000) }),
          extra: { principal: callerIdentity(principal) },
        };
        next();
      })
      .catch((error: unknown) => {
        if (!isAuthError(error)) return next(error);
        if (error.reason === 'unavailable') {
          options.onFailure?.(error.reason, req);
          res.setHeader('Retry-After', '5');
          res.status(503).json({ error: 'temporarily_unavailable', error_description: error.message });
          return;
        }
        if (error.reason === 'missing') {
          options.onFailure?.(error.reason, req);
          res.setHeader('WWW-Authenticate', challenge(options.resourceMetadataUrl, { scope: 'kaizen:read' }));
          res.status(401).json({ error: 'invalid_token', error_description: 'an access token is required: send Authorization: Bearer <token>' });
          return;
        }
        refuse(res, options, 401, 'invalid_token', error.message, req, error.reason);
      });
  };
}

function refuse(res: Response, options: BearerOptions, status: number, error: string, description: string, req: Request, reason: string): void {
  options.onFailure?.(reason, req);
  res.setHeader('WWW-Authenticate', challenge(options.resourceMetadataUrl, { error, error_description: description, scope: 'kaizen:read' }));
  res.status(status).json({ error, error_description: description });
}
