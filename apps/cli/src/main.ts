import { ConfigError, createLogger, loadConfig, startKaizen } from '@kaizen/runtime';

const USAGE = `Usage: kaizen <command> [--database-url URL] [--data-dir DIR] [--log-level LEVEL]

Commands:
  migrate   apply pending database migrations and exit
  stats     print namespace, scope and entry counts as JSON

The database is KAIZEN_DATABASE_URL (PostgreSQL or memory://), else the embedded one at KAIZEN_DATA_DIR.`;

const COMMANDS = ['migrate', 'stats'] as const;
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
  const config = loadConfig(process.env, rest);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'kaizen');
  const runtime = await startKaizen(config, logger); // opening migrates
  try {
    if (command === 'migrate') {
      process.stderr.write('kaizen: migrations applied\n');
    } else {
      process.stdout.write(`${JSON.stringify(await runtime.store.stats(), null, 2)}\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      error instanceof ConfigError ? `${error.message}\n` : `kaizen: ${error?.message ?? error}\n`,
    );
    process.exit(1);
  },
);
