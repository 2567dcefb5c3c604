/**
 * Stable error codes. Clients may branch on them. A message names the field, the entity and its key
 * (`scope: scope "acme:shop" does not exist.`); the next step, which depends on the surface (tool names
 * for MCP, commands for the CLI), comes from the hint table (hints.ts) through `details.hint`.
 */
export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'INVALID_INPUT',
  'PROTECTED',
  'CYCLE',
  'CONFLICT',
  /** The caller's credentials do not allow this call (a scope it lacks); a hidden entity is NOT_FOUND instead. */
  'FORBIDDEN',
  /** A destructive call needs the user's confirmation: the message carries the preview and a confirm token. */
  'CONFIRMATION_REQUIRED',
  /** The caller cancelled the call (its CallContext's signal aborted); nothing more was done. */
  'CANCELLED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class KaizenError extends Error {
  override readonly name = 'KaizenError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isKaizenError = (e: unknown): e is KaizenError =>
  e instanceof KaizenError || (e instanceof Error && e.name === 'KaizenError' && 'code' in e);
