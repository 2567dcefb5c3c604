export { createKaizenHttpServer, refuseUnauthenticatedExposure, type KaizenHttpOptions, type KaizenHttpServer } from './server.js';
export { EventLog, SessionEventStore, type EventLogLimits } from './event-store.js';
export { createGuard, isLoopback, type Guard, type GuardOptions } from './guards.js';
export { MCP_PATH, SSE_PATH, MESSAGES_PATH } from './mcp-routes.js';
export { AudienceBus, ListenIndex, MAX_LISTEN_URIS } from './listen-index.js';
export { MAX_BATCH_MESSAGES } from './rate-limit.js';
export { requestLogger } from './request-log.js';
export { httpConfig, type HttpSettings } from './config.js';
