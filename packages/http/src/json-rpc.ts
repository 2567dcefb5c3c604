import type { Response } from 'express';

/** JSON-RPC error codes used at the HTTP layer (before a message reaches the MCP server). */
export const RpcCode = {
  parseError: -32700,
  invalidRequest: -32600,
  /** The SDK's code for transport-level refusals (bad headers, unknown session, limits). */
  server: -32000,
  sessionNotFound: -32001,
} as const;

/**
 * Every refusal at the HTTP layer is a JSON-RPC error object with no id, never an HTML page: MCP clients
 * parse it and show the message.
 */
export function sendRpcError(res: Response, status: number, code: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}
