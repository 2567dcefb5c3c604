import { createKaizen, type KaizenService } from '@kaizen/core';
import { openStore, safeErrorFields, storeKind, type DrizzleKnowledgeStore, type StorageSettings } from '@kaizen/storage';
import type { Logger } from './logger.js';
import { databaseReadiness } from './readiness.js';

export interface KaizenRuntime {
  kaizen: KaizenService;
  store: DrizzleKnowledgeStore;
  /** Resolves when the database answers and every shipped migration is applied; rejects saying why not. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Deliver the changes other servers on the same database make to this one's subscribers (PostgreSQL
   * LISTEN; default true). A one-shot command (the CLI) has no subscribers: it only publishes its own.
   */
  hearOtherServers?: boolean;
  /** Delete audit events older than this many days, at start and every 12 hours (long-running servers). */
  auditRetentionDays?: number;
}

const PRUNE_EVERY_MS = 12 * 3_600_000;

/** Opens (and migrates) the configured database and builds the core on it. Takes any loaded config with a storage slice. */
export async function startKaizen(config: { storage: StorageSettings }, logger: Logger, options: StartOptions = {}): Promise<KaizenRuntime> {
  const { databaseUrl, dataDir } = config.storage;
  const kind = storeKind({ databaseUrl });
  const started = Date.now();
  const store = await openStore({ databaseUrl, dataDir });
  logger.info(
    { store: kind, dataDir: kind === 'pglite' ? dataDir : undefined, ms: Date.now() - started },
    'database ready',
  );
  const relay = store.relay;
  const kaizen = createKaizen({ store, relay, grants: store.security, audit: store.security });
  let stopHearing: (() => Promise<void>) | undefined;
  if (relay && options.hearOtherServers !== false) {
    try {
      stopHearing = await relay.subscribe((change) => kaizen.changes.deliver(change));
    } catch (error) {
      // Tools work without it; only subscribers miss what other servers change.
      logger.warn({ err: error }, 'cannot listen for changes made by other servers; subscribers hear of this server\'s only');
    }
  }
  let pruning: NodeJS.Timeout | undefined;
  if (options.auditRetentionDays) {
    const days = options.auditRetentionDays;
    const prune = () =>
      store.security
        .pruneAudit(new Date(Date.now() - days * 86_400_000))
        .then((deleted) => deleted > 0 && logger.info({ deleted, days }, 'audit events past retention deleted'))
        .catch((err) => logger.warn({ err: safeErrorFields(err) }, 'audit retention failed; retrying later'));
    await prune();
    pruning = setInterval(() => void prune(), PRUNE_EVERY_MS);
    pruning.unref();
  }
  return {
    kaizen,
    store,
    checkReady: databaseReadiness(store),
    close: async () => {
      if (pruning) clearInterval(pruning);
      await stopHearing?.().catch(() => undefined);
      await store.close();
    },
  };
}
