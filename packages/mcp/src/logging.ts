/**
 * MCP logging: the client picks a level with logging/setLevel and receives this session's log messages
 * (notifications/message) at or above it. The SDK's own handler sends everything until a level is set;
 * we keep the level ourselves so that a client that never calls setLevel only gets info and above.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LoggingLevelSchema, SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

export const DEFAULT_LOG_LEVEL: LoggingLevel = 'info';
const severity = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);

export class SessionLog {
  private level: LoggingLevel = DEFAULT_LOG_LEVEL;

  constructor(private readonly server: McpServer) {
    server.server.setRequestHandler(SetLevelRequestSchema, (request) => {
      this.level = request.params.level;
      return {};
    });
  }

  get currentLevel(): LoggingLevel {
    return this.level;
  }

  /** Sends one message if the client asked for its level; never throws (logging must not fail a request). */
  send(level: LoggingLevel, message: string, data?: Record<string, unknown>): void {
    if (severity(level) < severity(this.level) || !this.server.isConnected()) return;
    this.server
      .sendLoggingMessage({ level, logger: 'kaizen', data: data ? { message, ...data } : message })
      .catch(() => undefined);
  }
}
