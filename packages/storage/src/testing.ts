/**
 * Test support: fresh, isolated databases for the suites of every package. PGlite in memory always;
 * a new PostgreSQL database per call when KAIZEN_TEST_DATABASE_URL names a server.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { MEMORY_URL } from './connect.js';

export interface TestDatabase {
  /** Label for test titles: "pglite" or "postgres". */
  kind: 'pglite' | 'postgres';
  /** What to pass as KAIZEN_DATABASE_URL / StoreConfig.databaseUrl. */
  url: string;
  drop(): Promise<void>;
}

export const testDatabaseKinds = (): TestDatabase['kind'][] =>
  process.env.KAIZEN_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function createTestDatabase(kind: TestDatabase['kind']): Promise<TestDatabase> {
  if (kind === 'pglite') return { kind, url: MEMORY_URL, drop: async () => undefined };
  const serverUrl = process.env.KAIZEN_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('KAIZEN_TEST_DATABASE_URL is not set');
  const name = `kaizen_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}
