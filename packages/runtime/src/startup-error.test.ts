import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { formatStartupError } from './startup-error.js';

// @kaizen/domain's KaizenError as the storage package throws it (the runtime does not depend on domain).
class KaizenError extends Error {
  override readonly name = 'KaizenError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('formatStartupError', () => {
  it('shows a ConfigError and a KaizenError as they are', () => {
    const config = new ConfigError('Invalid configuration: KAIZEN_HTTP_PORT (--http-port) must be a port number; got "x".', { variable: 'KAIZEN_HTTP_PORT' });
    expect(formatStartupError(config)).toBe(config.message);
    const locked = new KaizenError('CONFLICT', 'The embedded database at /d is in use by another Kaizen process (pid 4242). Stop it.');
    expect(formatStartupError(locked, 'kaizen-http')).toBe(locked.message);
  });

  it('names the program and the cause in one line, without a stack', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:5432\nsecond line');
    const line = formatStartupError(error, 'kaizen-http');
    expect(line).toBe('kaizen-http failed to start: connect ECONNREFUSED 127.0.0.1:5432');
    expect(formatStartupError(new Error('boom'))).toBe('kaizen-mcp failed to start: boom');
    expect(formatStartupError('plain string')).toBe('kaizen-mcp failed to start: plain string');
  });

  it('says what an empty AggregateError (a refused connection to localhost) hides', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(formatStartupError(new AggregateError([refused], ''))).toBe('kaizen-mcp failed to start: connect ECONNREFUSED ::1:5432');
  });

  it('redacts URL credentials', () => {
    const error = new Error('getaddrinfo ENOTFOUND for postgres://kaizen:s3cret@nowhere.invalid/kaizen');
    expect(formatStartupError(error)).toBe('kaizen-mcp failed to start: getaddrinfo ENOTFOUND for postgres://kaizen:***@nowhere.invalid/kaizen');
    const config = new ConfigError('got "redis://u:s3cret@h"');
    expect(formatStartupError(config)).not.toContain('s3cret');
  });
});
