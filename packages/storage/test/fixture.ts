import { createCallContext, createKaizen, type KaizenService } from '@kaizen/core';
import { openStore, type DrizzleKnowledgeStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

/** The context the suites call the core with: the local owner, never cancelled. */
export const ctx = createCallContext();

export interface TestKaizen {
  store: DrizzleKnowledgeStore;
  kaizen: KaizenService;
  /** Closes the store and drops its database. */
  close(): Promise<void>;
}

/** A core on a fresh, migrated database of the given kind (PGlite in memory, or a new PostgreSQL database). */
export async function openTestKaizen(kind: TestDatabase['kind']): Promise<TestKaizen> {
  const database = await createTestDatabase(kind);
  const store = await openStore({ databaseUrl: database.url });
  return {
    store,
    kaizen: createKaizen({ store }),
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}
