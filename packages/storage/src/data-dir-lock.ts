import lockfile from 'proper-lockfile';
import { KaizenError } from '@kaizen/domain';

/**
 * PGlite is single-process: two servers opening one data directory would corrupt it. We hold an
 * exclusive lock (proper-lockfile: a lock directory with a heartbeat, taken over when stale) for as
 * long as the store is open.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dir, { stale: 15_000, update: 5_000, retries: 0, realpath: false });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new KaizenError(
        'CONFLICT',
        `The embedded database at ${dir} is in use by another Kaizen process. Stop it, give this one another ` +
          'KAIZEN_DATA_DIR, or share one database between clients with kaizen-http or a PostgreSQL server (KAIZEN_DATABASE_URL).',
      );
    }
    throw error;
  }
}
