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
  KAIZEN_HTTP_STATELESS: z
    .enum(['1', '0', 'true', 'false'], { message: 'must be 1, 0, true or false' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  KAIZEN_HTTP_ALLOWED_HOSTS: z
    .string()
    .transform(list)
    .refine((v) => v.length > 0, { message: 'must be a comma-separated list of host names, e.g. "kaizen.acme.dev,localhost"' })
    .optional(),
  KAIZEN_HTTP_ALLOWED_ORIGINS: z
    .string()
    .transform(list)
    .refine((v) => v.length > 0 && v.every((o) => o === '*' || /^https?:\/\/[^/]+$/.test(o)), {
      message: 'must be a comma-separated list of origins like "https://app.acme.dev" (scheme and host, no path), or *',
    })
    .optional(),
  KAIZEN_HTTP_TRUST_PROXY: z.coerce
    .number({ message: 'must be the number of proxies in front of the server (0: none)' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be 0 or more' })
    .default(0),
  KAIZEN_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number of requests per minute per client (0: no limit)' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be 0 (no limit) or more' })
    .default(600),
  KAIZEN_REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\/.+/.test(v), { message: 'must be a redis:// or rediss:// URL' })
    .optional(),
});

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

export type KaizenConfig = {
  databaseUrl?: string;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  http: {
    host: string;
    port: number;
    /** No sessions: every POST stands alone (for load balancers without sticky sessions). */
    stateless: boolean;
    /** Host names accepted in the Host header; unset: loopback names when bound to loopback, else any. */
    allowedHosts?: string[];
    /** Origins accepted in the Origin header ("*": any); unset: loopback origins when bound to loopback, else any. */
    allowedOrigins?: string[];
    /** How many reverse proxies to trust for X-Forwarded-For (client addresses for rate limiting). */
    trustProxy: number;
  };
  /** Requests per minute per client on the HTTP server; 0 disables the limit. */
  rateLimit: number;
  /** Redis shared by several HTTP servers for rate limits; unset: limits are kept in memory. */
  redisUrl?: string;
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
    http: {
      host: c.KAIZEN_HTTP_HOST,
      port: c.KAIZEN_HTTP_PORT,
      stateless: c.KAIZEN_HTTP_STATELESS,
      allowedHosts: c.KAIZEN_HTTP_ALLOWED_HOSTS,
      allowedOrigins: c.KAIZEN_HTTP_ALLOWED_ORIGINS,
      trustProxy: c.KAIZEN_HTTP_TRUST_PROXY,
    },
    rateLimit: c.KAIZEN_RATE_LIMIT,
    redisUrl: c.KAIZEN_REDIS_URL,
    env: { ...env, ...merged },
  };
}
