/**
 * The one error mapper of the MCP surface. Kaizen errors keep their message (it names the field and the
 * key) plus the MCP hint of the situation; anything else becomes a short internal error, and its detail
 * goes to the host's log only: no SQL, parameters, stack or credentials ever reach a client.
 */
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { describeError, isKaizenError } from '@kaizen/domain';

export interface ClientError {
  /** JSON-RPC code, for resources, prompts and completions. */
  rpcCode: number;
  /** What the client reads: `CODE: message next-step`. */
  text: string;
  /** A refusal (bad input, missing entity) as opposed to a failure of the server. */
  refused: boolean;
}

export function toClientError(error: unknown, what: string): ClientError {
  if (ProtocolError.isInstance(error)) return { rpcCode: error.code, text: error.message, refused: true };
  if (isKaizenError(error) && error.code !== 'INTERNAL') {
    return { rpcCode: ProtocolErrorCode.InvalidParams, text: `${error.code}: ${describeError(error, 'mcp')}`, refused: true };
  }
  return {
    rpcCode: ProtocolErrorCode.InternalError,
    text: `INTERNAL: ${what} failed unexpectedly and changed nothing. Retry; if it persists, check the server logs.`,
    refused: false,
  };
}

export const toProtocolError = (mapped: ClientError) => new ProtocolError(mapped.rpcCode, mapped.text);
