import { describe, expect, it } from 'vitest';
import { ChangeFeed, type KaizenChange } from './events.js';

describe('ChangeFeed', () => {
  const change: KaizenChange = { kind: 'scope', scopes: ['acme:web'], listChanged: true };

  it('delivers to every listener until it unsubscribes, and survives a failing listener', () => {
    const feed = new ChangeFeed();
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error('closed session');
    });
    const stop = feed.subscribe((c) => seen.push(c.kind));
    feed.emit(change);
    stop();
    feed.emit(change);
    expect(seen).toEqual(['scope']);
    expect(feed.size).toBe(1);
  });
});
