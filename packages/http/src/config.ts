import { z } from 'zod';

/**
 * The HTTP slice of Kaizen's configuration: what kaizen-http reads beyond storage and logging. A
 * plain object of the shape @kaizen/runtime's `loadConfig` composes (name, zod schema of the
 * variables, help text, reader); `read` gives the options createKaizenHttpServer takes.
 */
const schema = z.object({
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

export interface HttpSettings {
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
  /** Requests per minute per client; 0 disables the limit. */
  rateLimit: number;
  /** Redis shared by several HTTP servers for rate limits; unset: limits are kept in memory. */
  redisUrl?: string;
}

export const httpConfig = {
  name: 'http' as const,
  schema,
  describe: {
    KAIZEN_HTTP_HOST: 'HTTP server bind address',
    KAIZEN_HTTP_PORT: 'HTTP server port (0: any free port)',
    KAIZEN_HTTP_STATELESS:
      '1: no sessions, every POST answered on its own as JSON (several instances behind a load balancer without sticky sessions)',
    KAIZEN_HTTP_ALLOWED_HOSTS:
      'comma-separated host names, without port, accepted in the Host header (DNS rebinding protection); unset: loopback names when bound to loopback, else any',
    KAIZEN_HTTP_ALLOWED_ORIGINS:
      'comma-separated origins (https://app.acme.dev) accepted in the Origin header, or *; unset: loopback origins when bound to loopback, else any',
    KAIZEN_HTTP_TRUST_PROXY: 'number of reverse proxies in front: client addresses come from X-Forwarded-For',
    KAIZEN_RATE_LIMIT: 'requests per minute per client; 0 turns the limit off',
    KAIZEN_REDIS_URL: 'redis://…: rate limits shared by every instance through Redis; unset: kept in memory',
  },
  read: (v: z.output<typeof schema>): HttpSettings => ({
    host: v.KAIZEN_HTTP_HOST,
    port: v.KAIZEN_HTTP_PORT,
    stateless: v.KAIZEN_HTTP_STATELESS,
    allowedHosts: v.KAIZEN_HTTP_ALLOWED_HOSTS,
    allowedOrigins: v.KAIZEN_HTTP_ALLOWED_ORIGINS,
    trustProxy: v.KAIZEN_HTTP_TRUST_PROXY,
    rateLimit: v.KAIZEN_RATE_LIMIT,
    redisUrl: v.KAIZEN_REDIS_URL,
  }),
};
