import { describe, expect, it } from 'vitest';
import { ChangeFeed, coarserChange, type KaizenChange } from './events.js';

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

describe('ChangeFeed with a relay', () => {
  it('publishes what it emits, and delivers what others publish to its listeners only', async () => {
    const published: KaizenChange[] = [];
    const feed = new ChangeFeed(async (c) => {
      published.push(c);
    });
    const seen: KaizenChange[] = [];
    feed.subscribe((c) => seen.push(c));
    const mine: KaizenChange = { kind: 'knowledge', ids: ['a'], scopes: ['acme:web'], listChanged: false };
    const theirs: KaizenChange = { kind: 'namespace', namespaces: ['acme'], listChanged: true };
    feed.emit(mine);
    feed.deliver(theirs);
    expect(seen).toEqual([mine, theirs]);
    expect(published).toEqual([mine]);
  });

  it('keeps a change when publishing it fails', () => {
    const feed = new ChangeFeed(() => Promise.reject(new Error('database gone')));
    const seen: string[] = [];
    feed.subscribe((c) => seen.push(c.kind));
    feed.emit({ kind: 'scope', scopes: ['acme:web'], listChanged: false });
    expect(seen).toEqual(['scope']);
  });
});

describe('coarserChange', () => {
  it('widens entries to their scopes, scopes to their namespaces, and stops there', () => {
    const entries: KaizenChange = { kind: 'knowledge', ids: ['a', 'b'], scopes: ['acme:web', 'acme:api'], listChanged: false };
    const scopes = coarserChange(entries);
    expect(scopes).toEqual({ kind: 'scope', scopes: ['acme:web', 'acme:api'], listChanged: true });
    expect(coarserChange(scopes!)).toEqual({ kind: 'namespace', namespaces: ['acme'], listChanged: true });
    expect(coarserChange({ kind: 'namespace', namespaces: ['acme'], listChanged: true })).toBeUndefined();
  });
});
