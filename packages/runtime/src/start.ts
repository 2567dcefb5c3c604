import { createKaizen, type KaizenService } from '@kaizen/core';
import { openStore, storeKind, type DrizzleKnowledgeStore } from '@kaizen/storage';
import type { KaizenConfig } from './config.js';
import type { Logger } from './logger.js';
import { databaseReadiness } from './readiness.js';

export interface KaizenRuntime {
  kaizen: KaizenService;
  store: DrizzleKnowledgeStore;
  /** Resolves when the database answers and every shipped migration is applied; rejects saying why not. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) the configured database and builds the core on it. */
export async function startKaizen(config: KaizenConfig, logger: Logger): Promise<KaizenRuntime> {
  const kind = storeKind({ databaseUrl: config.databaseUrl });
  const started = Date.now();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  logger.info(
    { store: kind, dataDir: kind === 'pglite' ? config.dataDir : undefined, ms: Date.now() - started },
    'database ready',
  );
  return { kaizen: createKaizen({ store }), store, checkReady: databaseReadiness(store), close: () => store.close() };
}
