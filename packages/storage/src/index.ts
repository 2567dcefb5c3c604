export { openStore, storeKind, defaultDataDir, migrationsFolder, MEMORY_URL } from './connect.js';
export type { StoreConfig, StoreKind } from './connect.js';
export { DrizzleKnowledgeStore } from './knowledge-store.js';
export { DrizzleSecurityStore, ALL_NAMESPACES, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT } from './security-store.js';
export * as schema from './schema.js';
export { searchBaseline } from './search-baseline.js';
export { RANKING } from './search-plan.js';
export { safeErrorFields, type SafeErrorFields } from './database-errors.js';
export { storageConfig, type StorageSettings } from './config.js';
