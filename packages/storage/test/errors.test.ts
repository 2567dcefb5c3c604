import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKaizenError, type KaizenError } from '@kaizen/domain';
import { openStore, safeErrorFields, type DrizzleKnowledgeStore } from '../src/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../src/testing.js';

const SECRET = 'the-secret-content-of-an-entry';

async function failure(run: () => Promise<unknown>): Promise<KaizenError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isKaizenError(error), String(error)).toBe(true);
  return error as KaizenError;
}

/** Nothing of the statement, its parameters or the database's own message is in what a client can see. */
function expectNoInternals(error: KaizenError, statement: string) {
  expect(error.code).toBe('INTERNAL');
  expect(error.details?.statement).toBe(statement);
  expect(error.message).toMatch(new RegExp(`^${statement.replace('.', '\\.')} failed: `));
  const visible = [error.message, JSON.stringify(error.details), JSON.stringify(error)].join('\n');
  for (const leak of [/select/i, /insert/i, /from /i, /params/i, /\\u0000|\u0000/, new RegExp(SECRET), /postgres:\/\//, /password/i]) {
    expect(visible).not.toMatch(leak);
  }
  // The original error stays for a debugger, out of JSON and enumeration.
  const cause = (error as { cause?: unknown }).cause;
  expect(cause).toBeDefined();
  expect(Object.keys(error)).not.toContain('cause');
  const logged = safeErrorFields(error);
  expect(logged).toMatchObject({ statement, message: error.message });
  expect(JSON.stringify(logged)).not.toMatch(/select|insert|params/i);
}

describe.each(testDatabaseKinds())('database failures on %s', (kind) => {
  let database: TestDatabase;
  let store: DrizzleKnowledgeStore;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openStore({ databaseUrl: database.url });
    await store.createNamespace({ name: 'acme', description: 'Acme' }, 'Acme default');
  });
  afterAll(async () => {
    await store.close().catch(() => undefined);
    await database.drop();
  });

  it('a failing write names its statement, never the SQL or the content', async () => {
    // The core refuses NUL characters; called directly, the store lets the database refuse them.
    const error = await failure(() =>
      store.writeKnowledge({ id: 'nul1', scope: 'acme:default', content: `${SECRET}\u0000`, context: 'x', taskSize: null }),
    );
    expectNoInternals(error, 'knowledge.write');
    expect(safeErrorFields(error).code).toMatch(/^[0-9A-Z]{5}$/); // the SQLSTATE, for the log
    expect((await store.stats()).knowledge).toBe(0);
  });

  it('a failing completion or listing names its statement', async () => {
    expectNoInternals(await failure(() => store.pageScopes({ prefix: `${SECRET}\u0000`, limit: 5 })), 'browse.pageScopes');
    expectNoInternals(await failure(() => store.pageKnowledge({ after: `${SECRET}\u0000`, limit: 5 })), 'browse.pageKnowledge');
  });

  it('a failing search names the statement that failed', async () => {
    const error = await failure(() => store.search({ scope: 'acme:default', queries: [`${SECRET}\u0000`], limit: 5 }));
    expectNoInternals(error, 'search.terms');
  });

  it('reduces a raw driver error to its code for the log', async () => {
    const raw = await store.db.execute(sql`SELECT ${`${SECRET}\u0000`}::text`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(raw).toBeInstanceOf(Error);
    const logged = safeErrorFields(raw);
    expect(JSON.stringify(logged)).not.toMatch(new RegExp(`select|${SECRET}`, 'i'));
  });

  it('a closed store fails every read with a message naming the operation only', async () => {
    const closed = await openStore({ databaseUrl: database.url });
    await closed.close();
    expectNoInternals(await failure(() => closed.listNamespaces()), 'namespaces.list');
    expectNoInternals(await failure(() => closed.ping()), 'ping');
  });
});

describe('safeErrorFields', () => {
  it('keeps what a log may hold and hides passwords of other errors', () => {
    expect(safeErrorFields(new Error('cannot parse postgres://kaizen:hunter2@db/kaizen'))).toEqual({
      message: 'Error: cannot parse postgres://kaizen:***@db/kaizen',
    });
  });
});
