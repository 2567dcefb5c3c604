/** Stable error codes. Clients may branch on them; messages tell an agent what to do next. */
export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'INVALID_INPUT',
  'PROTECTED',
  'CYCLE',
  'CONFLICT',
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
