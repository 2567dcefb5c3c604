export {
  createKaizenSurface,
  createKaizenMcpServer,
  CACHE_HINTS,
  SERVER_INSTRUCTIONS,
  SERVER_NAME,
  SERVER_VERSION,
  type KaizenSurface,
  type KaizenSurfaceOptions,
} from './server.js';
export type { Operation, OperationKind, OperationReport, SurfaceHooks, KaizenSource } from './seam.js';
export type { ConnectionInfo } from './call-context.js';
export { SubscriptionHub, type Watch } from './hub.js';
export { MAX_SESSION_SUBSCRIPTIONS, MAX_URI_LENGTH } from './session-subscriptions.js';
export { TOOLS, scopeAllows, type ToolDefinition, type RequiredScope } from './tools.js';
export { DEFAULT_RESOURCE_PAGE_SIZE } from './resources.js';
export { PROMPT_NAMES } from './prompts.js';
export { DEFAULT_LOG_LEVEL } from './logging.js';
export { taskContextText } from './task-context-text.js';
export { KaizenStdioTransport, MAX_STDIO_MESSAGE_BYTES } from './stdio-transport.js';
export * from './uris.js';
export { serveKaizenStdio, type KaizenStdioOptions, type KaizenStdioServer } from './stdio.js';
export { auditEventOf } from './audit-events.js';
export { ConsentGate, needsConsent, type ConfirmMode, type ConsentOptions } from './consent.js';
export { consentConfig } from './config.js';
