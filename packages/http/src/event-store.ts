import { randomBytes } from 'node:crypto';
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';

export interface EventLogLimits {
  /** Streams kept across all sessions; the least recently written are dropped first. */
  maxStreams?: number;
  /** Events kept per stream; older ones are dropped (a resume from before them replays what is left). */
  maxEventsPerStream?: number;
  /** A stream not written to for this long is dropped. */
  ttlMs?: number;
  /** Streams kept per session; a session opening more loses its oldest (one per request that streamed). */
  maxStreamsPerSession?: number;
}

interface StoredEvent {
  seq: number;
  message: JSONRPCMessage;
}

interface StoredStream {
  next: number;
  events: StoredEvent[];
}

/**
 * Resumability for Streamable HTTP: the messages sent on each SSE stream, so a client that lost a stream
 * can reconnect with Last-Event-ID and get what it missed. Bounded in memory on every axis (streams,
 * events per stream, age), because a server shared by a team must not grow with its uptime.
 *
 * One EventLog serves every session; each session gets its own view (`forSession`), whose event ids carry
 * a random session key, so an id from one session never replays another session's stream. (The SDK's
 * example store is unbounded and splits ids on "_", which its own "_GET_stream" id contains.)
 */
export class EventLog {
  private readonly streams: LRUCache<string, StoredStream>;
  private readonly maxEvents: number;
  /** @internal */
  readonly maxStreamsPerSession: number;

  constructor(limits: EventLogLimits = {}) {
    this.maxEvents = limits.maxEventsPerStream ?? 100;
    this.maxStreamsPerSession = limits.maxStreamsPerSession ?? 32;
    this.streams = new LRUCache({ max: limits.maxStreams ?? 10_000, ttl: limits.ttlMs ?? 15 * 60_000 });
  }

  /** Number of streams currently held (for tests and metrics). */
  get size(): number {
    return this.streams.size;
  }

  forSession(): SessionEventStore {
    return new SessionEventStore(this, randomBytes(8).toString('hex'));
  }

  /** @internal */
  append(key: string, message: JSONRPCMessage): number {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { next: 0, events: [] };
    }
    const seq = stream.next++;
    stream.events.push({ seq, message });
    if (stream.events.length > this.maxEvents) stream.events.shift();
    this.streams.set(key, stream); // refreshes recency and age
    return seq;
  }

  /** @internal */
  read(key: string): StoredStream | undefined {
    return this.streams.get(key);
  }

  /** @internal */
  drop(key: string): void {
    this.streams.delete(key);
  }
}

/** The EventStore the SDK transport of one session talks to. */
export class SessionEventStore implements EventStore {
  private readonly keys = new Set<string>();

  constructor(
    private readonly log: EventLog,
    private readonly sessionKey: string,
  ) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const key = this.key(streamId);
    if (!this.keys.has(key)) {
      this.keys.add(key);
      // A Set iterates in insertion order: the first key is the oldest stream.
      if (this.keys.size > this.log.maxStreamsPerSession) {
        const oldest = this.keys.values().next().value as string;
        this.keys.delete(oldest);
        this.log.drop(oldest);
      }
    }
    return `${key}:${this.log.append(key, message)}`;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const parsed = this.parse(eventId);
    return parsed && this.log.read(this.key(parsed.streamId)) ? parsed.streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const parsed = this.parse(lastEventId);
    if (!parsed) return '';
    const key = this.key(parsed.streamId);
    const stream = this.log.read(key);
    for (const event of stream?.events ?? []) {
      if (event.seq > parsed.seq) await send(`${key}:${event.seq}`, event.message);
    }
    return parsed.streamId;
  }

  /** Frees this session's streams (the session ended). */
  clear(): void {
    for (const key of this.keys) this.log.drop(key);
    this.keys.clear();
  }

  private key(streamId: StreamId): string {
    return `${this.sessionKey}/${streamId}`;
  }

  /** Ids look like "<session key>/<stream id>:<seq>"; anything else, or another session's id, is unknown. */
  private parse(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
    const slash = eventId.indexOf('/');
    const colon = eventId.lastIndexOf(':');
    if (slash < 0 || colon < slash || eventId.slice(0, slash) !== this.sessionKey) return undefined;
    const seq = Number(eventId.slice(colon + 1));
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    return { streamId: eventId.slice(slash + 1, colon), seq };
  }
}
