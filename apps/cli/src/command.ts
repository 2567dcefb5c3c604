import type { KaizenRuntime } from '@kaizen/runtime';
import type { CommandArgs, FlagKind } from './args.js';

/** Runs a command on the opened database; resolves to the exit code. */
export type Runner = (runtime: KaizenRuntime) => Promise<number>;

/** One command of the CLI: what its help says, what it accepts, and what it does. */
export interface CommandSpec {
  /** The usage line after "kaizen ", for the command's own help. */
  usage: string;
  /** A shorter usage for the list of commands, when `usage` is long. */
  synopsis?: string;
  /** One line: what it does. */
  help: string;
  /** More for the command's own --help: options, formats, defaults. */
  details?: string;
  /** Its own flags; the rest are configuration flags. */
  flags?: Readonly<Record<string, FlagKind>>;
  /** The positional arguments it needs, all required (names for messages). */
  positionals?: readonly string[];
  /**
   * Checks the arguments before anything is opened (a bad value is refused at once, and creates no
   * data directory) and returns what to run. Throws UsageError (exit 2) or an Error (exit 1).
   */
  prepare(args: CommandArgs): Runner;
}
