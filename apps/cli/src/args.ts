/**
 * Splits a command's arguments into its own (positionals, --namespace) and the configuration flags
 * that `loadConfig` understands. Every configuration flag takes a value (`--data-dir DIR`).
 */
export interface CommandArgs {
  positionals: string[];
  namespace?: string;
  configArgs: string[];
}

export function splitArgs(args: string[]): CommandArgs {
  const out: CommandArgs = { positionals: [], configArgs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--namespace') {
      out.namespace = args[++i];
      if (out.namespace === undefined) throw new UsageError('--namespace needs a value: --namespace NAME');
    } else if (arg.startsWith('--namespace=')) {
      out.namespace = arg.slice('--namespace='.length);
    } else if (arg.startsWith('--')) {
      out.configArgs.push(arg);
      if (!arg.includes('=') && i + 1 < args.length) out.configArgs.push(args[++i]!);
    } else {
      out.positionals.push(arg); // includes "-" (stdin)
    }
  }
  return out;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
