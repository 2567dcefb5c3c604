import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isKaizenError } from '@kaizen/domain';

/** MCP's code for an unknown resource (specification, "Error Handling" of resources). */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * Turns a failure of a resource read or prompt into a JSON-RPC error: Kaizen errors keep their message
 * (it names the argument and the fix); anything else becomes a short internal error, reported to the host.
 */
export function protocolError(
  error: unknown,
  what: string,
  options: { notFoundCode?: number; onInternalError?: (error: unknown, what: string) => void },
): McpError {
  if (error instanceof McpError) return error;
  if (isKaizenError(error)) {
    const code = error.code === 'NOT_FOUND' ? (options.notFoundCode ?? ErrorCode.InvalidParams) : ErrorCode.InvalidParams;
    return new McpError(code, `${error.code}: ${error.message}`);
  }
  options.onInternalError?.(error, what);
  return new McpError(ErrorCode.InternalError, `INTERNAL: ${what} failed unexpectedly. Retry; if it persists, check the server logs.`);
}
