import { homedir } from 'node:os';
import { z } from 'zod';
import { redactSecrets } from './redact.js';

/**
 * Configuration in slices: each package owns the zod schema of the variables it reads (storage, the
 * HTTP server, logging), and an app composes the slices it uses. So `kaizen-mcp --help` lists only
 * what kaizen-mcp reads, and a flag another program owns is refused instead of silently ignored.
 *
 * Every setting is an environment variable and a flag of the same name, in kebab case without the
 * prefix (KAIZEN_DATA_DIR = --data-dir). Flags win over the environment.
 */
export interface ConfigSlice<Name extends string = string, Vars extends z.ZodRawShape = z.ZodRawShape, Out = unknown> {
  /** The key of this slice's settings in the loaded configuration (`config.storage`). */
  readonly name: Name;
  /** One key per environment variable (KAIZEN_…), with its default and validation messages. */
  readonly schema: z.ZodObject<Vars>;
  /** Help text of each variable, shown by `--help`. */
  readonly describe: { readonly [K in keyof Vars]: string };
  /** Shapes the validated variables into the settings the package takes (`{ dataDir, databaseUrl }`). */
  readonly read: (vars: z.output<z.ZodObject<Vars>>) => Out;
}

/**
 * Any slice, whatever its variables: what loadConfig and configHelp accept. Each slice's own types come
 * back out through LoadedConfig. (`any` only widens the constraint; a reader takes its own variables.)
 */
export interface AnyConfigSlice {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly schema: z.ZodObject<any>;
  readonly describe: { readonly [variable: string]: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly read: (vars: any) => unknown;
}

/** What loadConfig returns: each slice's settings under its name, e.g. `{ storage, logging, http }`. */
export type LoadedConfig<S extends readonly AnyConfigSlice[]> = {
  readonly [K in S[number] as K['name']]: ReturnType<K['read']>;
};

/** Types a slice declared in a package that depends on @kaizen/runtime (others declare the same shape). */
export function defineConfigSlice<const Name extends string, Vars extends z.ZodRawShape, Out>(
  slice: ConfigSlice<Name, Vars, Out>,
): ConfigSlice<Name, Vars, Out> {
  return slice;
}

/** A configuration value or flag that stops start-up. `message` is one line naming the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The variable at fault (KAIZEN_HTTP_PORT); undefined for a flag no slice knows. */
  readonly variable: string | undefined;
  /** The flag (--http-port) of that variable, or the unknown flag as given. */
  readonly flag: string | undefined;
  constructor(message: string, at: { variable?: string; flag?: string } = {}) {
    super(message);
    this.variable = at.variable;
    this.flag = at.flag;
  }
}

/** ConfigError, also when thrown by another copy of this module (bundled apps). */
export const isConfigError = (e: unknown): e is ConfigError => e instanceof Error && e.name === 'ConfigError';

/** KAIZEN_DATA_DIR -> data-dir. */
export const flagName = (variable: string) => variable.replace(/^KAIZEN_/, '').toLowerCase().replaceAll('_', '-');

/** Reads the slices' variables from env and argv (flags win); throws ConfigError at the first invalid one. */
export function loadConfig<const S extends readonly AnyConfigSlice[]>(
  slices: S,
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = [],
): LoadedConfig<S> {
  const variables = variablesOf(slices);
  const flags = parseFlags(argv, variables);
  const out: Record<string, unknown> = {};
  for (const slice of slices) {
    const raw: Record<string, string | undefined> = {};
    for (const key of Object.keys(slice.schema.shape)) {
      const value = flags.get(key) ?? env[key];
      raw[key] = value === '' ? undefined : value; // KAIZEN_X= (empty) means unset, as in most shells' habits
    }
    const result = slice.schema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const variable = String(issue.path[0] ?? Object.keys(raw)[0]);
      const value = raw[variable];
      const got = value === undefined ? 'nothing' : `"${redactSecrets(value)}"`;
      throw new ConfigError(`Invalid configuration: ${variable} (--${flagName(variable)}) ${issue.message}; got ${got}.`, {
        variable,
        flag: `--${flagName(variable)}`,
      });
    }
    out[slice.name] = slice.read(result.data);
  }
  return out as LoadedConfig<S>;
}

function variablesOf(slices: readonly AnyConfigSlice[]): string[] {
  const seen = new Map<string, string>();
  for (const slice of slices) {
    for (const key of Object.keys(slice.schema.shape)) {
      const owner = seen.get(key);
      if (owner) throw new Error(`configuration slices "${owner}" and "${slice.name}" both declare ${key}`);
      seen.set(key, slice.name);
    }
  }
  return [...seen.keys()];
}

/**
 * `--name value` or `--name=value` for each known variable. Hand-rolled rather than util.parseArgs so
 * that every refusal is one short line that lists the flags this program knows.
 */
function parseFlags(argv: readonly string[], variables: string[]): Map<string, string> {
  const byFlag = new Map(variables.map((v) => [flagName(v), v]));
  const known = () => (variables.length ? `Known flags: ${variables.map((v) => `--${flagName(v)}`).join(', ')}.` : 'This program takes no flags.');
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      throw new ConfigError(`Unexpected argument "${redactSecrets(arg)}". ${known()}`, { flag: arg });
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const variable = byFlag.get(name);
    if (!variable) throw new ConfigError(`Unknown flag --${name}. ${known()}`, { flag: `--${name}` });
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new ConfigError(`The flag --${name} needs a value: --${name} VALUE (or set ${variable}).`, { variable, flag: `--${name}` });
    }
    values.set(variable, value);
  }
  return values;
}

/** The variables and flags of the slices, with default and meaning: the configuration part of `--help`. */
export function configHelp(slices: readonly AnyConfigSlice[]): string {
  const lines = ['Configuration: environment variables, or flags of the same name (KAIZEN_DATA_DIR = --data-dir); flags win.'];
  for (const slice of slices) {
    for (const [key, schema] of Object.entries(slice.schema.shape)) {
      lines.push(`  --${flagName(key)}, ${key}  (default: ${defaultOf(schema as z.ZodType)})`);
      lines.push(`      ${slice.describe[key] ?? ''}`);
    }
  }
  return lines.join('\n');
}

function defaultOf(schema: z.ZodType): string {
  const def = schema.def as { type: string; in?: z.ZodType; innerType?: z.ZodType; defaultValue?: unknown };
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  if (def.type === 'default') return showDefault(def.defaultValue);
  return 'unset';
}

function showDefault(value: unknown): string {
  const text = String(value);
  const home = homedir();
  return home && text.startsWith(home) ? `~${text.slice(home.length)}` : text;
}

// ---------------------------------------------------------------------------------------------------
// The logging slice: the runtime owns the logger, so it owns its variable.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const loggingSchema = z.object({
  KAIZEN_LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export const loggingConfig = defineConfigSlice({
  name: 'logging',
  schema: loggingSchema,
  describe: { KAIZEN_LOG_LEVEL: `${LOG_LEVELS.join(' ')}; logs are JSON lines on stderr` },
  read: (v): { level: LogLevel } => ({ level: v.KAIZEN_LOG_LEVEL }),
});

/** The audit trail's retention: servers delete older events at start and twice a day. */
export const auditConfig = defineConfigSlice({
  name: 'audit',
  schema: z.object({
    KAIZEN_AUDIT_RETENTION_DAYS: z.coerce
      .number({ message: 'must be a number of days' })
      .int({ message: 'must be a whole number of days' })
      .min(1, { message: 'must be at least 1 day' })
      .default(365),
  }),
  describe: { KAIZEN_AUDIT_RETENTION_DAYS: 'days the audit trail keeps its events; older ones are deleted' },
  read: (v): { retentionDays: number } => ({ retentionDays: v.KAIZEN_AUDIT_RETENTION_DAYS }),
});
