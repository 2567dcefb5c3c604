import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { EventLog } from '../src/event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

async function replay(store: ReturnType<EventLog['forSession']>, after: string) {
  const sent: { id: string; n: unknown }[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id, message) => {
      sent.push({ id, n: (message as { params?: { n?: unknown } }).params?.n });
    },
  });
  return { stream, sent };
}

describe('EventLog', () => {
  it('replays the events of one stream after the given id, in order', async () => {
    const store = new EventLog().forSession();
    const first = await store.storeEvent('s1', note(1));
    await store.storeEvent('other', note(99));
    const second = await store.storeEvent('s1', note(2));
    await store.storeEvent('s1', note(3));
    expect(await store.getStreamIdForEventId(second)).toBe('s1');
    const { stream, sent } = await replay(store, first);
    expect(stream).toBe('s1');
    expect(sent.map((e) => e.n)).toEqual([2, 3]);
    expect(sent[0]!.id).toBe(second);
  });

  it('handles the SDK stream id "_GET_stream", which contains the separator of the SDK example store', async () => {
    const store = new EventLog().forSession();
    const id = await store.storeEvent('_GET_stream', note(1));
    await store.storeEvent('_GET_stream', note(2));
    expect(await store.getStreamIdForEventId(id)).toBe('_GET_stream');
    expect((await replay(store, id)).sent.map((e) => e.n)).toEqual([2]);
  });

  it('never replays another session’s stream, and rejects malformed ids', async () => {
    const log = new EventLog();
    const a = log.forSession();
    const b = log.forSession();
    const id = await a.storeEvent('s', note(1));
    await a.storeEvent('s', note(2));
    expect(await b.getStreamIdForEventId(id)).toBeUndefined();
    expect((await replay(b, id)).sent).toEqual([]);
    for (const bad of ['', 'nonsense', `${id}x`, id.replace(/:\d+$/, ':-1')]) {
      expect(await a.getStreamIdForEventId(bad)).toBeUndefined();
    }
  });

  it('stays bounded: events per stream, streams overall, and a session’s streams when it ends', async () => {
    const log = new EventLog({ maxEventsPerStream: 3, maxStreams: 2 });
    const store = log.forSession();
    const first = await store.storeEvent('s', note(0));
    for (let n = 1; n < 10; n++) await store.storeEvent('s', note(n));
    expect((await replay(store, first)).sent.map((e) => e.n)).toEqual([7, 8, 9]);

    await store.storeEvent('t', note(1));
    const u = await store.storeEvent('u', note(1)); // a third stream evicts the least recent ("s")
    expect(log.size).toBe(2);
    expect(await store.getStreamIdForEventId(first)).toBeUndefined();
    expect(await store.getStreamIdForEventId(u)).toBe('u');

    store.clear();
    expect(log.size).toBe(0);
  });
});
