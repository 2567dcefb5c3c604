/**
 * Kaizen's OAuth scopes. They are hierarchical so that an authorization server only has to grant the
 * highest one a client needs: kaizen:admin ⊃ kaizen:write ⊃ kaizen:read.
 */
export const KAIZEN_SCOPES = ['kaizen:read', 'kaizen:write', 'kaizen:admin'] as const;
export type KaizenScope = (typeof KAIZEN_SCOPES)[number];

const rank = new Map<string, number>(KAIZEN_SCOPES.map((scope, i) => [scope, i]));

/**
 * Every Kaizen scope the granted ones imply, in KAIZEN_SCOPES order, without duplicates. Scopes Kaizen
 * does not define (openid, another API's) are ignored: a token is commonly shared by several APIs.
 */
export function expandScopes(granted: readonly string[]): KaizenScope[] {
  let highest = -1;
  for (const scope of granted) highest = Math.max(highest, rank.get(scope) ?? -1);
  return KAIZEN_SCOPES.slice(0, highest + 1);
}

/** Whether the granted scopes (raw or already expanded) include or imply `needed`. */
export function hasScope(granted: readonly string[], needed: KaizenScope): boolean {
  return expandScopes(granted).includes(needed);
}

/**
 * The scopes a token carries: `scope` (RFC 9068 / RFC 7662, space-separated) and `scp` (Microsoft Entra
 * and Okta, string or array). Both are read because real authorization servers use either.
 */
export function scopesOfClaims(claims: Record<string, unknown>): string[] {
  return [...words(claims.scope), ...words(claims.scp)];
}

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
