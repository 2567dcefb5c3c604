import { callerIdentity, createAuthenticator, stdioAuthConfig } from '@kaizen/auth';
import type { Principal } from '@kaizen/core';
import { consentConfig, serveKaizenStdio, type ConnectionInfo } from '@kaizen/mcp';
import { auditConfig, createLogger, formatStartupError, safeErrorFields, loadConfig, printHelpOrVersion, startKaizen, stdioBanner, stdioProgram } from '@kaizen/runtime';

const program = stdioProgram(import.meta.url, stdioAuthConfig, consentConfig, auditConfig);

// Wiring only: configuration -> store -> core -> MCP server -> stdio. Logs go to stderr.
async function main(argv: string[]) {
  if (printHelpOrVersion(program, argv)) return;
  const config = loadConfig(program.slices, process.env, argv);
  const logger = createLogger(config.logging.level, 'kaizen-mcp');
  // Clients get discovery and tool lists at once; tool calls wait for the database (a first open takes seconds).
  const starting = startKaizen(config, logger, { auditRetentionDays: config.audit.retentionDays });
  // KAIZEN_API_KEY: act as the key's principal (its scopes, its grants) instead of the local owner.
  const apiKey = config.stdioAuth.apiKey;
  const connection: Promise<ConnectionInfo> | undefined = apiKey
    ? starting.then(async (runtime) => ({ principal: await keyPrincipal(apiKey, runtime.store.security) }))
    : undefined;
  const ready = Promise.all([starting, connection]).then(([runtime]) => runtime.kaizen);
  const server = serveKaizenStdio(
    ready,
    {
      connection,
      consent: config.consent,
      version: program.version,
      onInternalError: (err, operation, ctx) =>
        logger.error({ err: safeErrorFields(err), operation: `${operation.kind} ${operation.name}`, request: ctx.requestId }, 'operation failed'),
      onTransportError: (reason) => logger.warn({ reason }, 'message refused'),
    },
  );
  let closing = false;
  let startFailed = false;
  ready.catch(() => (startFailed = true));
  const shutdown = async (reason: string) => {
    // A failed start is reported by main's catch with exit code 1, never as a clean stop.
    if (closing || startFailed) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch(() => undefined);
    // A failed start (database, API key) is main's to report, with exit code 1.
    if (!(await ready.then(() => true, () => false))) return;
    const runtime = await starting;
    await runtime.close().catch((err) => logger.error({ err }, 'closing the database failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  void server.closed.then(() => shutdown('stdin closed'));
  await ready;
  logger.info('kaizen-mcp ready on stdio');
  // Started by hand in a terminal rather than by a client: say what it is waiting for.
  if (process.stdin.isTTY) process.stderr.write(stdioBanner(config, program.mainPath, program.version));
}

async function keyPrincipal(key: string, keys: Parameters<typeof createAuthenticator>[0]['apiKeys']): Promise<Principal> {
  try {
    return callerIdentity(await createAuthenticator({ resource: 'urn:kaizen:stdio', apiKeys: keys }).authenticate(`Bearer ${key}`));
  } catch (error) {
    // One line naming the variable, never the key.
    throw new Error(`KAIZEN_API_KEY: ${(error as Error).message}; create one with "kaizen keys create" or unset the variable`);
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${formatStartupError(error, program.name)}\n`);
  process.exit(1);
});
