/** Why a request could not be authenticated. The HTTP layer maps each to a status and WWW-Authenticate. */
export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'unsupported_alg'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'inactive'
  | 'unknown_key'
  | 'revoked_key'
  | 'expired_key'
  | 'unavailable';

/**
 * Default message of each reason. Short, meant for the client, and never quoting the token or its
 * claims: error messages end up in logs and in client UIs, tokens must not.
 */
const MESSAGES: Record<AuthFailure, string> = {
  missing: 'no access token: send Authorization: Bearer <token>',
  malformed: 'the access token is malformed',
  bad_signature: 'the access token signature is invalid',
  unsupported_alg: 'the access token is signed with an algorithm this server does not accept',
  expired: 'the access token has expired',
  not_yet_valid: 'the access token is not valid yet',
  wrong_issuer: 'the access token was issued by another authorization server',
  wrong_audience: 'the access token was issued for another resource',
  inactive: 'the access token is not active',
  // unknown id and wrong secret share this message so that a caller cannot probe which key ids exist
  unknown_key: 'the API key is not valid',
  revoked_key: 'the API key has been revoked',
  expired_key: 'the API key has expired',
  unavailable: 'the authorization server cannot be reached; try again later',
};

/**
 * An authentication failure. `message` is safe to show a client; the underlying error, if any (a
 * network failure, a metadata mismatch), is in `cause`, for the server's log only.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailure;
  constructor(reason: AuthFailure, message: string = MESSAGES[reason], options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** AuthError, also when thrown by another copy of this module (bundled apps). */
export const isAuthError = (e: unknown): e is AuthError => e instanceof Error && e.name === 'AuthError' && 'reason' in e;
