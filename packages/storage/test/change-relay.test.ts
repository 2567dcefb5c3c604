import { describe, expect, it } from 'vitest';
import type { KaizenChange } from '@kaizen/core';
import { decode, encode } from '../src/change-relay.js';

describe('change relay messages', () => {
  const change: KaizenChange = { kind: 'knowledge', ids: ['e1'], scopes: ['acme:web'], listChanged: true };

  it('round-trips a change with its origin', () => {
    expect(decode(encode('server-1', change)!)).toEqual({ origin: 'server-1', change });
  });

  it('sends a change too large for a NOTIFY coarser: its scopes instead of its entries', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `entry-${i}`);
    const payload = encode('server-1', { kind: 'knowledge', ids, scopes: ['acme:web'], listChanged: false })!;
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(decode(payload)!.change).toEqual({ kind: 'scope', scopes: ['acme:web'], listChanged: true });
  });

  it("ignores what is not one of Kaizen's messages", () => {
    for (const payload of ['', 'not json', 'null', '{}', '{"origin":"x"}', '{"origin":"x","change":{"kind":"scope","scopes":[1],"listChanged":true}}',
      '{"origin":"x","change":{"kind":"drop","listChanged":true}}', '{"origin":"x","change":{"kind":"knowledge","scopes":["a:b"],"listChanged":true}}']) {
      expect(decode(payload), payload).toBeUndefined();
    }
  });
});
