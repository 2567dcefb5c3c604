import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';

/** The protocol eras every suite runs with: a 2025-11-25 client (SDK 1.x) and a 2026-07-28 one (SDK v2). */
export const ERAS = ['2025-11-25', '2026-07-28'] as const;
export type Era = (typeof ERAS)[number];

/**
 * A connected client of the era: SDK 1.x for 2025-11-25, SDK v2 pinned to 2026-07-28. The two share the
 * calls the suites make (callTool, listTools, readResource, ...), so suites type it as the 1.x Client.
 */
export async function connectEra(era: Era, env: Record<string, string>, name = 'kaizen-e2e'): Promise<Client> {
  if (era === '2025-11-25') return connectStdio(env, name);
  const client = new ModernClient({ name, version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await connectExplaining((env) => new ModernStdioTransport(env), env, (t) => client.connect(t));
  if (client.getProtocolEra() !== 'modern') throw new Error('the 2026-07-28 client did not negotiate the modern era');
  return client as unknown as Client;
}

export const SERVER = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface PipedTransport {
  stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null;
}

/**
 * Spawns the built kaizen-mcp through `make` (either SDK line's stdio transport) and connects. If the
 * server dies before answering, the error carries what it wrote on stderr, so a failed start explains
 * itself. Returns a reader of the latest stderr.
 */
async function connectExplaining<T extends PipedTransport>(
  make: (params: { command: string; args: string[]; env: Record<string, string>; stderr: 'pipe' }) => T,
  env: Record<string, string>,
  connect: (transport: T) => Promise<void>,
): Promise<() => string> {
  const transport = make({ command: process.execPath, args: [SERVER], env: { PATH: process.env.PATH ?? '', KAIZEN_LOG_LEVEL: 'warn', KAIZEN_CONFIRM: 'never', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await connect(transport);
  } catch (error) {
    throw new Error(`kaizen-mcp did not start: ${(error as Error).message}\nstderr:\n${stderr}`);
  }
  return () => stderr;
}

/**
 * Starts the built kaizen-mcp as a child process and connects the SDK Client to it. If the server dies
 * before answering, the error carries what it wrote on stderr, so a failed start explains itself.
 */
export async function connectStdio(env: Record<string, string>, name = 'kaizen-e2e', client?: Client): Promise<Client> {
  const connected = client ?? new Client({ name, version: '1.0.0' });
  const stderr = await connectExplaining((params) => new StdioClientTransport(params), env, (t) => connected.connect(t));
  // A server that dies mid-test shows up as "Connection closed" in the next call: say why, from its stderr.
  let closing = false;
  const close = connected.close.bind(connected);
  connected.close = async () => {
    closing = true;
    await close();
  };
  const onclose = connected.onclose;
  connected.onclose = () => {
    if (!closing) process.stderr.write(`kaizen-mcp closed the connection unasked; its stderr:\n${stderr()}\n`);
    onclose?.();
  };
  return connected;
}
