export { createKaizenMcpServer, SERVER_INSTRUCTIONS, SERVER_NAME, SERVER_VERSION } from './server.js';
export type { KaizenMcpOptions } from './server.js';
export { TOOLS, type ToolDefinition } from './tools.js';
export { DEFAULT_RESOURCE_PAGE_SIZE } from './resources.js';
export { PROMPT_NAMES } from './prompts.js';
export { DEFAULT_LOG_LEVEL } from './logging.js';
export * from './uris.js';
