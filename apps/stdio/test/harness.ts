import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const SERVER = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * Starts the built kaizen-mcp as a child process and connects the SDK Client to it. If the server dies
 * before answering, the error carries what it wrote on stderr, so a failed start explains itself.
 */
export async function connectStdio(env: Record<string, string>, name = 'kaizen-e2e', client?: Client): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER],
    env: { PATH: process.env.PATH ?? '', KAIZEN_LOG_LEVEL: 'warn', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const connected = client ?? new Client({ name, version: '1.0.0' });
  try {
    await connected.connect(transport);
  } catch (error) {
    throw new Error(`kaizen-mcp did not start: ${(error as Error).message}\nstderr:\n${stderr}`);
  }
  // A server that dies mid-test shows up as "Connection closed" in the next call: say why, from its stderr.
  let closing = false;
  const close = connected.close.bind(connected);
  connected.close = async () => {
    closing = true;
    await close();
  };
  const onclose = connected.onclose;
  connected.onclose = () => {
    if (!closing) process.stderr.write(`kaizen-mcp closed the connection unasked; its stderr:\n${stderr}\n`);
    onclose?.();
  };
  return connected;
}
