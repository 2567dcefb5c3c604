/**
 * @kaizen/auth: Kaizen as an OAuth 2.1 resource server. It verifies access tokens issued by any
 * standards-compliant authorization server (JWTs against the issuer's JWKS, opaque tokens by RFC 7662
 * introspection) and Kaizen's own API keys; it bundles no authorization server.
 */
export { KAIZEN_SCOPES, expandScopes, hasScope, type KaizenScope } from './scopes.js';
export { AuthError, isAuthError, type AuthFailure } from './errors.js';
export { callerIdentity, type AuthenticatedPrincipal, type CallerIdentity } from './principal.js';
export { generateApiKey, parseApiKey, hashApiKeySecret, type ApiKeyRecord, type ApiKeyLookup } from './api-keys.js';
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from './authenticator.js';
export { protectedResourceMetadata } from './metadata.js';
export { authConfig, stdioAuthConfig, type AuthSettings } from './config.js';
