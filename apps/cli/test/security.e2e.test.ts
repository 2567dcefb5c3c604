import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyLookup } from '@kaizen/auth';
import { openStore, type DrizzleKnowledgeStore } from '@kaizen/storage';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kaizen-cli-security-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
type Result = ReturnType<typeof run>;

/** A refusal: exit 1 and one line on stderr, "kaizen: …". */
function refused(result: Result): string {
  expect(result.status, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kaizen: /);
  return lines[0]!;
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('kaizen keys, grant, grants, audit: help', () => {
  const dataDir = join(work, 'help-data');

  it('lists the new commands in kaizen --help, and each has its own help, opening nothing', () => {
    const top = run(['--help', '--data-dir', dataDir]);
    expect(top.status).toBe(0);
    for (const usage of ['keys create --principal user:NAME', 'keys list [--json]', 'keys revoke ID', 'grant PRINCIPAL NAMESPACE ROLE', 'revoke PRINCIPAL NAMESPACE', 'grants [--namespace NAME]', 'audit [--namespace NAME]']) {
      expect(top.stdout).toContain(usage);
    }
    const create = run(['keys', 'create', '--help', '--data-dir', dataDir]);
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/^Usage: kaizen keys create --principal user:NAME \[--scope SCOPE\] \[--expires WHEN\] \[--name LABEL\] /);
    expect(create.stdout).toContain('default kaizen:write');
    const group = run(['keys', '--help', '--data-dir', dataDir]);
    expect(group.stdout).toMatch(/^Usage: kaizen keys <command> /);
    expect(group.stdout).toContain('keys revoke ID');
    expect(group.stdout).not.toContain('grant PRINCIPAL');
    expect(run(['help', 'audit', '--data-dir', dataDir]).stdout).toMatch(/^Usage: kaizen audit \[--namespace NAME\] \[--principal PRINCIPAL\] \[--since WHEN\] \[--limit N\] \[--json\]/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses bad arguments before opening the database', () => {
    const args = ['--data-dir', dataDir];
    expect(refused(run(['keys', 'create', '--principal', 'group:devs', ...args]))).toContain('not a group');
    expect(refused(run(['keys', 'create', '--principal', 'ci-bot', ...args]))).toContain('must be user:<name>');
    expect(refused(run(['keys', 'create', '--principal', 'user:ci', '--scope', 'kaizen:root', ...args]))).toBe(
      'kaizen: --scope "kaizen:root" must be one of kaizen:read, kaizen:write, kaizen:admin',
    );
    expect(refused(run(['keys', 'create', '--principal', 'user:ci', '--expires', 'soon', ...args]))).toContain('--expires "soon" is not a time');
    expect(refused(run(['keys', 'create', '--principal', 'user:ci', '--expires', '2020-01-01', ...args]))).toContain('in the past');
    expect(refused(run(['grant', 'alice', 'acme', 'read', ...args]))).toContain('must be user:<subject>, group:<name> or key:<key id>');
    expect(refused(run(['grant', 'user:alice', 'acme', 'owner', ...args]))).toBe('kaizen: role "owner" must be one of read, write, admin');
    expect(refused(run(['audit', '--since', 'yesterday', ...args]))).toContain('--since "yesterday" is not a time');
    expect(refused(run(['audit', '--limit', '0', ...args]))).toContain('--limit "0" must be a whole number');
    const missing = run(['keys', 'create', ...args]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^kaizen: keys create needs --principal user:NAME/);
    const stray = run(['stats', '--json', ...args]);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/^kaizen: --json does not apply to "kaizen stats"/);
    expect(run(['keys', 'rotate', ...args]).stderr).toMatch(/^kaizen: unknown command "keys rotate"/);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe.each(testDatabaseKinds())('kaizen keys, grant, grants, audit on %s', (kind) => {
  let database: TestDatabase | undefined;
  let target: string[];
  const kaizen = (...args: string[]) => run([...args, ...target]);
  /** The database as the servers see it; the CLI holds PGlite's directory only while it runs. */
  async function withStore<T>(fn: (store: DrizzleKnowledgeStore) => Promise<T>): Promise<T> {
    const store = await openStore(database ? { databaseUrl: database.url } : { dataDir: target[1] });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    if (kind === 'postgres') {
      database = await createTestDatabase('postgres');
      target = ['--database-url', database.url];
    } else {
      target = ['--data-dir', join(work, 'data-pglite')];
    }
    const file = join(work, `namespaces-${kind}.jsonl`);
    writeFileSync(file, `${JSON.stringify({ type: 'namespace', name: 'acme', description: 'Acme' })}\n`);
    expect(kaizen('import', file).status).toBe(0);
  });
  afterAll(async () => {
    await database?.drop();
  });

  let keyId: string;

  it('keys create prints the key once; the database holds only the hash of its secret', async () => {
    const created = kaizen('keys', 'create', '--principal', 'user:ci-bot', '--name', 'ci', '--expires', '90d');
    expect(created.status, created.stderr).toBe(0);
    const match = /^kzn_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})\n$/.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const [, id, secret] = match as unknown as [string, string, string];
    keyId = id;
    expect(created.stderr).toMatch(new RegExp(`^kaizen: created API key ${id} for user:ci-bot \\(kaizen:write, expires .*\\); it is shown only once`));
    expect(created.stderr.trim().split('\n')).toHaveLength(1);
    // Read as @kaizen/auth reads it: store.security is its ApiKeyLookup (this line checks the types agree).
    const record = await withStore((store) => {
      const lookup: ApiKeyLookup = store.security;
      return lookup.findApiKey(id);
    });
    expect(record).toMatchObject({ id, principal: 'user:ci-bot', scopes: ['kaizen:write'], revokedAt: null });
    expect(record!.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(Math.abs(record!.expiresAt!.getTime() - (Date.now() + 90 * 86_400_000))).toBeLessThan(120_000);
    const stored = await withStore((store) => store.db.execute("SELECT * FROM api_keys"));
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('keys list shows every key, as a table or JSON Lines, never the hash', () => {
    expect(kaizen('keys', 'create', '--principal', 'user:reader', '--scope', 'kaizen:read').status).toBe(0);
    const listed = kaizen('keys', 'list', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const keys = jsonLines(listed.stdout);
    expect(keys.map((k) => [k.principal, k.scopes, k.name])).toEqual([['user:ci-bot', ['kaizen:write'], 'ci'], ['user:reader', ['kaizen:read'], null]]);
    expect(Object.keys(keys[0]!).sort()).toEqual(['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'principal', 'revoked_at', 'scopes']);
    expect(keys[1]).toMatchObject({ expires_at: null, revoked_at: null, last_used_at: null });
    expect(listed.stdout).not.toMatch(/hash|[0-9a-f]{64}/);
    const tableOut = kaizen('keys', 'list').stdout;
    expect(tableOut.split('\n')[0]).toMatch(/^ID\s+NAME\s+PRINCIPAL\s+SCOPES\s+CREATED\s+EXPIRES\s+REVOKED\s+LAST USED$/);
    expect(tableOut).toMatch(new RegExp(`^${keyId}\\s+ci\\s+user:ci-bot\\s+kaizen:write\\s+\\d{4}-.*\\s+-\\s+never$`, 'm'));
  });

  it('keys revoke revokes once, says so the second time, and refuses an unknown id', async () => {
    const revoked = kaizen('keys', 'revoke', keyId);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stderr).toBe(`kaizen: revoked API key ${keyId} (user:ci-bot)\n`);
    expect(kaizen('keys', 'revoke', keyId).stderr).toMatch(/already revoked at \d{4}-/);
    expect(refused(kaizen('keys', 'revoke', 'nope'))).toBe('kaizen: no API key has id "nope"; "kaizen keys list" lists them');
    expect((await withStore((store) => store.security.findApiKey(keyId)))!.revokedAt).toBeInstanceOf(Date);
    expect(jsonLines(kaizen('keys', 'list', '--json').stdout)[0]!.revoked_at).toMatch(/^\d{4}-/);
  });

  it('grant, revoke and grants manage roles on namespaces and "*"', () => {
    expect(kaizen('grant', 'user:alice', 'acme', 'read').stderr).toBe('kaizen: user:alice has read on "acme"\n');
    expect(kaizen('grant', 'user:alice', 'acme', 'write').stderr).toBe('kaizen: user:alice has write on "acme" (was read)\n');
    expect(kaizen('grant', 'group:devs', '*', 'read').status).toBe(0);
    expect(kaizen('grant', `key:${keyId}`, 'global', 'admin').status).toBe(0);
    expect(refused(kaizen('grant', 'user:alice', 'ghost', 'read'))).toBe('kaizen: namespace "ghost" does not exist ("*" grants every namespace)');
    const all = jsonLines(kaizen('grants', '--json').stdout);
    expect(all.map((g) => [g.namespace, g.principal, g.role, g.granted_by])).toEqual([
      ['*', 'group:devs', 'read', 'local'],
      ['acme', 'user:alice', 'write', 'local'],
      ['global', `key:${keyId}`, 'admin', 'local'],
    ]);
    expect(jsonLines(kaizen('grants', '--json', '--namespace', 'acme').stdout).map((g) => g.principal)).toEqual(['user:alice']);
    expect(jsonLines(kaizen('grants', '--json', '--principal', 'group:devs').stdout).map((g) => g.namespace)).toEqual(['*']);
    expect(kaizen('grants').stdout).toMatch(/^NAMESPACE\s+PRINCIPAL\s+ROLE\s+GRANTED BY\s+SINCE\n\*\s+group:devs\s+read\s+local\s+\d{4}-/);
    expect(kaizen('revoke', 'group:devs', '*').status).toBe(0);
    expect(refused(kaizen('revoke', 'group:devs', '*'))).toBe('kaizen: group:devs has no grant on "*"; "kaizen grants" lists them');
    expect(jsonLines(kaizen('grants', '--json').stdout)).toHaveLength(2);
    expect(kaizen('grants', '--namespace', 'ghost').stderr).toContain('no grants match');
  });

  it('audit lists the trail newest first, filtered, as a table or JSON Lines', async () => {
    const day = (d: number) => new Date(Date.UTC(2026, 9, d, 8));
    await withStore((store) =>
      store.security.appendAuditBatch([
        { at: day(1), principal: 'user:alice', clientId: 'cursor', action: 'write_knowledge', namespace: 'acme', scope: 'acme:default', ids: ['e1', 'e2', 'e3', 'e4'], outcome: 'ok', requestId: 'r1', address: '10.0.0.7', detail: { size: 'M' } },
        { at: day(20), principal: 'user:bob', action: 'get_task_context', namespace: 'acme', outcome: 'denied' },
        { at: day(25), principal: 'user:\u001b[31mevil', action: 'delete_knowledge', namespace: 'other', outcome: 'refused' },
      ]),
    );
    // The CLI's own changes are in the trail, as the local owner.
    const mine = jsonLines(kaizen('audit', '--json', '--principal', 'local').stdout);
    expect(mine.map((e) => e.action)).toEqual(['revoke', 'grant', 'grant', 'grant', 'grant', 'keys revoke', 'keys create', 'keys create']);
    expect(mine[5]).toMatchObject({ outcome: 'ok', ids: [keyId], detail: { key_principal: 'user:ci-bot' } });
    expect(mine[0]).toMatchObject({ namespace: '*', detail: { grant_principal: 'group:devs' } });

    const acme = jsonLines(kaizen('audit', '--json', '--namespace', 'acme').stdout);
    expect(acme.map((e) => e.action)).toEqual(['grant', 'grant', 'get_task_context', 'write_knowledge']);
    expect(acme[3]).toEqual({
      id: expect.any(Number), at: '2026-10-01T08:00:00.000Z', principal: 'user:alice', client_id: 'cursor', action: 'write_knowledge', namespace: 'acme',
      scope: 'acme:default', ids: ['e1', 'e2', 'e3', 'e4'], outcome: 'ok', request_id: 'r1', address: '10.0.0.7', detail: { size: 'M' },
    });
    const since = jsonLines(kaizen('audit', '--json', '--namespace', 'acme', '--since', '2026-10-15').stdout);
    expect(since.map((e) => e.action)).toEqual(['grant', 'grant', 'get_task_context']);
    expect(jsonLines(kaizen('audit', '--json', '--since', '1h').stdout).every((e) => e.principal === 'local')).toBe(true);
    expect(jsonLines(kaizen('audit', '--json', '--limit', '2').stdout).map((e) => e.action)).toEqual(['revoke', 'grant']);

    const tableOut = kaizen('audit', '--namespace', 'acme', '--principal', 'user:alice');
    expect(tableOut.status).toBe(0);
    expect(tableOut.stdout).toMatch(/^AT\s+OUTCOME\s+PRINCIPAL\s+CLIENT\s+ACTION\s+NAMESPACE\s+SCOPE\s+IDS\n/);
    expect(tableOut.stdout).toMatch(/^2026-10-01T08:00:00Z\s+ok\s+user:alice\s+cursor\s+write_knowledge\s+acme\s+acme:default\s+e1,e2,e3 \+1$/m);
    // What remote callers sent cannot drive the terminal.
    const other = kaizen('audit', '--namespace', 'other').stdout;
    expect(other).toContain('user:?[31mevil');
    expect(other).not.toContain('\u001b');
    expect(kaizen('audit', '--principal', 'user:nobody').stderr).toBe('kaizen: no audit events match\n');
  });
});
