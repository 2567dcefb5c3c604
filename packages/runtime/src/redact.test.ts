import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['postgres://kaizen:s3cret@db.acme.dev:5432/kaizen', 'postgres://kaizen:***@db.acme.dev:5432/kaizen'],
    ['postgress://user:s3cret@host/db', 'postgress://user:***@host/db'],
    ['rediss://default:s3cret@cache:6380/0', 'rediss://default:***@cache:6380/0'],
    ['redis://:s3cret@cache', 'redis://:***@cache'],
    ['redis:/:s3cret@cache', 'redis:***@cache'],
    ['postgres//user:s3cret@host/db', 'postgres//user:***@host/db'],
    ['postgres:user:s3cret@host', 'postgres:***@host'],
    ['postgres://u:p@s3cret@host/db', 'postgres://u:***@host/db'],
    ['at "postgres://u:s3cret@h/db".', 'at "postgres://u:***@h/db".'],
    ['postgres://h/db?user=me&password=s3cret&ssl=1', 'postgres://h/db?user=me&password=***&ssl=1'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves text without credentials alone', () => {
    for (const text of ['postgres://db.acme.dev:5432/kaizen', 'memory://', 'connect ECONNREFUSED 127.0.0.1:5432', 'mail me@acme.dev', 'redis://cache:6379']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});
