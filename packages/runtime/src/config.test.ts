import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    const c = loadConfig({}, []);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\.kaizen[/\\]data$/);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 3400 });
    expect(c.logLevel).toBe('info');
  });

  it('lets flags override the environment', () => {
    const c = loadConfig({ KAIZEN_HTTP_PORT: '1234', KAIZEN_DATABASE_URL: 'memory://' }, ['--http-port', '4321']);
    expect(c.http.port).toBe(4321);
    expect(c.databaseUrl).toBe('memory://');
  });

  it('names the variable at fault in one line', () => {
    expect(() => loadConfig({ KAIZEN_HTTP_PORT: 'abc' })).toThrow(/KAIZEN_HTTP_PORT \(--http-port\)/);
    expect(() => loadConfig({ KAIZEN_DATABASE_URL: 'mysql://x' })).toThrow(/KAIZEN_DATABASE_URL.*postgres:\/\//);
    expect(() => loadConfig({ KAIZEN_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({}, ['--colour', 'red'])).toThrow(/Known flags: --database-url/);
  });
});
