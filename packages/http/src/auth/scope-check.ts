/**
 * Step-up before dispatch: a JSON-RPC call that needs a scope the token lacks is answered 403 with
 * `error="insufficient_scope"` and every scope needed, so the client can ask its authorization server for
 * more and retry (SEP-2350). Tools need what their definition says; reading resources, prompts and
 * completions needs kaizen:read; discovery, lists of tools and pings need only a valid token.
 */
import type { RequestHandler } from 'express';
import { expandScopes, hasScope, type KaizenScope } from '@kaizen/auth';
import { TOOLS } from '@kaizen/mcp';
import { challenge } from './bearer.js';

const TOOL_SCOPES = new Map(TOOLS.map((t) => [t.name, t.scope as KaizenScope]));
const READS = new Set(['resources/list', 'resources/read', 'resources/templates/list', 'resources/subscribe', 'prompts/list', 'prompts/get', 'completion/complete']);

/** The scope a JSON-RPC message needs, or undefined when any valid token will do. */
export function scopeNeeded(message: unknown): KaizenScope | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  if (method === 'tools/call') return TOOL_SCOPES.get(String(params?.name)) ?? 'kaizen:read';
  return typeof method === 'string' && READS.has(method) ? 'kaizen:read' : undefined;
}

/** A call refused for lack of scope: what it was and which scope it needed (for the audit trail). */
export type OnDenied = (req: Parameters<RequestHandler>[0], action: string, needed: KaizenScope) => void;

const actionOf = (message: unknown) => {
  const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' ? String(params?.name) : String(method);
};

export function requireScopes(resourceMetadataUrl: string, onDenied?: OnDenied): RequestHandler {
  return (req, res, next) => {
    const granted = req.auth?.scopes ?? [];
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    const missing = messages.map(scopeNeeded).filter((s): s is KaizenScope => s !== undefined && !hasScope(granted, s));
    if (missing.length === 0) return next();
    // Every scope the caller needs for this request: what it has, plus the highest it lacks.
    const highest = missing.sort((a, b) => expandScopes([b]).length - expandScopes([a]).length)[0]!;
    for (const message of messages) {
      const needed = scopeNeeded(message);
      if (needed && !hasScope(granted, needed)) onDenied?.(req, actionOf(message), needed);
    }
    const needed = [...new Set([...expandScopes(granted), ...expandScopes([highest])])].join(' ');
    res.setHeader('WWW-Authenticate', challenge(resourceMetadataUrl, { error: 'insufficient_scope', scope: needed, error_description: `this call needs ${highest}` }));
    res.status(403).json({ error: 'insufficient_scope', error_description: `this call needs the ${highest} scope; ask the authorization server for: ${needed}` });
  };
}
