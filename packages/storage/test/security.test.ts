import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKaizenError, type KaizenError } from '@kaizen/domain';
import type { KaizenService } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore, type DrizzleSecurityStore } from '../src/index.js';
import { driverCode } from '@kaizen/domain';
import { query } from '../src/sql-util.js';
import { testDatabaseKinds } from '../src/testing.js';
import { ctx, openTestKaizen, type TestKaizen } from './fixture.js';

const HASH = 'a'.repeat(64);
const SECOND = 1000;

async function refusal(run: () => Promise<unknown>): Promise<KaizenError> {
  const error = await run().then(() => null, (e: unknown) => e);
  expect(isKaizenError(error), String(error)).toBe(true);
  return error as KaizenError;
}

/** What a plain statement (not the store) gets from the database: the driver's error, with its SQLSTATE. */
async function rawFailure(store: DrizzleKnowledgeStore, statement: ReturnType<typeof sql>): Promise<{ code?: string; text: string }> {
  const error = await store.db.execute(statement).then(() => null, (e: unknown) => e);
  expect(error, 'the statement should have been refused').toBeInstanceOf(Error);
  let text = '';
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) text += ` ${(e as Error).message}`;
  return { code: driverCode(error), text };
}

describe.each(testDatabaseKinds())('security store on %s', (kind) => {
  let fixture: TestKaizen | undefined;
  let store: DrizzleKnowledgeStore;
  let security: DrizzleSecurityStore;
  let kaizen: KaizenService;

  beforeAll(async () => {
    fixture = await openTestKaizen(kind);
    ({ store, kaizen } = fixture);
    security = store.security;
    await kaizen.createNamespace({ name: 'acme', description: 'Acme' }, ctx);
    await kaizen.createNamespace({ name: 'shared', description: 'Shared' }, ctx);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('migration 0003 is applied once, and applying again changes nothing', async () => {
    const tables = await query<{ t: string }>(store.db, sql`SELECT to_regclass('api_keys')::text || ',' || to_regclass('grants')::text || ',' || to_regclass('audit_events')::text AS t`);
    expect(tables[0]!.t).toBe('api_keys,grants,audit_events');
    const before = await store.appliedMigration();
    await store.migrate();
    expect(await store.appliedMigration()).toBe(before);
    const applied = await query<{ n: number }>(store.db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    expect(applied[0]!.n).toBe(4);
  });

  describe('API keys', () => {
    it('creates and finds a key with its hash, scopes and expiry', async () => {
      const expiresAt = new Date(Date.now() + 90 * 86_400 * SECOND);
      await security.createApiKey({ id: 'k1', name: 'ci', principal: 'user:ci-bot', scopes: ['kaizen:write', 'kaizen:read'], secretHash: HASH, expiresAt });
      const found = await security.findApiKey('k1');
      expect(found).toEqual({ id: 'k1', principal: 'user:ci-bot', scopes: ['kaizen:write', 'kaizen:read'], secretHash: HASH, expiresAt, revokedAt: null });
      expect(await security.findApiKey('nope')).toBeUndefined();
    });

    it('refuses a second key with the same id, naming it', async () => {
      const error = await refusal(() => security.createApiKey({ id: 'k1', principal: 'user:x', scopes: [], secretHash: HASH }));
      expect(error.code).toBe('ALREADY_EXISTS');
      expect(error.message).toContain('"k1"');
      expect((await security.findApiKey('k1'))?.principal).toBe('user:ci-bot');
    });

    it('lists keys oldest first without ever returning the hash', async () => {
      await security.createApiKey({ id: 'k2', principal: 'user:alice', scopes: ['kaizen:read'], secretHash: 'b'.repeat(64) });
      const keys = await security.listApiKeys();
      expect(keys.map((k) => k.id)).toEqual(['k1', 'k2']);
      expect(keys[1]).toMatchObject({ id: 'k2', name: null, principal: 'user:alice', scopes: ['kaizen:read'], expiresAt: null, revokedAt: null, lastUsedAt: null });
      expect(keys[1]!.createdAt).toBeInstanceOf(Date);
      for (const key of keys) expect(Object.keys(key)).not.toContain('secretHash');
      expect(JSON.stringify(keys)).not.toMatch(/aaaa|bbbb|hash/i);
    });

    it('records the last use, never moving it backwards', async () => {
      const t1 = new Date('2026-11-20T10:00:00.000Z');
      await security.touchApiKey('k2', t1);
      await security.touchApiKey('k2', new Date('2026-11-19T10:00:00.000Z'));
      expect((await security.listApiKeys()).find((k) => k.id === 'k2')?.lastUsedAt).toEqual(t1);
      await security.touchApiKey('unknown', t1); // nothing to touch, no error
    });

    it('revokes a key once: a second revocation keeps the first time; an unknown id is false', async () => {
      expect(await security.revokeApiKey('k2')).toBe(true);
      const first = (await security.findApiKey('k2'))!.revokedAt;
      expect(first).toBeInstanceOf(Date);
      expect(await security.revokeApiKey('k2')).toBe(true);
      expect((await security.findApiKey('k2'))!.revokedAt).toEqual(first);
      expect(await security.revokeApiKey('missing')).toBe(false);
      expect((await security.findApiKey('k1'))!.revokedAt).toBeNull();
    });
  });

  describe('grants', () => {
    it('sets, replaces and lists grants, "*" included', async () => {
      await security.setGrant({ principal: 'user:alice', namespace: 'acme', role: 'read', grantedBy: 'local' });
      await security.setGrant({ principal: 'user:alice', namespace: 'acme', role: 'write', grantedBy: 'user:root' });
      await security.setGrant({ principal: 'group:devs', namespace: 'shared', role: 'read' });
      await security.setGrant({ principal: 'key:k1', namespace: '*', role: 'admin' });
      const all = await security.listGrants();
      expect(all.map((g) => [g.namespace, g.principal, g.role, g.grantedBy])).toEqual([
        ['*', 'key:k1', 'admin', null],
        ['acme', 'user:alice', 'write', 'user:root'],
        ['shared', 'group:devs', 'read', null],
      ]);
      expect(all[0]!.createdAt).toBeInstanceOf(Date);
      expect((await security.listGrants({ namespace: 'acme' })).map((g) => g.principal)).toEqual(['user:alice']);
      expect((await security.listGrants({ principal: 'group:devs' })).map((g) => g.namespace)).toEqual(['shared']);
      expect(await security.listGrants({ namespace: 'acme', principal: 'group:devs' })).toEqual([]);
    });

    it('finds the grants of a set of principals', async () => {
      const mine = await security.grantsFor(['user:alice', 'group:devs', 'group:none']);
      expect(mine.map((g) => `${g.principal}@${g.namespace}=${g.role}`)).toEqual(['user:alice@acme=write', 'group:devs@shared=read']);
      expect(await security.grantsFor([])).toEqual([]);
    });

    it('refuses a namespace that does not exist, and a role that is not one of the three', async () => {
      const missing = await refusal(() => security.setGrant({ principal: 'user:bob', namespace: 'ghost', role: 'read' }));
      expect(missing.code).toBe('NOT_FOUND');
      expect(missing.message).toBe('namespace: namespace "ghost" does not exist.');
      const badRole = await refusal(() => security.setGrant({ principal: 'user:bob', namespace: 'acme', role: 'owner' as 'read' }));
      expect(badRole.code).toBe('INTERNAL');
      expect(badRole.details?.statement).toBe('grants.set');
      expect(badRole.details?.code).toBe('23514');
      expect(await security.grantsFor(['user:bob'])).toEqual([]);
    });

    it('removes a grant; removing it again is false', async () => {
      await security.setGrant({ principal: 'user:bob', namespace: 'shared', role: 'read' });
      expect(await security.removeGrant('user:bob', 'shared')).toBe(true);
      expect(await security.removeGrant('user:bob', 'shared')).toBe(false);
      expect(await security.grantsFor(['user:bob'])).toEqual([]);
    });

    it('grants follow a renamed namespace, in the rename\'s transaction', async () => {
      await kaizen.updateNamespace({ name: 'acme', new_name: 'acme-corp' }, ctx);
      expect(await security.listGrants({ namespace: 'acme' })).toEqual([]);
      expect((await security.listGrants({ namespace: 'acme-corp' })).map((g) => [g.principal, g.role])).toEqual([['user:alice', 'write']]);
      // A description change moves nothing.
      await store.updateNamespace('acme-corp', { description: 'Acme Corp' });
      expect(await security.listGrants({ namespace: 'acme-corp' })).toHaveLength(1);
    });

    it('grants go with a deleted namespace; "*" and other namespaces\' stay', async () => {
      await security.setGrant({ principal: 'group:devs', namespace: 'acme-corp', role: 'admin' });
      await kaizen.deleteNamespace({ name: 'acme-corp' }, ctx);
      expect(await security.listGrants({ namespace: 'acme-corp' })).toEqual([]);
      expect((await security.listGrants()).map((g) => `${g.principal}@${g.namespace}`)).toEqual(['key:k1@*', 'group:devs@shared']);
      // A namespace created again under that name starts without the old one's grants.
      await kaizen.createNamespace({ name: 'acme-corp', description: 'again' }, ctx);
      expect(await security.listGrants({ namespace: 'acme-corp' })).toEqual([]);
    });
  });

  describe('audit trail', () => {
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12));

    it('appends events one at a time and in batches, and lists them newest first', async () => {
      await security.appendAudit({ at: day(1), principal: 'user:alice', action: 'write_knowledge', namespace: 'shared', scope: 'shared:default', ids: ['e1'], outcome: 'ok', requestId: 'r1', clientId: 'cursor', address: '10.0.0.1', detail: { size: 'M', n: 1 } });
      await security.appendAuditBatch([
        { at: day(5), principal: 'user:bob', action: 'get_task_context', namespace: 'shared', outcome: 'denied' },
        { at: day(10), principal: 'user:alice', action: 'delete_knowledge', namespace: 'other', ids: ['e2', 'e3'], outcome: 'refused' },
        { principal: 'local', action: 'keys create', outcome: 'ok', detail: { key: 'k9' } },
      ]);
      await security.appendAuditBatch([]);
      const all = await security.listAudit({});
      expect(all.map((e) => e.action)).toEqual(['keys create', 'delete_knowledge', 'get_task_context', 'write_knowledge']);
      expect(all[0]!.at.getTime()).toBeGreaterThan(Date.now() - 60 * SECOND); // default: now()
      expect(all[3]).toEqual({
        id: expect.any(Number) as number, at: day(1), principal: 'user:alice', clientId: 'cursor', action: 'write_knowledge', namespace: 'shared',
        scope: 'shared:default', ids: ['e1'], outcome: 'ok', requestId: 'r1', address: '10.0.0.1', detail: { size: 'M', n: 1 },
      });
      expect(all[1]).toMatchObject({ ids: ['e2', 'e3'], clientId: null, detail: null, scope: null });
      expect(new Set(all.map((e) => e.id)).size).toBe(4);
    });

    it('filters by namespace, principal and time, and limits', async () => {
      expect((await security.listAudit({ namespace: 'shared' })).map((e) => e.action)).toEqual(['get_task_context', 'write_knowledge']);
      expect((await security.listAudit({ principal: 'user:alice' })).map((e) => e.action)).toEqual(['delete_knowledge', 'write_knowledge']);
      expect((await security.listAudit({ principal: 'user:alice', since: day(5) })).map((e) => e.action)).toEqual(['delete_knowledge']);
      expect((await security.listAudit({ since: day(5) })).map((e) => e.action)).toEqual(['keys create', 'delete_knowledge', 'get_task_context']);
      expect((await security.listAudit({ limit: 2 })).map((e) => e.action)).toEqual(['keys create', 'delete_knowledge']);
      expect(await security.listAudit({ limit: 0 })).toHaveLength(1); // at least one
    });

    it('refuses an outcome that is not one of the four, naming the statement', async () => {
      const error = await refusal(() => security.appendAudit({ principal: 'user:x', action: 'x', outcome: 'maybe' as 'ok' }));
      expect(error.code).toBe('INTERNAL');
      expect(error.details).toMatchObject({ statement: 'audit.append', code: '23514' });
      const batch = await refusal(() => security.appendAuditBatch([{ principal: 'user:x', action: 'x', outcome: 'ok' }, { principal: 'user:x', action: 'x', outcome: 'bad' as 'ok' }]));
      expect(batch.details?.statement).toBe('audit.appendBatch');
      expect(await security.listAudit({ principal: 'user:x' })).toEqual([]); // all or none
    });

    it('is append-only: a plain UPDATE, DELETE or TRUNCATE is refused by the trigger', async () => {
      for (const statement of [
        sql`UPDATE audit_events SET outcome = 'ok' WHERE outcome = 'denied'`,
        sql`UPDATE audit_events SET principal = 'nobody' WHERE false`,
        sql`DELETE FROM audit_events WHERE action = 'write_knowledge'`,
        sql`DELETE FROM audit_events`,
        sql`TRUNCATE audit_events`,
      ]) {
        const refused = await rawFailure(store, statement);
        expect(refused.code).toBe('42501');
        expect(refused.text).toMatch(/audit_events is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
      }
      expect(await security.listAudit({})).toHaveLength(4);
      expect((await security.listAudit({ principal: 'user:bob' }))[0]!.outcome).toBe('denied');
    });

    it('the prune function clears its permission at once: a DELETE after it in the same transaction is refused', async () => {
      const error = await store.db
        .transaction(async (tx) => {
          await tx.execute(sql`SELECT kaizen_prune_audit('2000-01-01'::timestamptz)`);
          await tx.execute(sql`DELETE FROM audit_events`);
        })
        .then(() => null, (e: unknown) => e);
      expect(driverCode(error)).toBe('42501');
      expect(await security.listAudit({})).toHaveLength(4);
    });

    it('pruneAudit deletes only the events before the given time', async () => {
      expect(await security.pruneAudit(day(5))).toBe(1);
      expect((await security.listAudit({})).map((e) => e.action)).toEqual(['keys create', 'delete_knowledge', 'get_task_context']);
      expect(await security.pruneAudit(day(5))).toBe(0);
      expect(await security.pruneAudit(day(10))).toBe(1);
      expect((await security.listAudit({})).map((e) => e.action)).toEqual(['keys create', 'delete_knowledge']);
    });
  });

  it('a failing statement is named, never shown', async () => {
    // Any closed store fails every statement; an in-memory one is the cheapest to open.
    const closed = await openStore({ databaseUrl: 'memory://' });
    await closed.close();
    for (const [run, statement] of [
      [() => closed.security.listApiKeys(), 'apikeys.list'],
      [() => closed.security.findApiKey('k1'), 'apikeys.find'],
      [() => closed.security.grantsFor(['user:alice']), 'grants.for'],
      [() => closed.security.listAudit({}), 'audit.list'],
      [() => closed.security.pruneAudit(new Date()), 'audit.prune'],
    ] as const) {
      const error = await refusal(run);
      expect(error.code).toBe('INTERNAL');
      expect(error.details?.statement).toBe(statement);
      expect(error.message).not.toMatch(/select|delete|api_keys/i);
    }
  });
});
