import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createKaizenMcpServer } from '@kaizen/mcp';
import { ConfigError, createLogger, loadConfig, startKaizen } from '@kaizen/runtime';

// Wiring only: configuration -> store -> core -> MCP server -> stdio. Logs go to stderr.
async function main() {
  const config = loadConfig(process.env, process.argv.slice(2));
  const logger = createLogger(config.logLevel, 'kaizen-mcp');
  const runtime = await startKaizen(config, logger);
  const server = createKaizenMcpServer(runtime.kaizen, {
    onInternalError: (err, tool) => logger.error({ err, tool }, 'tool failed'),
  });

  let closing = false;
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch(() => undefined);
    await runtime.close().catch((err) => logger.error({ err }, 'closing the database failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.stdin.on('end', () => void shutdown('stdin closed'));

  await server.connect(new StdioServerTransport());
  logger.info('kaizen-mcp ready on stdio');
}

main().catch((error) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `kaizen-mcp failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
