import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { coarserChange, type ChangeListener, type ChangeRelay, type KaizenChange } from '@kaizen/core';

/** The PostgreSQL channel of Kaizen's change notifications. */
export const CHANGE_CHANNEL = 'kaizen_changes';
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

interface Message {
  /** The process that published it: a process does not deliver its own changes twice. */
  origin: string;
  change: KaizenChange;
}

/**
 * A ChangeRelay over PostgreSQL LISTEN/NOTIFY: every server on the database hears every other's
 * committed changes, so a resource subscriber is notified whichever server made the change. A change too
 * large for a payload is sent coarser (its scopes instead of its entries, then its namespaces), which
 * notifies a few more subscribers than needed and none fewer.
 */
export function postgresChangeRelay(client: Sql): ChangeRelay {
  const origin = randomUUID();
  return {
    async publish(change) {
      const payload = encode(origin, change);
      if (payload !== undefined) await client.notify(CHANGE_CHANNEL, payload);
    },
    async subscribe(listener: ChangeListener) {
      const { unlisten } = await client.listen(CHANGE_CHANNEL, (payload) => {
        const message = decode(payload);
        if (message && message.origin !== origin) listener(message.change);
      });
      return unlisten;
    },
  };
}

export function encode(origin: string, change: KaizenChange): string | undefined {
  for (let next: KaizenChange | undefined = change; next; next = coarserChange(next)) {
    const payload = JSON.stringify({ origin, change: next } satisfies Message);
    if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
  }
  return undefined;
}

/** Parses a payload; anything that is not a well-formed message (another program's NOTIFY) is ignored. */
export function decode(payload: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const { origin, change } = (value ?? {}) as { origin?: unknown; change?: Record<string, unknown> };
  if (typeof origin !== 'string' || !change || typeof change.listChanged !== 'boolean') return undefined;
  const names = (key: string) =>
    Array.isArray(change[key]) && (change[key] as unknown[]).every((n) => typeof n === 'string') ? (change[key] as string[]) : undefined;
  const scopes = names('scopes')?.filter((s) => s.includes(':'));
  switch (change.kind) {
    case 'knowledge': {
      const ids = names('ids');
      return ids && scopes ? { origin, change: { kind: 'knowledge', ids, scopes, listChanged: change.listChanged } } : undefined;
    }
    case 'scope':
      return scopes ? { origin, change: { kind: 'scope', scopes, listChanged: change.listChanged } } : undefined;
    case 'namespace': {
      const namespaces = names('namespaces');
      return namespaces ? { origin, change: { kind: 'namespace', namespaces, listChanged: change.listChanged } } : undefined;
    }
    default:
      return undefined;
  }
}
