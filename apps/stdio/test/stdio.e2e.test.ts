import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERAS, SERVER, connectEra, type Era } from './harness.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@kaizen/storage/testing';



type Json = Record<string, unknown>;
async function call(client: Client, name: string, args: Json): Promise<Json> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  // get_task_context's text is written for a model; every other tool's text is its JSON.
  if (name !== 'get_task_context') expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
  return result.structuredContent as Json;
}
async function callError(client: Client, name: string, args: Json): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  const text = (result.content[0] as { text: string }).text;
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
  return text;
}

const CASES = testDatabaseKinds().flatMap((kind) => ERAS.map((era) => [kind, era] as const));

describe.each(CASES)('kaizen-mcp over stdio on %s, protocol %s', (kind, era: Era) => {
  const connect = (env: Record<string, string>) => connectEra(era, env);
  let database: TestDatabase | undefined;
  let dataDir: string;
  let env: Record<string, string>;
  let client: Client;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kaizen-e2e-'));
    if (kind === 'postgres') {
      database = await createTestDatabase('postgres');
      env = { KAIZEN_DATABASE_URL: database.url };
    } else {
      env = { KAIZEN_DATA_DIR: dataDir };
    }
    client = await connect(env);
  });
  afterAll(async () => {
    await client?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the twelve tools with schemas and annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'create_namespace', 'create_scope', 'delete_knowledge', 'delete_namespace', 'delete_scope', 'get_namespaces',
      'get_task_context', 'resolve_knowledge_conflict', 'update_knowledge', 'update_namespace', 'update_scope', 'write_knowledge',
    ]);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.get_task_context?.annotations?.readOnlyHint).toBe(true);
    expect(byName.delete_namespace?.annotations?.destructiveHint).toBe(true);
    expect(byName.write_knowledge?.inputSchema.required).toEqual(expect.arrayContaining(['content', 'context', 'scope']));
    expect(byName.get_task_context?.outputSchema).toBeDefined();
  });

  it('runs the knowledge workflow end to end', async () => {
    expect(await call(client, 'create_namespace', { name: 'acme', description: 'Acme Corp' })).toEqual({
      name: 'acme', description: 'Acme Corp', scopes: { default: { description: expect.any(String) } },
    });
    await call(client, 'create_namespace', { name: 'platform', description: 'Platform team' });
    await call(client, 'create_scope', { scope: 'platform:node', description: 'Node services' });
    expect(await call(client, 'create_scope', { scope: 'acme:shop', description: 'Pet shop', parents: ['platform:node'] })).toEqual({
      scope: 'acme:shop', description: 'Pet shop', parents: ['acme:default', 'platform:node'],
    });
    await call(client, 'create_scope', { scope: 'acme:shop-admin', description: 'Admin', parents: ['acme:shop'] });

    const own = await call(client, 'write_knowledge', { scope: 'acme:shop', content: 'Prices are stored in cents as integers.', context: 'prices money cents currency', task_size: 'S' });
    const inherited = await call(client, 'write_knowledge', { scope: 'platform:node', content: 'Use pino for logging in Node services.', context: 'logging pino node' });
    const child = await call(client, 'write_knowledge', { scope: 'acme:shop-admin', content: 'Admin prices need approval.', context: 'prices approval admin' });
    const old = await call(client, 'write_knowledge', { scope: 'acme:shop', content: 'Prices are floats in euros.', context: 'prices money euros' });
    expect(await call(client, 'resolve_knowledge_conflict', { active_id: own.id, suppressed_ids: [old.id] })).toEqual({ active_id: own.id, suppressed_ids: [old.id] });

    const ctx = await call(client, 'get_task_context', { scope: 'acme:shop', queries: ['prices money', 'logging'] });
    const results = ctx.results as { id: string; scope: string; relevance: number }[];
    const ids = results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([own.id, inherited.id]));
    expect(ids).not.toContain(child.id); // a child's entry is never visible from the parent
    expect(ids).not.toContain(old.id); // suppressed
    expect(Object.keys(ctx.by_scope as Json)).toEqual(['acme:shop', 'platform:node']);

    const sized = await call(client, 'get_task_context', { scope: 'acme:shop', queries: ['prices'], task_size: 'L' });
    expect((sized.results as unknown[]).length).toBe(0); // the S entry is for small tasks only

    await call(client, 'update_namespace', { name: 'acme', new_name: 'acme-corp' });
    const renamed = await call(client, 'get_task_context', { scope: 'acme-corp:shop', queries: ['prices'] });
    expect((renamed.results as { id: string }[]).map((r) => r.id)).toEqual([own.id]);

    const details = await call(client, 'get_namespaces', { namespace: 'acme-corp', style: 'details' });
    expect(details).toMatchObject({ namespaces: { 'acme-corp': { scopes: { 'shop-admin': { parents: ['acme-corp:default', 'acme-corp:shop'] } } } } });
  });

  it('returns clear errors and changes nothing', async () => {
    const before = await call(client, 'get_namespaces', { style: 'details' });
    expect(await callError(client, 'write_knowledge', { scope: 'nope:missing', content: 'x', context: 'x' })).toMatch(/scope "nope:missing" does not exist.*get_namespaces/);
    expect(await callError(client, 'write_knowledge', { scope: 'acme-corp:shop', content: '', context: 'x' })).toMatch(/content/);
    expect(await callError(client, 'create_namespace', { name: 'Bad_Name', description: 'x' })).toMatch(/name/);
    expect(await callError(client, 'delete_knowledge', { id: 'doesnotexist' })).toMatch(/NOT_FOUND.*doesnotexist/);
    expect(await callError(client, 'delete_namespace', { name: 'global' })).toMatch(/PROTECTED/);
    expect(await callError(client, 'update_scope', { scope: 'platform:node', parents: ['acme-corp:shop'] })).toMatch(/CYCLE.*platform:node -> acme-corp:shop -> platform:node/);
    expect(await callError(client, 'get_task_context', { scope: 'acme-corp:ghost', queries: ['x'] })).toMatch(/acme-corp:ghost/);
    expect(await call(client, 'get_namespaces', { style: 'details' })).toEqual(before);
  });

  it('keeps data across a restart', async () => {
    const written = await call(client, 'write_knowledge', { scope: 'global:default', content: 'Write tests before fixing bugs.', context: 'testing bugs regression' });
    await client.close();
    client = await connect(env);
    const ctx = await call(client, 'get_task_context', { scope: 'global:default', queries: ['regression tests'] });
    expect((ctx.results as { id: string }[]).map((r) => r.id)).toContain(written.id);
    const deleted = await call(client, 'delete_namespace', { name: 'acme-corp' });
    expect(deleted).toEqual({ name: 'acme-corp', scopes_count: 3, knowledge_count: 3 });
  });
});

describe('kaizen-mcp start-up', () => {
  it('stops with one line naming a bad variable', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [SERVER], { env: { PATH: process.env.PATH, KAIZEN_DATABASE_URL: 'mysql://x' }, encoding: 'utf8', input: '' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('KAIZEN_DATABASE_URL');
  });
});
