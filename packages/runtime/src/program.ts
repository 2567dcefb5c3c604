import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { configHelp, type AnyConfigSlice } from './config.js';

/** What `--help` and `--version` say about a program, and the configuration slices it reads. */
export interface Program<S extends readonly AnyConfigSlice[] = readonly AnyConfigSlice[]> {
  /** The command, e.g. "kaizen-mcp". */
  name: string;
  version: string;
  /** Absolute path of the program's main.js: what a client is told to run. */
  mainPath: string;
  /** The usage line without "Usage: ". */
  usage: string;
  /** One paragraph: what the program is. */
  description: string;
  /** How to connect a client to it (several lines allowed). */
  connect?: string;
  /** Extra sections, e.g. a CLI's commands. */
  more?: string;
  slices: S;
}

/**
 * The version in the package.json beside the program's dist/ (or src/) folder. Read at run time: the
 * built main.js sits in <app>/dist, and npm always ships package.json, so `../package.json` is there
 * in the workspace, in a `pnpm deploy` bundle and in an installed package alike.
 */
export function appVersion(mainUrl: string): string {
  try {
    return (createRequire(mainUrl)('../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown'; // a copied main.js without its package.json still starts; only --version suffers
  }
}

/** mainUrl is the caller's import.meta.url. */
export function mainPathOf(mainUrl: string): string {
  return fileURLToPath(mainUrl);
}

/** Whether the command line asks for help or the version (before anything else is parsed or opened). */
export function helpOrVersion(argv: readonly string[]): 'help' | 'version' | undefined {
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--version' || arg === '-v') return 'version';
  }
  return undefined;
}

export function programHelp(program: Program): string {
  const sections = [
    `Usage: ${program.usage}`,
    `${program.name} ${program.version}: ${program.description}`,
    program.connect,
    program.more,
    configHelp(program.slices),
    'Options:\n  -h, --help      print this help and exit\n  -v, --version   print the version and exit',
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n`;
}

/**
 * Answers --help or --version on stdout. Returns true when it did: the caller exits 0 without
 * loading configuration or opening a database.
 */
export function printHelpOrVersion(program: Program, argv: readonly string[], write: (text: string) => unknown = (text) => process.stdout.write(text)): boolean {
  const asked = helpOrVersion(argv);
  if (asked === 'help') write(programHelp(program));
  if (asked === 'version') write(`${program.version}\n`);
  return asked !== undefined;
}
