import { authConfig, createAuthenticator } from '@kaizen/auth';
import { consentConfig } from '@kaizen/mcp';
import { createKaizenHttpServer, httpConfig, refuseUnauthenticatedExposure } from '@kaizen/http';
import { auditConfig, createLogger, formatStartupError, httpProgram, loadConfig, printHelpOrVersion, startKaizen } from '@kaizen/runtime';

const program = httpProgram(import.meta.url, httpConfig, authConfig, consentConfig, auditConfig);

// Wiring only: configuration -> store -> core -> HTTP server (one MCP server per session over one core).
async function main(argv: string[]) {
  if (printHelpOrVersion(program, argv)) return;
  const config = loadConfig(program.slices, process.env, argv);
  const logger = createLogger(config.logging.level, 'kaizen-http');
  const { auth } = config;
  refuseUnauthenticatedExposure(config.http.host, auth.mode === 'oauth', auth.disabledExplicitly); // before opening anything
  const runtime = await startKaizen(config, logger, { auditRetentionDays: config.audit.retentionDays });
  const server = await createKaizenHttpServer({
    kaizen: runtime.kaizen,
    version: program.version,
    logger,
    authDisabled: auth.disabledExplicitly,
    audit: runtime.store.security,
    consent: config.consent,
    ...(auth.mode === 'oauth' && {
      auth: {
        authenticator: createAuthenticator({
          issuer: auth.issuer,
          resource: auth.resource!,
          introspection: auth.introspection,
          groupsClaim: auth.groupsClaim,
          apiKeys: runtime.store.security,
        }),
        resource: auth.resource!,
        publicUrl: auth.publicUrl!,
        issuer: auth.issuer,
      },
    }),
    checkDatabase: runtime.checkReady,
    ...config.http,
  }).catch(async (error) => {
    await runtime.close().catch(() => undefined);
    throw error;
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await server.shutdown().catch((err) => logger.error({ err }, 'closing the HTTP server failed'));
    await runtime.close().catch((err) => logger.error({ err }, 'closing the database failed'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await server.listen();
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const { stateless, rateLimit, redisUrl } = config.http;
  logger.info({ url: `${url}/mcp`, sse: `${url}/sse`, stateless, rateLimit, redis: Boolean(redisUrl) }, 'kaizen-http listening');
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${formatStartupError(error, program.name)}\n`);
  process.exit(1);
});
