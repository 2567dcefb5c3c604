/**
 * Time to first answer over stdio, as a client that spawns kaizen-mcp meets it: from spawn to the
 * initialize result (answered before the embedded database has opened), and to the first tool result
 * (which waits for it). On a fresh data directory (the database is created and migrated) and on the
 * same directory again.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export interface FirstAnswer {
  initializeMs: number;
  firstToolMs: number;
}

export async function firstAnswer(server: string, env: Record<string, string>): Promise<FirstAnswer> {
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [server],
    env: { PATH: process.env.PATH ?? '', KAIZEN_LOG_LEVEL: 'warn', ...env },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'kaizen-bench-first-answer', version: '1.0.0' });
  await client.connect(transport);
  const initializeMs = performance.now() - started;
  const result = await client.callTool({ name: 'get_namespaces', arguments: {} });
  const firstToolMs = performance.now() - started;
  await client.close();
  if (result.isError) throw new Error(`get_namespaces failed: ${JSON.stringify(result.content)}`);
  return { initializeMs, firstToolMs };
}
