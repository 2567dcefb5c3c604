import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const PASSWORD = 's3cret-Pa55';
const dir = mkdtempSync(join(tmpdir(), 'kaizen-cli-flags-'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kaizen = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, KAIZEN_DATA_DIR: dataDir, ...env }, timeout: 60_000 });

function expectOneLineFailure(result: ReturnType<typeof kaizen>): string {
  expect(result.status, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain(PASSWORD);
  return lines[0]!;
}

describe('kaizen --help and --version', () => {
  it('prints the version of its package.json and exits 0', () => {
    for (const args of [['--version'], ['-v'], ['stats', '--version']]) {
      const result = kaizen(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('prints the commands and its settings, opening nothing', () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const result = kaizen(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: kaizen <command> /);
      expect(result.stdout).toContain('import FILE');
      expect(result.stdout).toContain('--data-dir, KAIZEN_DATA_DIR');
      expect(result.stdout).not.toContain('KAIZEN_HTTP');
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps a help per command', () => {
    const result = kaizen(['export', '--help'], { KAIZEN_DATABASE_URL: 'nonsense' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: kaizen export \[--namespace NAME\] /);
    expect(result.stdout).toContain('JSON Lines to stdout');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('with no command, prints the usage and exits 2', () => {
    const result = kaizen([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Commands:');
  });
});

describe('kaizen failures: one line on stderr, exit 1', () => {
  it('a database URL with a typo, without echoing its password', () => {
    const line = expectOneLineFailure(kaizen(['stats'], { KAIZEN_DATABASE_URL: `postgress://kaizen:${PASSWORD}@db.example:5432/kaizen` }));
    expect(line).toContain('KAIZEN_DATABASE_URL (--database-url)');
    expect(line).toContain('postgress://kaizen:***@db.example:5432/kaizen');
  });

  it('a flag of the HTTP server, which the CLI does not read', () => {
    expect(expectOneLineFailure(kaizen(['stats', '--http-port', 'x']))).toBe(
      'Unknown flag --http-port. Known flags: --database-url, --data-dir, --log-level.',
    );
  });

  it('an unreachable database, without its password', () => {
    const line = expectOneLineFailure(kaizen(['migrate', '--database-url', `postgres://kaizen:${PASSWORD}@127.0.0.1:1/kaizen`]));
    expect(line).toMatch(/^kaizen failed to start: .*ECONNREFUSED/);
  });
});
