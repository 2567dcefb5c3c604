import { describeError, isKaizenError } from '@kaizen/domain';
import {
  appVersion,
  baseSlices,
  createLogger,
  formatStartupError,
  helpOrVersion,
  isConfigError,
  loadConfig,
  mainPathOf,
  programHelp,
  redactSecrets,
  startKaizen,
  type Program,
} from '@kaizen/runtime';
import { splitArgs, UsageError } from './args.js';
import { exportCommand, importCommand } from './transfer.js';

const FLAGS = '[--database-url URL] [--data-dir DIR] [--log-level LEVEL]';

const COMMANDS = {
  migrate: { usage: 'migrate', help: 'apply pending database migrations and exit' },
  stats: { usage: 'stats', help: 'print namespace, scope and entry counts as JSON' },
  export: {
    usage: 'export [--namespace NAME]',
    help: 'write every namespace, scope, entry and suppression as JSON Lines to stdout',
  },
  import: {
    usage: 'import FILE',
    help: 'read JSON Lines from FILE ("-" for stdin) in one transaction; a bad line imports nothing',
  },
} as const;
type Command = keyof typeof COMMANDS;

const COMMAND_LIST = `Commands:\n${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.padEnd(28)}${c.help}`)
  .join('\n')}`;

const program: Program = {
  name: 'kaizen',
  version: appVersion(import.meta.url),
  mainPath: mainPathOf(import.meta.url),
  usage: `kaizen <command> ${FLAGS}`,
  description:
    'Kaizen admin CLI: migrates, counts, exports and imports the knowledge in the configured database ' +
    '(KAIZEN_DATABASE_URL: PostgreSQL or memory://, else the embedded one at KAIZEN_DATA_DIR). Exit codes: ' +
    '0 done, 1 refused or failed, 2 usage.',
  more: `${COMMAND_LIST}\n\nMove from the embedded database to PostgreSQL:\n  kaizen export --data-dir ~/.kaizen/data | kaizen import - --database-url postgres://...`,
  slices: baseSlices,
};

const SHORT_USAGE = `Usage: ${program.usage}\n${COMMAND_LIST}\nRun "kaizen --help" for the configuration, "kaizen <command> --help" for a command.`;

function commandHelp(command: Command): string {
  return programHelp({ ...program, usage: `kaizen ${COMMANDS[command].usage} ${FLAGS}`, description: COMMANDS[command].help, more: undefined });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const known = command !== undefined && Object.hasOwn(COMMANDS, command);
  const asked = command === 'help' ? 'help' : helpOrVersion(argv);
  if (asked === 'version') {
    process.stdout.write(`${program.version}\n`);
    return 0;
  }
  if (asked === 'help') {
    process.stdout.write(known ? commandHelp(command as Command) : programHelp(program));
    return 0;
  }
  if (!command) {
    process.stderr.write(`${SHORT_USAGE}\n`);
    return 2;
  }
  if (!known) throw new UsageError(`unknown command "${command}".`);
  const args = splitArgs(rest);
  if (command === 'import' && args.positionals.length !== 1) {
    throw new UsageError('import needs one FILE (or "-" for stdin): kaizen import FILE');
  }
  if (command !== 'import' && args.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  }
  if (command !== 'export' && args.namespace !== undefined) throw new UsageError('--namespace applies to export only');
  const config = loadConfig(baseSlices, process.env, args.configArgs);
  const logger = createLogger(config.logging.level === 'info' ? 'warn' : config.logging.level, 'kaizen');
  // Opening migrates. A command has no subscribers: it publishes its changes to servers, hears none.
  const runtime = await startKaizen(config, logger, { hearOtherServers: false }).catch((error: unknown) => {
    process.stderr.write(`${formatStartupError(error, 'kaizen')}\n`);
    return undefined;
  });
  if (!runtime) return 1;
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
      process.stderr.write(`kaizen: ${error.message}\n${SHORT_USAGE}\n`);
      process.exit(2);
    }
    // Refusals (configuration, a KaizenError such as a refused import) are messages for the user,
    // never a stack trace; a password in a URL is never echoed.
    const message = isConfigError(error)
      ? formatStartupError(error, 'kaizen')
      : `kaizen: ${redactSecrets(isKaizenError(error) ? describeError(error, 'cli') : String((error as Error)?.message ?? error))}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
