/**
 * What a misbehaving client sends over stdio never silences the server: every request gets an answer
 * (an id the JSON-RPC schema refuses, params as an array, a line that is not JSON, a message over the
 * 10 MB limit), and the server keeps serving afterwards.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER } from './harness.js';

type Reply = { id?: unknown; result?: unknown; error?: { code: number; message: string } };

describe('kaizen-mcp answers malformed stdio messages and stays up', () => {
  let proc: ChildProcessWithoutNullStreams;
  const replies: Reply[] = [];
  let waiters: (() => void)[] = [];
  let stderr = '';

  const send = (line: string) => proc.stdin.write(`${line}\n`);
  const next = async (match: (r: Reply) => boolean): Promise<Reply> => {
    for (;;) {
      const found = replies.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  beforeAll(async () => {
    proc = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH ?? '', KAIZEN_DATABASE_URL: 'memory://', KAIZEN_LOG_LEVEL: 'warn' } });
    let buffer = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        replies.push(JSON.parse(buffer.slice(0, nl)) as Reply);
        buffer = buffer.slice(nl + 1);
      }
      const ready = waiters;
      waiters = [];
      ready.forEach((w) => w());
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
    await next((r) => r.id === 1);
    send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  });
  afterAll(() => {
    proc?.kill();
  });

  it('answers an id of 1.5, params as an array and a line that is not JSON, each with an error', async () => {
    send('{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}');
    expect((await next((r) => r.error?.code === -32600 && /"id"/.test(r.error.message))).id).toBeNull();
    send('{"jsonrpc":"2.0","id":"p","method":"tools/call","params":["get_namespaces"]}');
    expect((await next((r) => r.id === 'p')).error).toMatchObject({ code: -32600, message: expect.stringMatching(/params/) });
    send('{not json');
    expect((await next((r) => r.error?.code === -32700)).id).toBeNull();
  });

  it('refuses a message over 10 MB with an error naming its id, then keeps serving', async () => {
    const huge = 'x'.repeat(11 * 1024 * 1024);
    send(`{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"write_knowledge","arguments":{"content":"${huge}"}}}`);
    expect((await next((r) => r.id === 'big')).error).toMatchObject({ code: -32600, message: expect.stringMatching(/larger than 10 MB/) });
    send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(((await next((r) => r.id === 2)).result as { tools: unknown[] }).tools).toHaveLength(12);
    expect(proc.exitCode).toBeNull();
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
