import { describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKeySecret, parseApiKey, type ApiKeyLookup, type ApiKeyRecord } from '../src/index.js';
import { reasonOf } from './helpers/http.js';

/** An in-memory key store, recording touches. */
function memoryKeys(records: ApiKeyRecord[]) {
  const byId = new Map(records.map((r) => [r.id, r]));
  const touches: [string, Date][] = [];
  const lookup: ApiKeyLookup = {
    findApiKey: async (id) => byId.get(id),
    touchApiKey: async (id, at) => void touches.push([id, at]),
  };
  return { lookup, touches };
}

const DAY = 86_400_000;
function record(overrides: Partial<ApiKeyRecord> = {}) {
  const key = generateApiKey();
  return { key: key.key, record: { id: key.id, principal: 'user:ci-bot', scopes: ['kaizen:write'], secretHash: key.secretHash, ...overrides } };
}

describe('API key format', () => {
  it('generates kzn_<id>_<secret> keys that parse back and hash to the stored hash', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^kzn_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(generated.key).toBe(`kzn_${generated.id}_${generated.secret}`);
    expect(parseApiKey(generated.key)).toEqual({ id: generated.id, secret: generated.secret });
    expect(generated.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret(generated.secret)).toBe(generated.secretHash);
    expect(Buffer.from(generated.secret, 'base64url')).toHaveLength(32);
    expect(generateApiKey().key).not.toBe(generated.key);
  });

  it('parses secrets containing _ and refuses anything else', () => {
    const secret = `${'_'.repeat(10)}${'a'.repeat(33)}`;
    expect(parseApiKey(`kzn_abcdefghijkl_${secret}`)).toEqual({ id: 'abcdefghijkl', secret });
    for (const bad of ['', 'kzn_', 'kzn_short_secret', `kzn_abcdefghijkl_${secret}x`, `KZN_abcdefghijkl_${secret}`, `kzn_abcdefghijk!_${secret}`]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });
});

describe('API keys as bearer tokens', () => {
  it('authenticates a valid key as key:<id> acting for its principal, and touches it once a minute at most', async () => {
    const { key, record: valid } = record({ expiresAt: new Date(Date.now() + DAY) });
    const { lookup, touches } = memoryKeys([valid]);
    const auth = createAuthenticator({ resource: 'https://kaizen.example/mcp', apiKeys: lookup });
    expect(await auth.authenticate(`Bearer ${key}`)).toEqual({
      id: `key:${valid.id}`,
      subject: 'user:ci-bot',
      scopes: ['kaizen:read', 'kaizen:write'],
      groups: [],
      expiresAt: valid.expiresAt,
      via: 'api-key',
    });
    await auth.authenticate(`Bearer ${key}`);
    await new Promise((resolve) => setImmediate(resolve)); // the touch is fire-and-forget
    expect(touches.map(([id]) => id)).toEqual([valid.id]);
    expect(Date.now() - touches[0]![1].getTime()).toBeLessThan(5_000);
  });

  it('refuses revoked, expired, wrong-secret and unknown keys, with the same message for the last two', async () => {
    const revoked = record({ revokedAt: new Date(Date.now() - DAY) });
    const expired = record({ expiresAt: new Date(Date.now() - 1_000) });
    const valid = record();
    const { lookup, touches } = memoryKeys([revoked.record, expired.record, valid.record]);
    const auth = createAuthenticator({ resource: 'https://kaizen.example/mcp', apiKeys: lookup });
    const wrongSecret = `kzn_${valid.record.id}_${generateApiKey().secret}`;
    const unknown = generateApiKey().key;
    const errorOf = async (key: string) => (await auth.authenticate(`Bearer ${key}`).catch((e: unknown) => e)) as { reason: string; message: string };
    expect(await reasonOf(auth.authenticate(`Bearer ${revoked.key}`))).toBe('revoked_key');
    expect(await reasonOf(auth.authenticate(`Bearer ${expired.key}`))).toBe('expired_key');
    const [wrong, none] = [await errorOf(wrongSecret), await errorOf(unknown)];
    expect(wrong).toMatchObject({ reason: 'unknown_key', message: 'the API key is not valid' });
    expect(none).toMatchObject({ reason: 'unknown_key', message: wrong.message });
    expect(await reasonOf(auth.authenticate('Bearer kzn_not-a-key'))).toBe('malformed');
    // A revoked key with a wrong secret reveals nothing about the key
    expect(await reasonOf(auth.authenticate(`Bearer kzn_${revoked.record.id}_${generateApiKey().secret}`))).toBe('unknown_key');
    await new Promise((resolve) => setImmediate(resolve));
    expect(touches).toEqual([]);
  });

  it('refuses keys when no key store is configured, and reports a failing store as unavailable', async () => {
    const { key } = record();
    expect(await reasonOf(createAuthenticator({ resource: 'https://kaizen.example/mcp' }).authenticate(`Bearer ${key}`))).toBe('unknown_key');
    const broken: ApiKeyLookup = { findApiKey: () => Promise.reject(new Error('db down')), touchApiKey: async () => {} };
    const auth = createAuthenticator({ resource: 'https://kaizen.example/mcp', apiKeys: broken });
    expect(await reasonOf(auth.authenticate(`Bearer ${key}`))).toBe('unavailable');
  });
});
