import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthError } from './errors.js';
import { expandScopes } from './scopes.js';
import type { AuthenticatedPrincipal } from './principal.js';

/**
 * Kaizen API keys, for CI jobs and scripts that cannot run an OAuth flow: `kzn_<id>_<secret>`.
 * The id (12 alphanumerics) finds the record; the secret (32 random bytes, base64url) proves possession.
 * Only sha256(secret) is stored: the secret has 256 bits of entropy, so a fast hash is enough (no
 * password-style stretching needed) and a stolen database yields no usable key.
 */
export interface ApiKeyRecord {
  id: string;
  /** Who the key acts as, e.g. 'user:ci-bot'. */
  principal: string;
  scopes: string[];
  /** sha256(secret), lowercase hex. */
  secretHash: string;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
}

/** The store behind API keys (Kaizen's database); this package only reads and touches records. */
export interface ApiKeyLookup {
  findApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Records last use. Called without waiting, at most once per minute per key. */
  touchApiKey(id: string, at: Date): Promise<void>;
}

const PREFIX = 'kzn_';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Fixed lengths make the key unambiguous although base64url secrets may contain '_'.
const KEY_PATTERN = /^kzn_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;
const TOUCH_INTERVAL_MS = 60_000;

/** A new key. Show `key` once to its owner; store `id` and `secretHash`. */
export function generateApiKey(): { id: string; secret: string; key: string; secretHash: string } {
  // Alphanumeric ids (no '-' or '_') so that a double click selects the whole key in a terminal.
  const id = Array.from({ length: 12 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${PREFIX}${id}_${secret}`, secretHash: hashApiKeySecret(secret) };
}

/** `{ id, secret }` of a well-formed key, else undefined. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/** sha256 of the secret, lowercase hex: what ApiKeyRecord.secretHash holds. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export const isApiKeyToken = (token: string) => token.startsWith(PREFIX);

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch means a corrupt record, not a secret leak
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Verifies `kzn_…` bearer tokens against the lookup. */
export function createApiKeyVerifier(lookup: ApiKeyLookup | undefined) {
  // Keys touched in the last minute: last-use timestamps do not need to cost a write per request.
  const touched = new LRUCache<string, true>({ max: 10_000, ttl: TOUCH_INTERVAL_MS });

  function touch(store: ApiKeyLookup, id: string) {
    if (touched.has(id)) return;
    touched.set(id, true);
    // Fire and forget: a failed write must not fail the request; forget the mark so the next one retries.
    Promise.resolve()
      .then(() => store.touchApiKey(id, new Date()))
      .catch(() => touched.delete(id));
  }

  return async function verifyApiKey(token: string): Promise<AuthenticatedPrincipal> {
    const parsed = parseApiKey(token);
    if (!parsed) throw new AuthError('malformed', 'the API key is malformed');
    if (!lookup) throw new AuthError('unknown_key');
    let record: ApiKeyRecord | undefined;
    try {
      record = await lookup.findApiKey(parsed.id);
    } catch (cause) {
      throw new AuthError('unavailable', 'API keys cannot be checked right now; try again later', { cause });
    }
    const hash = hashApiKeySecret(parsed.secret);
    // The secret is checked before revocation and expiry: without it, a caller learns nothing about a key.
    if (!record || !sameHash(hash, record.secretHash)) throw new AuthError('unknown_key');
    if (record.revokedAt) throw new AuthError('revoked_key');
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) throw new AuthError('expired_key');
    touch(lookup, parsed.id);
    return {
      id: `key:${parsed.id}`,
      subject: record.principal,
      scopes: expandScopes(record.scopes),
      groups: [],
      expiresAt: record.expiresAt ?? undefined,
      via: 'api-key',
    };
  };
}
