/**
 * KAIZEN_API_KEY: a stdio server on a shared PostgreSQL acts as the key's principal, with the key's
 * scopes; a key that is unknown or revoked stops it with one line naming the variable, never the key.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createTestDatabase, type TestDatabase } from '@kaizen/storage/testing';
import { connectStdio, SERVER } from './harness.js';

const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

describe.skipIf(!process.env.KAIZEN_TEST_DATABASE_URL)('kaizen-mcp with KAIZEN_API_KEY (PostgreSQL)', () => {
  let database: TestDatabase;
  let key: string;
  let client: Client;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, KAIZEN_DATABASE_URL: database.url }, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const created = cli('keys', 'create', '--principal', 'user:ci-bot', '--scope', 'kaizen:read', '--name', 'stdio-test');
    expect(created.status, created.stderr).toBe(0);
    key = created.stdout.trim();
    expect(key).toMatch(/^kzn_/);
    client = await connectStdio({ KAIZEN_DATABASE_URL: database.url, KAIZEN_API_KEY: key });
  });
  afterAll(async () => {
    await client?.close();
    await database?.drop();
  });

  it("acts with the key's scopes: tools/list shows what they allow, reads work, a write is FORBIDDEN", async () => {
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['get_namespaces', 'get_task_context']);
    const read = (await client.callTool({ name: 'get_namespaces', arguments: {} })) as CallToolResult;
    expect(read.isError).toBeFalsy();
    // Not even listed: calling it anyway is refused like any unknown tool.
    await expect(client.callTool({ name: 'create_namespace', arguments: { name: 'bots', description: 'Bots' } })).rejects.toThrow(/create_namespace/);
  });

  it('stops with one line naming KAIZEN_API_KEY for an unknown or revoked key, never echoing it', () => {
    const revoked = cli('keys', 'revoke', key);
    expect(revoked.status, revoked.stderr).toBe(0);
    const run = spawnSync(process.execPath, [SERVER], {
      env: { PATH: process.env.PATH, KAIZEN_DATABASE_URL: database.url, KAIZEN_API_KEY: key, KAIZEN_LOG_LEVEL: 'warn' },
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/KAIZEN_API_KEY: /);
    expect(run.stderr).not.toContain(key.slice(4));
  });
});
