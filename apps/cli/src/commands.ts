/** Every command of the CLI, in the order `kaizen --help` lists them. */
import { audit } from './audit.js';
import type { CommandSpec } from './command.js';
import { grant, grants, keysCreate, keysList, keysRevoke, revoke } from './security.js';
import { exportCommand, importCommand } from './transfer.js';

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  migrate: {
    usage: 'migrate',
    help: 'apply pending database migrations and exit',
    prepare: () => async () => {
      process.stderr.write('kaizen: migrations applied\n'); // opening the database migrated it
      return 0;
    },
  },
  stats: {
    usage: 'stats',
    help: 'print namespace, scope and entry counts as JSON',
    prepare: () => async (runtime) => {
      process.stdout.write(`${JSON.stringify(await runtime.store.stats(), null, 2)}\n`);
      return 0;
    },
  },
  export: {
    usage: 'export [--namespace NAME]',
    help: 'write every namespace, scope, entry and suppression as JSON Lines to stdout',
    flags: { namespace: 'value' },
    prepare: (args) => (runtime) => exportCommand(runtime.kaizen, args.flags.namespace as string | undefined),
  },
  import: {
    usage: 'import FILE',
    help: 'read JSON Lines from FILE ("-" for stdin) in one transaction; a bad line imports nothing',
    positionals: ['FILE'],
    prepare: (args) => (runtime) => importCommand(runtime.kaizen, args.positionals[0]!),
  },
  'keys create': keysCreate,
  'keys list': keysList,
  'keys revoke': keysRevoke,
  grant,
  revoke,
  grants,
  audit,
};

/** Commands of two words ("keys create"): the first word is a group with a help of its own. */
export const GROUPS: Readonly<Record<string, string>> = {
  keys: 'API keys for CI jobs and scripts: create (shown once), list, revoke',
};

/** Every flag some command declares: given to another command, it is a usage error, not a configuration flag. */
export const COMMAND_FLAGS: ReadonlySet<string> = new Set(Object.values(COMMANDS).flatMap((c) => Object.keys(c.flags ?? {})));

export type Resolved =
  | { kind: 'command'; name: string; spec: CommandSpec; rest: string[] }
  | { kind: 'group'; name: string; rest: string[] }
  | { kind: 'unknown'; name: string };

/** Which command argv names: "stats …", "keys create …", or a bare group ("keys"). */
export function resolveCommand(argv: readonly string[]): Resolved | undefined {
  const [first, second] = argv;
  if (first === undefined) return undefined;
  if (Object.hasOwn(GROUPS, first)) {
    if (second === undefined || second.startsWith('-')) return { kind: 'group', name: first, rest: argv.slice(1) };
    const name = `${first} ${second}`;
    return Object.hasOwn(COMMANDS, name) ? { kind: 'command', name, spec: COMMANDS[name]!, rest: argv.slice(2) } : { kind: 'unknown', name };
  }
  return Object.hasOwn(COMMANDS, first) ? { kind: 'command', name: first, spec: COMMANDS[first]!, rest: argv.slice(1) } : { kind: 'unknown', name: first };
}

/** "Commands:" and one line each (the group's commands only, for a group's help). */
export function commandList(group?: string): string {
  const lines = Object.entries(COMMANDS)
    .filter(([name]) => group === undefined || name.startsWith(`${group} `))
    .map(([, c]) => {
      const usage = c.synopsis ?? c.usage;
      return usage.length < 38 ? `  ${usage.padEnd(38)}${c.help}` : `  ${usage}\n  ${''.padEnd(38)}${c.help}`;
    });
  return `Commands:\n${lines.join('\n')}`;
}
