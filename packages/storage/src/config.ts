import { z } from 'zod';
import { defaultDataDir, MEMORY_URL } from './connect.js';

/**
 * The storage slice of Kaizen's configuration: which database to open. A plain object of the shape
 * @kaizen/runtime's `loadConfig` composes (name, zod schema of the variables, help text, reader);
 * storage cannot import the runtime, which depends on it.
 */
const schema = z.object({
  KAIZEN_DATABASE_URL: z
    .string()
    .refine((v) => v === MEMORY_URL || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be a postgres:// or postgresql:// URL, or memory:// (unset: embedded database)',
    })
    .optional(),
  KAIZEN_DATA_DIR: z.string().min(1, { message: 'must be a directory path' }).default(defaultDataDir),
});

export interface StorageSettings {
  /** PostgreSQL URL, or memory://; unset: the embedded database at dataDir. */
  databaseUrl?: string;
  dataDir: string;
}

export const storageConfig = {
  name: 'storage' as const,
  schema,
  describe: {
    KAIZEN_DATABASE_URL:
      'postgres://… for a PostgreSQL 15+ server; memory:// for a throwaway in-memory database; unset for the embedded database',
    KAIZEN_DATA_DIR: 'where the embedded (PGlite) database lives; created on first run',
  },
  read: (v: z.output<typeof schema>): StorageSettings => ({ databaseUrl: v.KAIZEN_DATABASE_URL, dataDir: v.KAIZEN_DATA_DIR }),
};
