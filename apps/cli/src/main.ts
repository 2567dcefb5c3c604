import { isKaizenError } from '@kaizen/domain';
import { ConfigError, createLogger, loadConfig, startKaizen } from '@kaizen/runtime';
import { splitArgs, UsageError } from './args.js';
import { exportCommand, importCommand } from './transfer.js';

const USAGE = `Usage: kaizen <command> [--database-url URL] [--data-dir DIR] [--log-level LEVEL]

Commands:
  migrate                     apply pending database migrations and exit
  stats                       print namespace, scope and entry counts as JSON
  export [--namespace NAME]   write every namespace, scope, entry and suppression as JSON Lines to stdout
  import FILE                 read JSON Lines from FILE ("-" for stdin) in one transaction; a bad line imports nothing

The database is KAIZEN_DATABASE_URL (PostgreSQL or memory://), else the embedded one at KAIZEN_DATA_DIR.
Move from the embedded database to PostgreSQL:
  kaizen export --data-dir ~/.kaizen/data | kaizen import - --database-url postgres://...`;

const COMMANDS = ['migrate', 'stats', 'export', 'import'] as const;
type Command = (typeof COMMANDS)[number];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`kaizen: unknown command "${command}".\n${USAGE}\n`);
    return 2;
  }
  const args = splitArgs(rest);
  if (command === 'import' && args.positionals.length !== 1) {
    throw new UsageError('import needs one FILE (or "-" for stdin): kaizen import FILE');
  }
  if (command !== 'import' && args.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  }
  if (command !== 'export' && args.namespace !== undefined) throw new UsageError('--namespace applies to export only');
  const config = loadConfig(process.env, args.configArgs);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'kaizen');
  // Opening migrates. A command has no subscribers: it publishes its changes to servers, hears none.
  const runtime = await startKaizen(config, logger, { hearOtherServers: false });
  try {
    switch (command as Command) {
      case 'migrate':
        process.stderr.write('kaizen: migrations applied\n');
        return 0;
      case 'stats':
        process.stdout.write(`${JSON.stringify(await runtime.store.stats(), null, 2)}\n`);
        return 0;
      case 'export':
        return await exportCommand(runtime.kaizen, args.namespace);
      case 'import':
        return await importCommand(runtime.kaizen, args.positionals[0]!);
    }
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`kaizen: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    // A KaizenError (a refused import) is a message for the user, never a stack trace.
    const message = error instanceof ConfigError ? error.message : `kaizen: ${isKaizenError(error) ? error.message : (error?.message ?? error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
