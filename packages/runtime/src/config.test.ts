import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { storageConfig } from '@kaizen/storage';
// The HTTP slice's source, not @kaizen/http: the runtime does not depend on the HTTP server, and its
// slice needs nothing but zod.
import { httpConfig } from '../../http/src/config.js';
import { ConfigError, configHelp, defineConfigSlice, loadConfig, loggingConfig } from './config.js';
import { baseSlices } from './programs.js';

const httpSlices = [...baseSlices, httpConfig] as const;
const load = (env: NodeJS.ProcessEnv, argv: string[] = []) => loadConfig(httpSlices, env, argv);

/** The ConfigError thrown by fn. */
function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('no ConfigError thrown');
}

describe('loadConfig', () => {
  it('uses defaults when nothing is set, typed per slice', () => {
    const c = load({}, []);
    expect(c.storage.databaseUrl).toBeUndefined();
    expect(c.storage.dataDir).toMatch(/\.kaizen[/\\]data$/);
    expect(c.http).toEqual({
      host: '127.0.0.1',
      port: 3400,
      stateless: false,
      allowedHosts: undefined,
      allowedOrigins: undefined,
      trustProxy: 0,
      rateLimit: 600,
      redisUrl: undefined,
    });
    expect(c.logging.level).toBe('info');
    expectTypeOf(c.http.port).toEqualTypeOf<number>();
    expectTypeOf(c.logging.level).toEqualTypeOf<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>();
    expectTypeOf(c.storage.databaseUrl).toEqualTypeOf<string | undefined>();
  });

  it('returns only the slices asked for', () => {
    const c = loadConfig(baseSlices, { KAIZEN_HTTP_PORT: 'not read by this program' });
    expect(Object.keys(c).sort()).toEqual(['logging', 'storage']);
    expect(c).not.toHaveProperty('http');
  });

  it('lets flags override the environment, with a space or =', () => {
    const c = load({ KAIZEN_HTTP_PORT: '1234', KAIZEN_DATABASE_URL: 'memory://' }, ['--http-port', '4321', '--log-level=warn']);
    expect(c.http.port).toBe(4321);
    expect(c.logging.level).toBe('warn');
    expect(c.storage.databaseUrl).toBe('memory://');
  });

  it('treats an empty variable as unset', () => {
    expect(load({ KAIZEN_HTTP_PORT: '', KAIZEN_DATABASE_URL: '' }).http.port).toBe(3400);
  });

  it('reads the HTTP server settings', () => {
    const c = load({
      KAIZEN_HTTP_STATELESS: '1',
      KAIZEN_HTTP_ALLOWED_HOSTS: 'kaizen.acme.dev, localhost',
      KAIZEN_HTTP_ALLOWED_ORIGINS: 'https://app.acme.dev',
      KAIZEN_RATE_LIMIT: '0',
      KAIZEN_REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    expect(c.http).toMatchObject({ stateless: true, allowedHosts: ['kaizen.acme.dev', 'localhost'], allowedOrigins: ['https://app.acme.dev'] });
    expect(c.http.rateLimit).toBe(0);
    expect(c.http.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(load({}, ['--http-stateless', 'false']).http.stateless).toBe(false);
  });

  it('names the HTTP variable at fault in one line', () => {
    const stateless = refusal(() => load({ KAIZEN_HTTP_STATELESS: 'yes' }));
    expect(stateless.message).toBe('Invalid configuration: KAIZEN_HTTP_STATELESS (--http-stateless) must be 1, 0, true or false; got "yes".');
    expect(stateless).toMatchObject({ variable: 'KAIZEN_HTTP_STATELESS', flag: '--http-stateless' });
    expect(refusal(() => load({ KAIZEN_RATE_LIMIT: '-1' })).message).toContain('KAIZEN_RATE_LIMIT (--rate-limit) must be 0 (no limit) or more');
    expect(refusal(() => load({ KAIZEN_REDIS_URL: 'http://x' })).message).toContain('KAIZEN_REDIS_URL (--redis-url) must be a redis:// or rediss:// URL');
    expect(refusal(() => load({ KAIZEN_HTTP_ALLOWED_ORIGINS: 'app.acme.dev' })).message).toContain('(scheme and host, no path)');
    expect(refusal(() => load({ KAIZEN_HTTP_ALLOWED_HOSTS: ' , ' })).variable).toBe('KAIZEN_HTTP_ALLOWED_HOSTS');
  });

  it('names the variable and its flag at fault', () => {
    const port = refusal(() => load({ KAIZEN_HTTP_PORT: 'abc' }));
    expect(port).toMatchObject({ name: 'ConfigError', variable: 'KAIZEN_HTTP_PORT', flag: '--http-port' });
    expect(port.message).toBe('Invalid configuration: KAIZEN_HTTP_PORT (--http-port) must be a port number; got "abc".');
    expect(refusal(() => load({}, ['--http-port', '70000'])).message).toContain('must be between 0 and 65535; got "70000"');
    expect(refusal(() => load({ KAIZEN_DATABASE_URL: 'mysql://x' })).message).toContain(
      'KAIZEN_DATABASE_URL (--database-url) must be a postgres:// or postgresql:// URL, or memory://',
    );
    expect(refusal(() => load({ KAIZEN_LOG_LEVEL: 'loud' })).variable).toBe('KAIZEN_LOG_LEVEL');
    for (const error of [port, refusal(() => load({ KAIZEN_LOG_LEVEL: 'loud' }))]) expect(error.message).not.toContain('\n');
  });

  it('refuses flags the program does not read, listing those it does', () => {
    const unknown = refusal(() => load({}, ['--colour', 'red']));
    expect(unknown).toMatchObject({ variable: undefined, flag: '--colour' });
    expect(unknown.message).toMatch(/^Unknown flag --colour\. Known flags: --database-url, --data-dir, --log-level, --http-host/);
    // kaizen-mcp reads no HTTP settings: its flags are refused rather than silently ignored.
    expect(refusal(() => loadConfig(baseSlices, {}, ['--http-port', '1'])).message).toBe(
      'Unknown flag --http-port. Known flags: --database-url, --data-dir, --log-level.',
    );
    expect(refusal(() => load({}, ['--data-dir'])).message).toBe('The flag --data-dir needs a value: --data-dir VALUE (or set KAIZEN_DATA_DIR).');
    expect(refusal(() => load({}, ['stray'])).message).toMatch(/^Unexpected argument "stray"/);
  });

  it('never echoes a password', () => {
    const db = refusal(() => load({ KAIZEN_DATABASE_URL: 'postgress://user:s3cr3t-pw@db.acme.dev:5432/kaizen' }));
    expect(db.message).toBe(
      'Invalid configuration: KAIZEN_DATABASE_URL (--database-url) must be a postgres:// or postgresql:// URL, or memory:// ' +
        '(unset: embedded database); got "postgress://user:***@db.acme.dev:5432/kaizen".',
    );
    const flag = refusal(() => load({}, ['--database-url=postgress://user:p@ss/word@db/kaizen']));
    expect(flag.message).not.toMatch(/p@ss|word@/);
    const redis = refusal(() => load({ KAIZEN_REDIS_URL: 'redis:/:hunter2@cache:6379' }));
    expect(redis.variable).toBe('KAIZEN_REDIS_URL');
    const redisAuth = refusal(() => load({ KAIZEN_REDIS_URL: 'http://default:hunter2@cache:6379' }));
    expect(redisAuth.message).toContain('got "http://default:***@cache:6379"');
    for (const error of [db, flag, redis, redisAuth]) expect(error.message).not.toMatch(/s3cr3t|hunter2/);
    const query = refusal(() => load({ KAIZEN_DATABASE_URL: 'pg://db/kaizen?user=me&password=s3cr3t' }));
    expect(query.message).toContain('password=***');
    expect(query.message).not.toContain('s3cr3t');
  });

  it('refuses two slices declaring the same variable', () => {
    const twin = defineConfigSlice({ name: 'twin', schema: z.object({ KAIZEN_LOG_LEVEL: z.string() }), describe: { KAIZEN_LOG_LEVEL: 'x' }, read: (v) => v });
    expect(() => loadConfig([loggingConfig, twin], {})).toThrow(/both declare KAIZEN_LOG_LEVEL/);
  });
});

describe('configHelp', () => {
  it('lists exactly the variables of the slices given, with flag, default and meaning', () => {
    const help = configHelp(baseSlices);
    expect(help).toContain('--database-url, KAIZEN_DATABASE_URL  (default: unset)');
    expect(help).toContain('--data-dir, KAIZEN_DATA_DIR  (default: ~/.kaizen/data)');
    expect(help).toContain('--log-level, KAIZEN_LOG_LEVEL  (default: info)');
    expect(help).toContain('where the embedded (PGlite) database lives');
    expect(help).not.toContain('KAIZEN_HTTP');
    const http = configHelp(httpSlices);
    expect(http).toContain('--http-port, KAIZEN_HTTP_PORT  (default: 3400)');
    expect(http).toContain('--http-stateless, KAIZEN_HTTP_STATELESS  (default: 0)');
    expect(http).toContain('--redis-url, KAIZEN_REDIS_URL  (default: unset)');
    for (const slice of httpSlices) {
      for (const key of Object.keys(slice.schema.shape)) expect(http).toContain(`, ${key}  (default: `);
    }
  });

  it('has help text for every variable of every slice', () => {
    for (const slice of [storageConfig, loggingConfig, httpConfig]) {
      expect(Object.keys(slice.describe).sort()).toEqual(Object.keys(slice.schema.shape).sort());
    }
  });
});
