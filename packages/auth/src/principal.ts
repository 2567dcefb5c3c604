import { AuthError } from './errors.js';
import { expandScopes, scopesOfClaims, type KaizenScope } from './scopes.js';

/** Who made a request, whatever proved it. */
export interface AuthenticatedPrincipal {
  /** 'user:<sub>' for tokens, 'key:<id>' for API keys. */
  id: string;
  /** The token's sub (client_id when it has none), or the API key's recorded principal ('user:ci-bot'). */
  subject: string;
  /** Expanded (kaizen:admin implies write and read). */
  scopes: KaizenScope[];
  /** From the groups claim (a string or an array of strings). */
  groups: string[];
  /** azp or client_id. */
  clientId?: string;
  expiresAt?: Date;
  via: 'jwt' | 'introspection' | 'api-key';
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * The principal of verified token claims (a JWT payload or an introspection response; both use the
 * JWT claim names). client_credentials tokens act for a client, not a user, and some servers leave
 * `sub` out of them (RFC 7662 makes it optional): the client_id is then the subject.
 */
export function principalOfClaims(
  claims: Record<string, unknown>,
  via: 'jwt' | 'introspection',
  groupsClaim: string,
): AuthenticatedPrincipal {
  const clientId = str(claims.azp) ?? str(claims.client_id);
  const subject = str(claims.sub) ?? clientId;
  if (!subject) throw new AuthError('malformed', 'the access token names no subject');
  // A DPoP- or mTLS-bound token (RFC 9449, RFC 8705) presented as a plain bearer token must not be
  // accepted: Kaizen does not check the proof of possession, so it refuses them rather than downgrade.
  if (claims.cnf !== undefined && claims.cnf !== null) {
    throw new AuthError('malformed', 'sender-constrained access tokens (DPoP, mTLS) are not supported');
  }
  const groups = claims[groupsClaim];
  return {
    id: `user:${subject}`,
    subject,
    scopes: expandScopes(scopesOfClaims(claims)),
    groups: typeof groups === 'string' ? [groups] : Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : [],
    clientId,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    via,
  };
}

/** The caller as Kaizen's core sees it (structurally `Principal` of @kaizen/core). */
export interface CallerIdentity {
  id: string;
  scopes: KaizenScope[];
  groups: string[];
  clientId?: string;
}

/**
 * The identity calls run as. An API key acts as the principal it was created for (`user:ci-bot`, with
 * that user's grants) and is itself the client (`key:<id>`), as the audit trail records it.
 */
export function callerIdentity(p: AuthenticatedPrincipal): CallerIdentity {
  if (p.via === 'api-key') return { id: p.subject, scopes: p.scopes, groups: p.groups, clientId: p.id };
  return { id: p.id, scopes: p.scopes, groups: p.groups, ...(p.clientId !== undefined && { clientId: p.clientId }) };
}
