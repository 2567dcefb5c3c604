import type { ServerResponse } from 'node:http';

export { listen } from '../../src/testing/authorization-server.js';

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The AuthFailure a promise rejects with (undefined if it resolves). */
export async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    return (e as { reason?: string }).reason ?? `not an AuthError: ${String(e)}`;
  }
}
