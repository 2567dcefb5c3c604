export { createKaizenMcpServer, SERVER_INSTRUCTIONS, SERVER_NAME, SERVER_VERSION } from './server.js';
export type { KaizenMcpOptions } from './server.js';
export { TOOLS, type ToolDefinition } from './tools.js';
