/**
 * MCP logging to the client. 2025-era sessions pick a level with logging/setLevel (we keep it, so a
 * client that never sets one gets info and above); a 2026-07-28 request carries its level in `_meta` and
 * the SDK filters it. Messages ride the request they belong to (ctx.mcpReq.log) and never fail it.
 */
import type { LoggingLevel, McpServer, ServerContext } from '@modelcontextprotocol/server';

export const DEFAULT_LOG_LEVEL: LoggingLevel = 'info';
const LEVELS: LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const severity = (level: LoggingLevel) => LEVELS.indexOf(level);

export class SessionLog {
  private level: LoggingLevel = DEFAULT_LOG_LEVEL;

  constructor(server: McpServer) {
    server.server.setRequestHandler('logging/setLevel', (request) => {
      this.level = request.params.level;
      return {};
    });
  }

  send(sdk: ServerContext | undefined, modern: boolean, level: LoggingLevel, message: string, data?: Record<string, unknown>): void {
    if (!sdk) return;
    if (!modern && severity(level) < severity(this.level)) return;
    sdk.mcpReq.log(level, data ? { message, ...data } : message, 'kaizen').catch(() => undefined);
  }
}
