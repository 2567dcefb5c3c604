import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    const c = loadConfig({}, []);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\.kaizen[/\\]data$/);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 3400, stateless: false, allowedHosts: undefined, allowedOrigins: undefined, trustProxy: 0 });
    expect(c.rateLimit).toBe(600);
    expect(c.redisUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });

  it('lets flags override the environment', () => {
    const c = loadConfig({ KAIZEN_HTTP_PORT: '1234', KAIZEN_DATABASE_URL: 'memory://' }, ['--http-port', '4321']);
    expect(c.http.port).toBe(4321);
    expect(c.databaseUrl).toBe('memory://');
  });

  it('reads the HTTP server settings', () => {
    const c = loadConfig({
      KAIZEN_HTTP_STATELESS: '1',
      KAIZEN_HTTP_ALLOWED_HOSTS: 'kaizen.acme.dev, localhost',
      KAIZEN_HTTP_ALLOWED_ORIGINS: 'https://app.acme.dev',
      KAIZEN_RATE_LIMIT: '0',
      KAIZEN_REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    expect(c.http).toMatchObject({ stateless: true, allowedHosts: ['kaizen.acme.dev', 'localhost'], allowedOrigins: ['https://app.acme.dev'] });
    expect(c.rateLimit).toBe(0);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(loadConfig({}, ['--http-stateless', 'false']).http.stateless).toBe(false);
  });

  it('names the HTTP variable at fault in one line', () => {
    expect(() => loadConfig({ KAIZEN_HTTP_STATELESS: 'yes' })).toThrow(/^Invalid configuration: KAIZEN_HTTP_STATELESS \(--http-stateless\) must be 1, 0, true or false; got "yes"\.$/);
    expect(() => loadConfig({ KAIZEN_RATE_LIMIT: '-1' })).toThrow(/KAIZEN_RATE_LIMIT.*0 \(no limit\)/);
    expect(() => loadConfig({ KAIZEN_REDIS_URL: 'http://x' })).toThrow(/KAIZEN_REDIS_URL.*redis:\/\//);
    expect(() => loadConfig({ KAIZEN_HTTP_ALLOWED_ORIGINS: 'app.acme.dev' })).toThrow(/KAIZEN_HTTP_ALLOWED_ORIGINS.*scheme and host/);
    expect(() => loadConfig({ KAIZEN_HTTP_ALLOWED_HOSTS: ' , ' })).toThrow(/KAIZEN_HTTP_ALLOWED_HOSTS/);
  });

  it('names the variable at fault in one line', () => {
    expect(() => loadConfig({ KAIZEN_HTTP_PORT: 'abc' })).toThrow(/KAIZEN_HTTP_PORT \(--http-port\)/);
    expect(() => loadConfig({ KAIZEN_DATABASE_URL: 'mysql://x' })).toThrow(/KAIZEN_DATABASE_URL.*postgres:\/\//);
    expect(() => loadConfig({ KAIZEN_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({}, ['--colour', 'red'])).toThrow(/Known flags: --database-url/);
  });
});
