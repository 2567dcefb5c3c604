import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * Configuration: each setting is an environment variable, and a CLI flag of the same name in
 * kebab case without the prefix (KAIZEN_DATA_DIR = --data-dir). Flags win over the environment.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const ConfigSchema = z.object({
  KAIZEN_DATABASE_URL: z
    .string()
    .refine((v) => v === 'memory://' || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be a postgres:// or postgresql:// URL, or memory:// (unset: embedded database)',
    })
    .optional(),
  KAIZEN_DATA_DIR: z.string().min(1, { message: 'must be a directory path' }).default(join(homedir(), '.kaizen', 'data')),
  KAIZEN_LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  KAIZEN_HTTP_HOST: z.string().min(1, { message: 'must be a host name or address' }).default('127.0.0.1'),
  KAIZEN_HTTP_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3400),
});

export type KaizenConfig = {
  databaseUrl?: string;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  http: { host: string; port: number };
  /** The raw, validated variables, for apps that read more of their own. */
  env: NodeJS.ProcessEnv;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KEYS = Object.keys(ConfigSchema.shape) as (keyof typeof ConfigSchema.shape)[];
export const flagName = (key: string) => key.replace(/^KAIZEN_/, '').toLowerCase().replaceAll('_', '-');

/** Reads configuration; throws ConfigError with one line naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): KaizenConfig {
  const options = Object.fromEntries(KEYS.map((k) => [flagName(k), { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof flags;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Known flags: ${KEYS.map((k) => `--${flagName(k)}`).join(', ')}`);
  }
  const merged: Record<string, string | undefined> = {};
  for (const key of KEYS) {
    const value = (flags[flagName(key)] as string | undefined) ?? env[key];
    merged[key] = value === '' ? undefined : value;
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]);
    throw new ConfigError(`Invalid configuration: ${key} (--${flagName(key)}) ${issue.message}; got "${merged[key]}".`);
  }
  const c = result.data;
  return {
    databaseUrl: c.KAIZEN_DATABASE_URL,
    dataDir: c.KAIZEN_DATA_DIR,
    logLevel: c.KAIZEN_LOG_LEVEL,
    http: { host: c.KAIZEN_HTTP_HOST, port: c.KAIZEN_HTTP_PORT },
    env: { ...env, ...merged },
  };
}
