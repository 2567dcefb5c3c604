/**
 * An in-process kaizen-http behind OAuth for tests: a real authorization server (oidc-provider) issuing
 * tokens for this server's resource, PGlite in memory, introspection for opaque tokens (agent-opaque).
 */
import { pino } from 'pino';
import { createAuthenticator } from '@kaizen/auth';
import { freePort, requestToken, SECRET, startAuthorizationServer } from '@kaizen/auth/testing';
import { createKaizen, type KaizenOptions } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createKaizenHttpServer, type KaizenHttpOptions, type KaizenHttpServer } from '../src/index.js';

export interface OAuthFixture {
  store: DrizzleKnowledgeStore;
  server: KaizenHttpServer;
  resource: string;
  token(client: 'agent-jwt' | 'agent-opaque', scope: string): Promise<string>;
  close(): Promise<void>;
}

export async function startWithOAuth(options: {
  core?: (store: DrizzleKnowledgeStore) => Partial<KaizenOptions>;
  server?: (store: DrizzleKnowledgeStore) => Partial<KaizenHttpOptions>;
}): Promise<OAuthFixture> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const resource = `${publicUrl}/mcp`;
  const as = await startAuthorizationServer({ resource });
  const store = await openStore({ databaseUrl: 'memory://' });
  const authenticator = createAuthenticator({
    issuer: as.issuer,
    resource,
    introspection: { url: as.meta.introspection_endpoint!, clientId: 'kaizen-rs', clientSecret: SECRET },
  });
  const server = await createKaizenHttpServer({
    kaizen: createKaizen({ store, ...options.core?.(store) }),
    logger: pino({ level: 'silent' }),
    checkDatabase: () => store.ping(),
    host: '127.0.0.1',
    port,
    auth: { authenticator, resource, publicUrl, issuer: as.issuer },
    ...options.server?.(store),
  });
  await server.listen();
  return {
    store,
    server,
    resource,
    token: (client, scope) => requestToken(as.meta, { grant_type: 'client_credentials', resource, scope }, client),
    close: async () => {
      await server.shutdown();
      await store.close();
      await as.close();
    },
  };
}
