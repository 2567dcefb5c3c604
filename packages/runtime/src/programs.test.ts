import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpConfig } from '../../http/src/config.js';
import { loadConfig } from './config.js';
import { appVersion, helpOrVersion, printHelpOrVersion, programHelp } from './program.js';
import { baseSlices, describeDatabase, httpProgram, stdioBanner, stdioClientConfig, stdioProgram } from './programs.js';

// A fake app: <app>/package.json and <app>/dist/main.js, as the built programs are laid out.
const app = mkdtempSync(join(tmpdir(), 'kaizen-app-'));
mkdirSync(join(app, 'dist'));
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kaizen-mcp', version: '9.8.7' }));
const mainPath = join(app, 'dist', 'main.js');
const mainUrl = pathToFileURL(mainPath).href;
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('programs', () => {
  it('read the version from the package.json beside dist/', () => {
    expect(appVersion(mainUrl)).toBe('9.8.7');
    expect(appVersion(pathToFileURL(join(tmpdir(), 'nowhere', 'dist', 'main.js')).href)).toBe('unknown');
  });

  it('answer --help and --version before anything else', () => {
    expect(helpOrVersion(['--data-dir', '/x', '--help'])).toBe('help');
    expect(helpOrVersion(['-h'])).toBe('help');
    expect(helpOrVersion(['--version'])).toBe('version');
    expect(helpOrVersion(['-v'])).toBe('version');
    expect(helpOrVersion(['--data-dir', '/x'])).toBeUndefined();
    expect(helpOrVersion(['--', '--help'])).toBeUndefined();
    let out = '';
    expect(printHelpOrVersion(stdioProgram(mainUrl), ['--version'], (t) => (out += t))).toBe(true);
    expect(out).toBe('9.8.7\n');
    expect(printHelpOrVersion(stdioProgram(mainUrl), [], (t) => (out += t))).toBe(false);
  });

  it('kaizen-mcp --help: usage, description, how to connect, and only the storage and logging settings', () => {
    const help = programHelp(stdioProgram(mainUrl));
    expect(help).toMatch(/^Usage: kaizen-mcp /);
    expect(help).toContain('kaizen-mcp 9.8.7: ');
    expect(help).toContain(`{"mcpServers":{"kaizen":{"command":"node","args":[${JSON.stringify(mainPath)}]}}}`);
    expect(help).toContain(`claude mcp add kaizen -- node ${mainPath}`);
    expect(help).toContain('--data-dir, KAIZEN_DATA_DIR');
    expect(help).toContain('--log-level, KAIZEN_LOG_LEVEL');
    expect(help).not.toMatch(/HTTP|REDIS|RATE_LIMIT/);
  });

  it('kaizen-http --help adds the HTTP settings and the URL to connect to', () => {
    const program = httpProgram(mainUrl, httpConfig);
    const help = programHelp(program);
    expect(help).toMatch(/^Usage: kaizen-http /);
    expect(help).toContain('http://HOST:PORT/mcp');
    expect(help).toContain('--http-port, KAIZEN_HTTP_PORT  (default: 3400)');
    expect(help).toContain('--redis-url, KAIZEN_REDIS_URL');
    expect(help).toContain('--database-url, KAIZEN_DATABASE_URL');
    expect(loadConfig(program.slices, {}).http.port).toBe(3400);
  });
});

describe('stdioBanner', () => {
  const banner = (storage: { databaseUrl?: string; dataDir: string }) => stdioBanner({ storage }, mainPath, '9.8.7');

  it('says it waits for a client, which database, how to connect, and how to stop', () => {
    const text = banner({ dataDir: '/var/kaizen/data' });
    expect(text).toContain('kaizen-mcp 9.8.7 is running and waits for an MCP client on stdin');
    expect(text).toContain('Database: the embedded database in /var/kaizen/data.');
    expect(text).toContain('a client starting its own kaizen-mcp on it is refused');
    expect(text).toContain(`claude mcp add kaizen -- node ${mainPath}`);
    expect(text).toContain(stdioClientConfig(mainPath));
    expect(text).toContain('Ctrl-C');
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.trim().split('\n')) expect(line.trimStart().startsWith('{"level"')).toBe(false);
  });

  it('names a PostgreSQL database by host and name, never its password', () => {
    const text = banner({ databaseUrl: 'postgres://kaizen:s3cret@db.acme.dev:5433/team', dataDir: '/unused' });
    expect(text).toContain('Database: PostgreSQL database "team" on db.acme.dev:5433.');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('/unused');
    expect(text).not.toContain('refused');
  });

  it('describes every kind of database without credentials', () => {
    expect(describeDatabase({ databaseUrl: 'memory://', dataDir: '/x' })).toMatch(/in-memory/);
    expect(describeDatabase({ databaseUrl: 'postgresql://u:p%40ss@localhost/kaizen', dataDir: '/x' })).toBe('PostgreSQL database "kaizen" on localhost');
    expect(describeDatabase({ databaseUrl: 'postgres://u:s3cret@[bad', dataDir: '/x' })).toBe('PostgreSQL at postgres://u:***@[bad');
  });

  it('composes with what loadConfig returns', () => {
    const config = loadConfig(baseSlices, { KAIZEN_DATA_DIR: '/srv/kaizen' });
    expect(stdioBanner(config, mainPath)).toContain('kaizen-mcp is running');
    expect(stdioBanner(config, mainPath)).toContain('/srv/kaizen');
  });
});
