import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const kaizen = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, KAIZEN_DATA_DIR: dataDir } });

describe('kaizen CLI', () => {
  it('migrates the embedded database, then reports stats as JSON', () => {
    const migrated = kaizen('migrate');
    expect(migrated.status).toBe(0);
    expect(migrated.stderr).toContain('migrations applied');
    const stats = kaizen('stats');
    expect(stats.status).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({ namespaces: 1, scopes: 1, knowledge: 0, suppressed: 0 });
  });

  it('refuses unknown commands and bad flags with usage, exit 2 / 1', () => {
    const unknown = kaizen('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badFlag = kaizen('stats', '--database-url', 'mysql://nope');
    expect(badFlag.status).toBe(1);
    expect(badFlag.stderr).toContain('KAIZEN_DATABASE_URL');
  });
});
