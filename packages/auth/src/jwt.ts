import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { createDiscovery } from './discovery.js';
import { AuthError, type AuthFailure } from './errors.js';

/**
 * Asymmetric algorithms only. `none` would accept unsigned tokens, and HS* would let anyone holding
 * the public key (it is public) forge tokens if a server ever used it as an HMAC secret.
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const allowed = new Set(ALLOWED_ALGORITHMS);

export const isJwt = (token: string) => token.split('.').length === 3;

export interface JwtVerifierOptions {
  issuer: string;
  resource: string;
  clockToleranceSec: number;
  fetch: typeof fetch;
}

/**
 * Verifies JWT access tokens (RFC 9068) with the issuer's JWKS. jose's remote key set caches the keys
 * and refetches when a token names a kid it does not know (key rotation), at most once per 30 s so that
 * tokens with made-up kids cannot make Kaizen hammer the authorization server.
 */
export function createJwtVerifier(options: JwtVerifierOptions) {
  const keys = createDiscovery(options.issuer, options.fetch, (metadata) => ({
    issuer: metadata.issuer,
    jwks: createRemoteJWKSet(new URL(metadata.jwks_uri), { [customFetch]: options.fetch }),
  }));

  return async function verifyJwt(token: string): Promise<JWTPayload> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthError('malformed');
    }
    // Checked before any network call, so refused algorithms cost nothing.
    if (typeof alg !== 'string' || !allowed.has(alg)) throw new AuthError('unsupported_alg');
    const { issuer, jwks } = await keys();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer, // as the metadata spells it, which discovery checked against the configured issuer
        audience: options.resource,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: options.clockToleranceSec,
        requiredClaims: ['exp'], // RFC 9068 §2.2: access tokens expire
      });
      return payload;
    } catch (error) {
      throw authErrorOf(error);
    }
  };
}

/** jose's error codes mapped to reasons; anything else (fetch failures) means the keys are unreachable. */
export function authErrorOf(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'check_failed') {
    const byClaim: Record<string, AuthFailure> = { iss: 'wrong_issuer', aud: 'wrong_audience', nbf: 'not_yet_valid', exp: 'expired' };
    return new AuthError(byClaim[error.claim] ?? 'malformed');
  }
  if (error instanceof errors.JOSEError) {
    const byCode: Record<string, AuthFailure> = {
      ERR_JWT_EXPIRED: 'expired',
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
      ERR_JWKS_NO_MATCHING_KEY: 'bad_signature', // signed by a key the issuer does not publish
      ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'bad_signature',
      ERR_JOSE_ALG_NOT_ALLOWED: 'unsupported_alg',
      ERR_JOSE_NOT_SUPPORTED: 'unsupported_alg',
      ERR_JWS_INVALID: 'malformed',
      ERR_JWT_INVALID: 'malformed',
      ERR_JWT_CLAIM_VALIDATION_FAILED: 'malformed', // a required claim is missing or of the wrong type
    };
    const reason = byCode[error.code];
    if (reason) return new AuthError(reason);
  }
  return new AuthError('unavailable', undefined, { cause: error });
}
