/**
 * `@kaizen/auth/testing`: a real authorization server (oidc-provider, certified OpenID provider) on
 * loopback for end-to-end tests of any surface that verifies tokens. oidc-provider is a dev dependency:
 * only test code imports this entry.
 */
export { authorize, freePort, listen, startAuthorizationServer, requestToken, basic, OTHER, RESOURCE, SECRET, REDIRECT_URI, USER } from './authorization-server.js';
