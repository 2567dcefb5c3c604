import { serveKaizenStdio } from '@kaizen/mcp';
import { createLogger, formatStartupError, safeErrorFields, loadConfig, printHelpOrVersion, startKaizen, stdioBanner, stdioProgram } from '@kaizen/runtime';

const program = stdioProgram(import.meta.url);

// Wiring only: configuration -> store -> core -> MCP server -> stdio. Logs go to stderr.
async function main(argv: string[]) {
  if (printHelpOrVersion(program, argv)) return;
  const config = loadConfig(program.slices, process.env, argv);
  const logger = createLogger(config.logging.level, 'kaizen-mcp');
  // Clients get discovery and tool lists at once; tool calls wait for the database (a first open takes seconds).
  const starting = startKaizen(config, logger);
  const server = serveKaizenStdio(
    starting.then((runtime) => runtime.kaizen),
    {
      version: program.version,
      onInternalError: (err, operation, ctx) =>
        logger.error({ err: safeErrorFields(err), operation: `${operation.kind} ${operation.name}`, request: ctx.requestId }, 'operation failed'),
      onTransportError: (reason) => logger.warn({ reason }, 'message refused'),
    },
  );
  let closing = false;
  let startFailed = false;
  starting.catch(() => (startFailed = true));
  const shutdown = async (reason: string) => {
    // A failed start is reported by main's catch with exit code 1, never as a clean stop.
    if (closing || startFailed) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch(() => undefined);
    const runtime = await starting.catch(() => undefined);
    if (!runtime) return; // the start failed: main reports it and exits 1
    await runtime.close().catch((err) => logger.error({ err }, 'closing the database failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  void server.closed.then(() => shutdown('stdin closed'));
  await starting;
  logger.info('kaizen-mcp ready on stdio');
  // Started by hand in a terminal rather than by a client: say what it is waiting for.
  if (process.stdin.isTTY) process.stderr.write(stdioBanner(config, program.mainPath, program.version));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${formatStartupError(error, program.name)}\n`);
  process.exit(1);
});
