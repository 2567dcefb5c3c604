import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const PASSWORD = 's3cret-Pa55';
const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-mcp-flags-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built kaizen-mcp with stdin held open, as a client does, until it exits. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', KAIZEN_DATA_DIR: dataDir, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`kaizen-mcp did not exit; stderr:\n${stderr}`));
    }, 50_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectOneLineFailure(result: Run): string {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain(PASSWORD);
  expect(result.stdout).toBe('');
  return lines[0]!;
}

describe('kaizen-mcp --help and --version', () => {
  it('prints the version of its package.json and exits 0', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
      expect(result.stderr).toBe('');
    }
  });

  it('prints usage, how to connect a client and its own settings only, without opening a database', async () => {
    const lockedOut = join(dataDir, 'never-created');
    const result = await run(['--help'], { KAIZEN_DATA_DIR: lockedOut, KAIZEN_DATABASE_URL: 'not even valid' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: kaizen-mcp /);
    expect(result.stdout).toContain(`{"mcpServers":{"kaizen":{"command":"node","args":[${JSON.stringify(MAIN)}]}}}`);
    expect(result.stdout).toContain('--database-url, KAIZEN_DATABASE_URL');
    expect(result.stdout).toContain('--log-level, KAIZEN_LOG_LEVEL');
    expect(result.stdout).not.toContain('KAIZEN_HTTP');
    expect(existsSync(lockedOut)).toBe(false);
  });
});

describe('kaizen-mcp start-up failures: one line on stderr, exit 1', () => {
  it('a database URL with a typo, without echoing its password', async () => {
    const line = expectOneLineFailure(await run([], { KAIZEN_DATABASE_URL: `postgress://kaizen:${PASSWORD}@db.example:5432/kaizen` }));
    expect(line).toContain('KAIZEN_DATABASE_URL (--database-url)');
    expect(line).toContain('postgress://kaizen:***@db.example:5432/kaizen');
  });

  it('a flag of the HTTP server, which kaizen-mcp does not read', async () => {
    const line = expectOneLineFailure(await run(['--http-port', '3400']));
    expect(line).toBe('Unknown flag --http-port. Known flags: --database-url, --data-dir, --log-level, --api-key, --confirm, --confirm-secret, --audit-retention-days.');
  });

  it('an unreachable database, without its password', async () => {
    const line = expectOneLineFailure(await run([], { KAIZEN_DATABASE_URL: `postgres://kaizen:${PASSWORD}@127.0.0.1:1/kaizen` }));
    expect(line).toMatch(/^kaizen-mcp failed to start: .*ECONNREFUSED/);
  });

  it('an embedded data directory another process holds: the storage message as it is', async () => {
    const holder = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', KAIZEN_DATA_DIR: dataDir } });
    try {
      await new Promise<void>((resolve, reject) => {
        let log = '';
        holder.stderr.setEncoding('utf8').on('data', (d: string) => {
          log += d;
          if (log.includes('kaizen-mcp ready on stdio')) resolve();
        });
        holder.on('exit', () => reject(new Error(`the first server exited:\n${log}`)));
      });
      const line = expectOneLineFailure(await run([]));
      // The storage package names the holder (its pid); shown as it is, without a "failed to start" prefix.
      expect(line).toMatch(/^The embedded database at .* is in use /);
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) {
        holder.kill('SIGTERM');
        await new Promise((resolve) => holder.on('exit', resolve));
      }
    }
  });
});

// A real pseudo-terminal (util-linux `script`): what someone starting kaizen-mcp by hand sees.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('kaizen-mcp started by hand in a terminal', () => {
  it('says in plain text what it waits for, which database, how to connect; Ctrl-C stops it with 0', async () => {
    // exec: the pty's Ctrl-C goes to node itself, not to a shell waiting for it.
    const proc = spawn('script', ['-qefc', `exec "${process.execPath}" "${MAIN}"`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', KAIZEN_DATA_DIR: dataDir, KAIZEN_LOG_LEVEL: 'warn', TERM: 'dumb' },
    });
    let screen = '';
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner; screen:\n${screen}`)), 50_000);
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        screen += d;
        if (screen.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(screen).toContain('waits for an MCP client on stdin');
    expect(screen).toContain(`Database: the embedded database in ${dataDir}.`);
    expect(screen).toContain(`claude mcp add kaizen -- node ${MAIN}`);
    expect(screen).toContain(`{"mcpServers":{"kaizen":{"command":"node","args":[${JSON.stringify(MAIN)}]}}}`);
    expect(screen).not.toContain('{"level"');
    proc.stdin.write('\x03'); // Ctrl-C, turned into SIGINT by the terminal
    expect(await exited).toBe(0);
  });
});
