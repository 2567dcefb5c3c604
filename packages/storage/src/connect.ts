import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { postgresChangeRelay } from './change-relay.js';
import { lockDataDir } from './data-dir-lock.js';
import { DrizzleKnowledgeStore } from './knowledge-store.js';
import type { Db } from './sql-util.js';

export const MEMORY_URL = 'memory://';
export const defaultDataDir = () => join(homedir(), '.kaizen', 'data');

/** Where the SQL migrations live: the package's `drizzle/` folder, beside `src/` and `dist/`. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface StoreConfig {
  /** PostgreSQL URL, or "memory://" for a throwaway PGlite database. Unset: PGlite at dataDir. */
  databaseUrl?: string;
  /** PGlite data directory (default ~/.kaizen/data). */
  dataDir?: string;
  /** Pool size for PostgreSQL (default 10). */
  maxConnections?: number;
}

export type StoreKind = 'pglite-memory' | 'pglite' | 'postgres';

export function storeKind(config: StoreConfig): StoreKind {
  if (!config.databaseUrl) return 'pglite';
  return config.databaseUrl === MEMORY_URL ? 'pglite-memory' : 'postgres';
}

/** Opens the store described by config and applies migrations. */
export async function openStore(config: StoreConfig = {}): Promise<DrizzleKnowledgeStore> {
  const store = storeKind(config) === 'postgres' ? openPostgres(config) : await openPglite(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function openPglite(config: StoreConfig): Promise<DrizzleKnowledgeStore> {
  let client: PGlite;
  let unlock = async () => undefined as void;
  // pg_trgm matches misspelt query terms against the vocabulary (see search.ts). Not btree_gin: loaded
  // beside pg_trgm in PGlite 0.5, it breaks pg_trgm's % operator (the next query never returns).
  const extensions = { pg_trgm };
  if (config.databaseUrl === MEMORY_URL) {
    client = new PGlite({ extensions });
  } else {
    const dir = resolve(config.dataDir ?? defaultDataDir());
    mkdirSync(dir, { recursive: true });
    unlock = await lockDataDir(dir);
    client = new PGlite(dir, { extensions });
  }
  try {
    await client.waitReady;
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = drizzlePglite(client) as unknown as Db;
  return new DrizzleKnowledgeStore({
    db,
    // One process owns a PGlite directory, so no lock is needed around migrations here.
    migrate: async () => {
      await migratePglite(drizzlePglite(client), { migrationsFolder });
      await seed(db);
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        await unlock();
      }
    },
  });
}

function openPostgres(config: StoreConfig): DrizzleKnowledgeStore {
  const client = postgres(config.databaseUrl!, {
    max: config.maxConnections ?? 10,
    onnotice: () => undefined,
    connection: { application_name: 'kaizen' },
  });
  const db = drizzlePostgres(client) as unknown as Db;
  return new DrizzleKnowledgeStore({
    db,
    migrate: async () => {
      // Several servers may start at once: a session advisory lock serialises their migrations.
      const lock = await client.reserve();
      try {
        await lock`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(client), { migrationsFolder });
        await seed(db);
      } finally {
        await lock`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
        lock.release();
      }
    },
    close: () => client.end({ timeout: 5 }),
    relay: postgresChangeRelay(client),
    // An export reads many pages: one connection of the pool, in one REPEATABLE READ READ ONLY
    // transaction, sees them all as of its first statement.
    snapshot: async () => {
      const connection = await client.reserve();
      try {
        await connection.unsafe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      } catch (error) {
        connection.release();
        throw error;
      }
      return {
        // Drizzle reads the client's type parsers from .options, which a reserved connection shares
        // with its pool but does not expose.
        db: drizzlePostgres(Object.assign(connection, { options: client.options }) as unknown as typeof client) as unknown as Db,
        release: async () => {
          try {
            await connection.unsafe('COMMIT');
          } finally {
            connection.release();
          }
        },
      };
    },
  });
}

/** An arbitrary constant naming Kaizen's migration lock. */
const MIGRATION_LOCK = 7_240_531_113;

/** The global namespace and its default scope always exist. */
async function seed(db: Db): Promise<void> {
  await db.execute(
    sql`INSERT INTO namespaces (name, description) VALUES ('global', 'Knowledge that applies everywhere.')
        ON CONFLICT (name) DO NOTHING`,
  );
  await db.execute(
    sql`INSERT INTO scopes (namespace_id, name, description)
        SELECT id, 'default', 'Knowledge that applies to every project.' FROM namespaces WHERE name = 'global'
        ON CONFLICT (namespace_id, name) DO NOTHING`,
  );
}
