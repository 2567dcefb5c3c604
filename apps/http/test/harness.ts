/**
 * Test harness: the BUILT kaizen-http as a child process on an ephemeral loopback port, and SDK clients
 * over the real HTTP transports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';

export const SERVER = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  mcp: URL;
  proc: ChildProcess;
  /** Parsed JSON log lines written so far. */
  logs: Record<string, unknown>[];
  /** Waits for a log line matching the predicate. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const proc = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', KAIZEN_HTTP_PORT: '0', KAIZEN_LOG_LEVEL: 'info', KAIZEN_CONFIRM: 'never', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  let buffer = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        for (const w of [...waiters]) {
          if (w.match(parsed)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(parsed);
          }
        }
      } catch {
        // not a log line (e.g. a start-up failure message); kept in stderr
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const waitForLog = (match: (l: Record<string, unknown>) => boolean, timeoutMs = 45_000) => {
    const found = logs.find(match);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`log line not seen; stderr:\n${stderr.slice(-2000)}`)), timeoutMs);
      waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then((code) => reject(new Error(`kaizen-http exited with ${code}; stderr:\n${stderr.slice(-2000)}`)));
    });
  };
  const ready = await waitForLog((l) => l.msg === 'kaizen-http listening');
  const mcp = new URL(String(ready.url));
  return {
    url: mcp.origin,
    mcp,
    proc,
    logs,
    waitForLog,
    exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function connectStreamable(server: RunningServer, options: StreamableHTTPClientTransportOptions = {}) {
  const transport = new StreamableHTTPClientTransport(server.mcp, options);
  const client = new Client({ name: 'kaizen-http-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A 2026-07-28 client (SDK v2, pinned: no initialize, no session). */
export async function connectModern(url: URL) {
  const client = new ModernClient({ name: 'kaizen-http-e2e-2026', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new ModernHttpTransport(url));
  return client;
}

export async function connectSse(server: RunningServer) {
  const transport = new SSEClientTransport(new URL('/sse', server.url));
  const client = new Client({ name: 'kaizen-http-e2e-sse', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

type Json = Record<string, unknown>;
export async function call(client: Client, name: string, args: Json): Promise<Json> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  // get_task_context's text is written for a model; every other tool's text is its JSON.
  if (name !== 'get_task_context') expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
  return result.structuredContent as Json;
}

/** A raw JSON-RPC POST, for what the SDK client would never send. */
export async function post(server: RunningServer, body: unknown, headers: Record<string, string> = {}) {
  return fetch(server.mcp, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
};

/** A POST through node:http, which (unlike fetch) lets a test forge the Host header. */
export function postWithHost(server: RunningServer, host: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      server.mcp,
      {
        method: 'POST',
        headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function errorOf(res: Response): Promise<{ code: number; message: string }> {
  const reply = (await res.json()) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  expect(reply).toMatchObject({ jsonrpc: '2.0', id: null });
  return reply.error;
}
