import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 12-character base62 id (~71 bits): opaque, URL-safe, short enough for an agent to copy. */
export function newKnowledgeId(): string {
  const bytes = randomBytes(24);
  let id = '';
  for (const b of bytes) {
    if (b >= 248) continue; // 248 = 4 * 62: keeps the distribution uniform
    id += ALPHABET[b % 62];
    if (id.length === 12) return id;
  }
  return id.length === 12 ? id : newKnowledgeId();
}
