import { createKaizenHttpServer } from '@kaizen/http';
import { ConfigError, createLogger, loadConfig, startKaizen } from '@kaizen/runtime';

// Wiring only: configuration -> store -> core -> HTTP server (one MCP server per session over one core).
async function main() {
  const config = loadConfig(process.env, process.argv.slice(2));
  const logger = createLogger(config.logLevel, 'kaizen-http');
  const runtime = await startKaizen(config, logger);
  const server = await createKaizenHttpServer({
    kaizen: runtime.kaizen,
    logger,
    checkDatabase: runtime.checkReady,
    ...config.http,
    rateLimit: config.rateLimit,
    redisUrl: config.redisUrl,
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
  logger.info({ url: `${url}/mcp`, sse: `${url}/sse`, stateless: config.http.stateless, rateLimit: config.rateLimit, redis: Boolean(config.redisUrl) }, 'kaizen-http listening');
}

main().catch((error) => {
  const known = error instanceof ConfigError || /^KAIZEN_/.test(error?.message ?? '') || error?.code === 'EADDRINUSE';
  process.stderr.write(known ? `kaizen-http: ${error.message}\n` : `kaizen-http failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
