/**
 * The stdio transport Kaizen hands to serveStdio. Unlike the SDK's, it never lets a client's mistake
 * end the connection or go unanswered: a line over the size limit is skipped (and answered), a line
 * that is not JSON gets a parse error, and a request whose envelope fails JSON-RPC (an `id` of 1.5,
 * params that are an array) gets an Invalid Request error carrying its id where it has a usable one,
 * so the client does not wait for its timeout. It also tells the host which resources a 2026-era
 * `subscriptions/listen` asks for.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

/** The SDK's default read buffer (10 MB); a knowledge entry is a few KB. */
export const MAX_STDIO_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface StdioListenHooks {
  /** A subscriptions/listen request arrived asking for these resource URIs. */
  onListen?: (requestId: string | number, uris: string[]) => void;
  /** The client cancelled a request (a listen stream among them). */
  onCancel?: (requestId: string | number) => void;
  /** A message was refused before reaching the server (for the host's log; no client content). */
  onRefused?: (reason: string) => void;
  /** The connection ended (stdin closed, or the server closed it). */
  onClosed?: () => void;
}

type Id = string | number;
const isId = (v: unknown): v is Id => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class KaizenStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private lineBytes = 0;
  private skipping = false;
  private skippedHead = '';
  private closed = false;

  constructor(
    private readonly hooks: StdioListenHooks = {},
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly maxBytes = MAX_STDIO_MESSAGE_BYTES,
  ) {}

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    const ok = this.stdout.write(`${JSON.stringify(message)}\n`);
    if (!ok) await new Promise<void>((resolve) => this.stdout.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('error', this.onStreamError);
    this.chunks = [];
    this.onclose?.();
    this.hooks.onClosed?.();
  }

  private readonly onEnd = () => void this.close();
  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10)) {
      this.append(data.subarray(0, nl));
      this.endLine();
      data = data.subarray(nl + 1);
    }
    if (data.length > 0) this.append(data);
  };

  private append(part: Buffer): void {
    if (this.skipping) return;
    if (this.lineBytes + part.length > this.maxBytes) {
      // Keep the head only: it may carry the id to answer with.
      this.skippedHead = Buffer.concat([...this.chunks, part]).subarray(0, 256).toString('utf8');
      this.skipping = true;
      this.chunks = [];
      this.lineBytes = 0;
      return;
    }
    this.chunks.push(part);
    this.lineBytes += part.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.skipping = false;
      const id = /"id"\s*:\s*("(?:[^"\\]|\\.){0,128}"|-?\d{1,15})\s*[,}]/.exec(this.skippedHead)?.[1];
      this.skippedHead = '';
      this.refuse(id === undefined ? null : (JSON.parse(id) as Id), -32600, `Invalid Request: the message is larger than ${this.maxBytes / 1024 / 1024} MB; send smaller messages.`, 'oversized message');
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').trim();
    this.chunks = [];
    this.lineBytes = 0;
    if (line.length === 0) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.refuse(null, -32700, 'Parse error: the line is not valid JSON; send one JSON-RPC message per line.', 'not JSON');
      return;
    }
    const problem = envelopeProblem(message);
    if (problem) {
      const id = isObject(message) && isId(message.id) ? message.id : null;
      if (isObject(message) && !('method' in message) && !('id' in message)) return; // nothing to answer
      if (isObject(message) && 'method' in message && !('id' in message)) {
        this.hooks.onRefused?.(`notification: ${problem}`); // notifications get no answer, by JSON-RPC
        return;
      }
      this.refuse(id, -32600, `Invalid Request: ${problem}.`, problem);
      return;
    }
    const msg = message as Record<string, unknown>;
    if (msg.method === 'subscriptions/listen' && isId(msg.id)) {
      const uris = (msg.params as { notifications?: { resourceSubscriptions?: unknown } } | undefined)?.notifications?.resourceSubscriptions;
      if (Array.isArray(uris)) this.hooks.onListen?.(msg.id, uris.filter((u): u is string => typeof u === 'string'));
    }
    if (msg.method === 'notifications/cancelled') {
      const requestId = (msg.params as { requestId?: unknown } | undefined)?.requestId;
      if (isId(requestId)) this.hooks.onCancel?.(requestId);
    }
    this.onmessage?.(message as JSONRPCMessage);
  }

  private refuse(id: Id | null, code: number, text: string, reason: string): void {
    this.hooks.onRefused?.(reason);
    void this.send({ jsonrpc: '2.0', id, error: { code, message: text } } as unknown as JSONRPCMessage);
  }
}

/** Why a parsed line is not a JSON-RPC 2.0 message we can pass on; undefined when it is one. */
function envelopeProblem(message: unknown): string | undefined {
  if (!isObject(message)) return 'a JSON-RPC message is one JSON object (batches are not part of MCP over stdio)';
  if (message.jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"';
  if ('id' in message && !isId(message.id) && !(message.id === null && 'error' in message)) return '"id" must be a string or a whole number';
  if ('method' in message) {
    if (typeof message.method !== 'string') return '"method" must be a string';
    if ('params' in message && message.params !== undefined && !isObject(message.params)) return '"params" must be an object';
    return undefined;
  }
  if ('result' in message || 'error' in message) return undefined;
  return 'the message has neither "method" nor "result" nor "error"';
}
