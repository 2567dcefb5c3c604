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
import type { CommandSpec } from './command.js';
import { COMMAND_FLAGS, GROUPS, commandList, resolveCommand } from './commands.js';

const FLAGS = '[--database-url URL] [--data-dir DIR] [--log-level LEVEL]';

const program: Program = {
  name: 'kaizen',
  version: appVersion(import.meta.url),
  mainPath: mainPathOf(import.meta.url),
  usage: `kaizen <command> ${FLAGS}`,
  description:
    'Kaizen admin CLI: migrates, counts, exports and imports the knowledge, and manages API keys, grants and the ' +
    'audit trail in the configured database (KAIZEN_DATABASE_URL: PostgreSQL or memory://, else the embedded one at ' +
    'KAIZEN_DATA_DIR). Exit codes: 0 done, 1 refused or failed, 2 usage.',
  more:
    `${commandList()}\n\nMove from the embedded database to PostgreSQL:\n  kaizen export --data-dir ~/.kaizen/data | kaizen import - --database-url postgres://...\n\n` +
    'Give a CI job write access to one namespace:\n  kaizen keys create --principal user:ci-bot --expires 90d --name ci\n  kaizen grant user:ci-bot acme write',
  slices: baseSlices,
};

const SHORT_USAGE = `Usage: ${program.usage}\n${commandList()}\nRun "kaizen --help" for the configuration, "kaizen <command> --help" for a command.`;

function commandHelp(spec: CommandSpec): string {
  return programHelp({ ...program, usage: `kaizen ${spec.usage} ${FLAGS}`, description: spec.help, more: spec.details });
}

function groupHelp(group: string): string {
  return programHelp({ ...program, usage: `kaizen ${group} <command> ${FLAGS}`, description: GROUPS[group]!, more: commandList(group) });
}

/** The usage error's lines: the command's own usage when it is known, else the list of commands. */
let usageOf = SHORT_USAGE;

async function main(argv: string[]): Promise<number> {
  const asked = argv[0] === 'help' ? 'help' : helpOrVersion(argv);
  if (asked === 'version') {
    process.stdout.write(`${program.version}\n`);
    return 0;
  }
  const resolved = resolveCommand(argv[0] === 'help' ? argv.slice(1) : argv);
  if (asked === 'help') {
    if (resolved?.kind === 'command') process.stdout.write(commandHelp(resolved.spec));
    else if (resolved?.kind === 'group') process.stdout.write(groupHelp(resolved.name));
    else process.stdout.write(programHelp(program));
    return 0;
  }
  if (!resolved) {
    process.stderr.write(`${SHORT_USAGE}\n`);
    return 2;
  }
  if (resolved.kind === 'unknown') throw new UsageError(`unknown command "${resolved.name}".`);
  if (resolved.kind === 'group') {
    usageOf = `Usage: kaizen ${resolved.name} <command>\n${commandList(resolved.name)}`;
    throw new UsageError(`"${resolved.name}" needs a command.`);
  }
  const { name, spec } = resolved;
  usageOf = `Usage: kaizen ${spec.usage} ${FLAGS}\nRun "kaizen ${name} --help" for more.`;
  const args = splitArgs(resolved.rest, spec.flags, COMMAND_FLAGS, `"kaizen ${name}"`);
  const wanted = spec.positionals ?? [];
  if (args.positionals.length < wanted.length) throw new UsageError(`${name} needs ${wanted.join(' ')}`);
  if (args.positionals.length > wanted.length) throw new UsageError(`unexpected argument "${args.positionals[wanted.length]}"`);
  const run = spec.prepare(args);
  const config = loadConfig(baseSlices, process.env, args.configArgs);
  const logger = createLogger(config.logging.level === 'info' ? 'warn' : config.logging.level, 'kaizen');
  // Opening migrates. A command has no subscribers: it publishes its changes to servers, hears none.
  const runtime = await startKaizen(config, logger, { hearOtherServers: false }).catch((error: unknown) => {
    process.stderr.write(`${formatStartupError(error, 'kaizen')}\n`);
    return undefined;
  });
  if (!runtime) return 1;
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`kaizen: ${error.message}\n${usageOf}\n`);
      process.exit(2);
    }
    // Refusals (configuration, a bad argument, a KaizenError such as a refused import) are one line for
    // the user, never a stack trace; a password in a URL is never echoed.
    const message = isConfigError(error)
      ? formatStartupError(error, 'kaizen')
      : `kaizen: ${redactSecrets(isKaizenError(error) ? describeError(error, 'cli') : String((error as Error)?.message ?? error))}`;
    process.stderr.write(`${message.replace(/\n/g, ' ')}\n`);
    process.exit(1);
  },
);
