export { createKaizenHttpServer, type KaizenHttpOptions, type KaizenHttpServer } from './server.js';
export { EventLog, SessionEventStore, type EventLogLimits } from './event-store.js';
export { createGuard, isLoopback, type Guard, type GuardOptions } from './guards.js';
export { MCP_PATH, SSE_PATH, MESSAGES_PATH } from './mcp-routes.js';
export { requestLogger } from './request-log.js';
