import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKaizenError } from '@kaizen/domain';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Grants name their namespace by name, without a foreign key ('*' is none). These check the lock order
 * that keeps them consistent when a grant and a rename or deletion of its namespace run at once on two
 * connections: a transaction is held open on a raw connection, the store's call waits behind it. PGlite
 * has one connection, so this runs on PostgreSQL only.
 */
describe.skipIf(!process.env.KAIZEN_TEST_DATABASE_URL)('grants against concurrent namespace changes on postgres', () => {
  let database: TestDatabase;
  let store: DrizzleKnowledgeStore;
  let raw: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    store = await openStore({ databaseUrl: database.url });
    raw = postgres(database.url, { max: 1, onnotice: () => undefined });
    for (const name of ['moved', 'dropped', 'gone']) await store.createNamespace({ name, description: name }, `${name} default`);
  });
  afterAll(async () => {
    await raw?.end();
    await store?.close();
    await database?.drop();
  });

  /** Runs setGrant's own statements in a raw transaction and keeps it open while `during` runs. */
  async function grantHeldOpen(namespace: string, during: () => Promise<unknown>): Promise<unknown> {
    let outcome!: Promise<unknown>;
    await raw.begin(async (tx) => {
      await tx`SELECT 1 FROM namespaces WHERE name = ${namespace} FOR SHARE`;
      await tx`INSERT INTO grants (principal, namespace, role) VALUES ('user:racer', ${namespace}, 'read')`;
      outcome = during().then((v) => v, (e: unknown) => e);
      await pause(300); // the store's call is now waiting on the namespace's row
    });
    return outcome;
  }

  it('a rename waiting on a grant being set carries the grant along', async () => {
    const renamed = await grantHeldOpen('moved', () => store.updateNamespace('moved', { newName: 'moved-2' }));
    expect(renamed).toBeUndefined();
    expect((await store.security.listGrants({ principal: 'user:racer' })).map((g) => g.namespace)).toEqual(['moved-2']);
  });

  it('a deletion waiting on a grant being set removes the grant too', async () => {
    const deleted = await grantHeldOpen('dropped', () => store.deleteNamespace('dropped'));
    expect(deleted).toMatchObject({ scopes: 1 });
    expect(await store.security.listGrants({ namespace: 'dropped' })).toEqual([]);
  });

  it('a grant waiting on a deletion finds no namespace', async () => {
    let granted!: Promise<unknown>;
    await raw.begin(async (tx) => {
      await tx`DELETE FROM namespaces WHERE name = 'gone'`;
      granted = store.security.setGrant({ principal: 'user:late', namespace: 'gone', role: 'read' }).then(() => 'granted', (e: unknown) => e);
      await pause(300);
      await tx`DELETE FROM grants WHERE namespace = 'gone'`;
    });
    const outcome = await granted;
    expect(isKaizenError(outcome) && outcome.code).toBe('NOT_FOUND');
    expect(await store.security.grantsFor(['user:late'])).toEqual([]);
  });
});
