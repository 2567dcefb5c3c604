import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder, type DrizzleKnowledgeStore } from '@kaizen/storage';

/** The newest migration this build ships (drizzle-kit's journal: `when` is the migration's timestamp). */
function latestShippedMigration(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

/**
 * Readiness of the database: it answers, Kaizen's tables are there, and every migration this build
 * ships has been applied (drizzle records each applied migration's timestamp in
 * drizzle.__drizzle_migrations). Rejects with a message saying which of these is wrong.
 */
export function databaseReadiness(store: DrizzleKnowledgeStore): () => Promise<void> {
  const shipped = latestShippedMigration();
  return async () => {
    await store.ping();
    const applied = await store.appliedMigration();
    if (applied < shipped) {
      throw new Error(`migrations pending: the database is at ${applied || 'no migration'}, this build needs ${shipped}; run "kaizen migrate" or restart`);
    }
  };
}
