import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server on a free port; the handler can be set after the port is known. */
export async function listen(handler?: (req: IncomingMessage, res: ServerResponse) => void) {
  let current = handler;
  const server: Server = createServer((req, res) => (current ? current(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setHandler: (h: (req: IncomingMessage, res: ServerResponse) => void) => (current = h),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
