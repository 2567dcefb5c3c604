/**
 * The audit trail's writer: events are queued and appended in batches (one statement per batch), off
 * the call's critical path, flushed at least every second and on close. A failed append is reported
 * and retried once with the next batch; the trail never fails a call.
 */
import type { AuditEvent, AuditStore } from './store.js';

export interface AuditTrailOptions {
  flushMs?: number;
  maxBatch?: number;
  /** A batch that could not be written (twice): for the host's log. */
  onError?: (error: unknown, lost: number) => void;
}

export class AuditTrail {
  private queue: AuditEvent[] = [];
  private retry: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly store: AuditStore,
    private readonly options: AuditTrailOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1_000;
    this.maxBatch = options.maxBatch ?? 200;
  }

  record(event: AuditEvent): void {
    this.queue.push({ ...event, at: event.at ?? new Date() });
    if (this.queue.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is queued; resolves when it is stored (or given up on). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.retry, ...this.queue];
    const retried = this.retry.length;
    this.retry = [];
    this.queue = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        await this.store.appendAuditBatch(batch);
      } catch (error) {
        // Keep the new events for one more try; the ones already retried are lost (and reported).
        this.retry = batch.slice(retried);
        if (retried > 0) this.options.onError?.(error, retried);
        if (this.retry.length > 0 && !this.timer) {
          this.timer = setTimeout(() => void this.flush(), this.flushMs);
          this.timer.unref();
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.retry.length > 0) {
      const lost = this.retry.length;
      await this.store.appendAuditBatch(this.retry).catch((error) => this.options.onError?.(error, lost));
      this.retry = [];
    }
  }
}
