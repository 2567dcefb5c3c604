/** Drives the built stdio server with the SDK's Client, as an agent would, and times each call. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { newEntry, random, tasks } from './corpus.js';

export interface LatencyFigures {
  contextMs: number[];
  meanResults: number;
  writeMs: number[];
}

export async function measureOverStdio(
  server: string,
  env: Record<string, string>,
  options: { calls: number; warmup: number; writes: number },
): Promise<LatencyFigures> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [server],
    env: { PATH: process.env.PATH ?? '', KAIZEN_LOG_LEVEL: 'warn', ...env },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'kaizen-bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    const call = async (name: string, args: Record<string, unknown>) => {
      const started = performance.now();
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const ms = performance.now() - started;
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return { ms, result: result.structuredContent as Record<string, unknown> };
    };
    const list = tasks(Math.max(options.calls, options.warmup));
    for (const task of list.slice(0, options.warmup)) await call('get_task_context', task);
    const contextMs: number[] = [];
    let results = 0;
    for (let i = 0; i < options.calls; i++) {
      const { ms, result } = await call('get_task_context', list[i % list.length]!);
      contextMs.push(ms);
      results += (result.results as unknown[]).length;
    }
    const rand = random(99);
    const writeMs: number[] = [];
    for (let i = 0; i < options.writes; i++) writeMs.push((await call('write_knowledge', newEntry(i, rand))).ms);
    return { contextMs, meanResults: results / options.calls, writeMs };
  } finally {
    await client.close();
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}
