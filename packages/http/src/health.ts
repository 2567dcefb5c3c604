import { Router } from 'express';

export interface HealthOptions {
  /** Resolves when the database answers with Kaizen's schema in place; rejects otherwise. */
  checkDatabase: () => Promise<void>;
  /** True once shutdown began: the instance should get no new traffic. */
  draining: () => boolean;
  timeoutMs?: number;
}

/**
 * /healthz: the process serves HTTP (liveness, never touches the database, so a database outage does not
 * get healthy instances restarted). /readyz: the database is reachable and migrated, within a deadline,
 * and the server is not shutting down (readiness: whether to route traffic here).
 */
export function healthRoutes(options: HealthOptions): Router {
  const router = Router();
  const timeoutMs = options.timeoutMs ?? 2_000;

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (options.draining()) {
      res.status(503).json({ status: 'draining', database: 'unknown' });
      return;
    }
    const started = Date.now();
    try {
      await withTimeout(options.checkDatabase(), timeoutMs);
      res.json({ status: 'ready', database: 'ok', ms: Date.now() - started });
    } catch (error) {
      // The detail (driver code, statement name) goes to the log; the probe's body says only what failed.
      const timedOut = error instanceof DeadlineError;
      req.log?.warn({ reason: timedOut ? 'timeout' : 'error', code: (error as { code?: unknown }).code }, 'not ready: database check failed');
      res.status(503).json({
        status: 'unavailable',
        database: 'unreachable',
        error: timedOut ? `no answer from the database within ${timeoutMs} ms` : 'the database check failed; see the server log',
      });
    }
  });
  return router;
}

class DeadlineError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer from the database within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
