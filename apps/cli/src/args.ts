/**
 * Splits a command's arguments into its own (positionals and the flags it declares) and the
 * configuration flags that `loadConfig` understands. Every configuration flag takes a value
 * (`--data-dir DIR`); a command's flag either takes one (`--namespace NAME`) or is a switch (`--json`).
 */
export type FlagKind = 'value' | 'switch';

export interface CommandArgs {
  positionals: string[];
  /** The command's own flags: a value, or true for a switch that was given. */
  flags: Record<string, string | true>;
  configArgs: string[];
}

/**
 * @param own the flags of this command (name without "--")
 * @param others flags of other commands: named in a usage error here instead of reaching loadConfig,
 *   whose message would call them unknown, and so that a switch never swallows the next argument.
 * @param command how the usage error names the command ("kaizen stats")
 */
export function splitArgs(
  args: string[],
  own: Readonly<Record<string, FlagKind>> = {},
  others: ReadonlySet<string> = new Set(),
  command = 'this command',
): CommandArgs {
  const out: CommandArgs = { positionals: [], flags: {}, configArgs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') out.positionals.push(arg); // includes "-" (stdin)
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = Object.hasOwn(own, name) ? own[name] : undefined;
    if (kind === undefined && others.has(name)) throw new UsageError(`--${name} does not apply to ${command}`);
    if (kind === 'switch') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags[name] = true;
    } else if (kind === 'value') {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (Object.hasOwn(out.flags, name)) throw new UsageError(`--${name} is given twice`);
      out.flags[name] = value;
    } else {
      out.configArgs.push(arg);
      if (eq < 0 && i + 1 < args.length) out.configArgs.push(args[++i]!);
    }
  }
  return out;
}

/** A flag's value, or undefined when the flag was not given. */
export const flagValue = (args: CommandArgs, name: string): string | undefined => {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
