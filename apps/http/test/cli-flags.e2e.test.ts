import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const PASSWORD = 's3cret-Pa55';
const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-http-flags-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, KAIZEN_DATA_DIR: join(dataDir, 'data'), KAIZEN_HTTP_PORT: '0', KAIZEN_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

function expectOneLineFailure(result: ReturnType<typeof run>): string {
  expect(result.status, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain(PASSWORD);
  return lines[0]!;
}

describe('kaizen-http --help and --version', () => {
  it('prints the version of its package.json and exits 0', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe('');
  });

  it('prints usage, the URL to connect to, and the storage, logging and HTTP settings, opening nothing', () => {
    const result = run(['--help'], { KAIZEN_HTTP_PORT: 'not a port' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: kaizen-http /);
    expect(result.stdout).toContain('http://HOST:PORT/mcp');
    for (const flag of ['--database-url', '--data-dir', '--log-level', '--http-host', '--http-port', '--http-stateless', '--rate-limit', '--redis-url']) {
      expect(result.stdout).toContain(`  ${flag}, KAIZEN_`);
    }
    expect(existsSync(join(dataDir, 'data'))).toBe(false);
  });
});

describe('kaizen-http start-up failures: one line on stderr, exit 1', () => {
  it('a bad port, from the environment or a flag', () => {
    expect(expectOneLineFailure(run([], { KAIZEN_HTTP_PORT: 'eighty' }))).toBe(
      'Invalid configuration: KAIZEN_HTTP_PORT (--http-port) must be a port number; got "eighty".',
    );
    expect(expectOneLineFailure(run(['--http-port=70000']))).toContain('KAIZEN_HTTP_PORT (--http-port) must be between 0 and 65535');
  });

  it('a database URL with a typo, without echoing its password', () => {
    const line = expectOneLineFailure(run([], { KAIZEN_DATABASE_URL: `postgress://kaizen:${PASSWORD}@db.example:5432/kaizen` }));
    expect(line).toContain('KAIZEN_DATABASE_URL (--database-url)');
    expect(line).toContain('postgress://kaizen:***@db.example:5432/kaizen');
  });

  it('a Redis URL with a typo, without echoing its password', () => {
    const line = expectOneLineFailure(run([], { KAIZEN_DATABASE_URL: 'memory://', KAIZEN_REDIS_URL: `rdis://default:${PASSWORD}@cache:6379` }));
    expect(line).toContain('KAIZEN_REDIS_URL (--redis-url) must be a redis:// or rediss:// URL; got "rdis://default:***@cache:6379"');
  });

  it('an unreachable database, without its password', () => {
    const line = expectOneLineFailure(run([], { KAIZEN_DATABASE_URL: `postgres://kaizen:${PASSWORD}@127.0.0.1:1/kaizen` }));
    expect(line).toMatch(/^kaizen-http failed to start: .*ECONNREFUSED/);
  });

  it('a flag no slice declares', () => {
    expect(expectOneLineFailure(run(['--port', '80']))).toMatch(/^Unknown flag --port\. Known flags: .*--http-port/);
  });
});
