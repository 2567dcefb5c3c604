import { KAIZEN_SCOPES } from './scopes.js';

/**
 * The OAuth 2.0 Protected Resource Metadata document (RFC 9728) Kaizen serves at
 * `/.well-known/oauth-protected-resource` (and the `/mcp`-suffixed path): MCP clients read it, from the
 * WWW-Authenticate header of a 401, to find which authorization server to get a token from.
 */
export function protectedResourceMetadata(options: { resource: string; issuer?: string }): {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
} {
  return {
    resource: options.resource,
    authorization_servers: options.issuer ? [options.issuer] : [],
    scopes_supported: [...KAIZEN_SCOPES],
    // Tokens in query strings end up in logs; form bodies do not fit JSON-RPC. Header only.
    bearer_methods_supported: ['header'],
    resource_name: 'Kaizen',
  };
}
