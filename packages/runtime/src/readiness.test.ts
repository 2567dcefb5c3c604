import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { baseSlices } from './programs.js';
import { startKaizen, type KaizenRuntime } from './start.js';

let runtime: KaizenRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('checkReady', () => {
  it('passes on a migrated database and names pending migrations otherwise', async () => {
    runtime = await startKaizen(loadConfig(baseSlices, { KAIZEN_DATABASE_URL: 'memory://' }), pino({ level: 'silent' }));
    await expect(runtime.checkReady()).resolves.toBeUndefined();
    await runtime.store.db.execute('DELETE FROM drizzle.__drizzle_migrations');
    await expect(runtime.checkReady()).rejects.toThrow(/migrations pending: the database is at no migration, this build needs \d+/);
  });

  it('fails when Kaizen’s tables are missing', async () => {
    runtime = await startKaizen(loadConfig(baseSlices, { KAIZEN_DATABASE_URL: 'memory://' }), pino({ level: 'silent' }));
    await runtime.store.db.execute('DROP TABLE namespaces CASCADE');
    await expect(runtime.checkReady()).rejects.toThrow();
  });
});
