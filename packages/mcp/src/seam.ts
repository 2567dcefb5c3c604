/**
 * The one instrumentation seam: every tool call, resource read, prompt get, completion and the few raw
 * request handlers Kaizen installs pass through `run`, which builds the CallContext, waits for the
 * database, runs the use case, maps errors with the one mapper, logs once to the session, and reports
 * the operation to the host's hooks (where authorization, metrics and tracing plug in). The McpServer
 * stays private to this file's callers: nothing registers a handler any other way.
 */
import {
  ResourceTemplate,
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
  type RequestMethod,
  type RequestTypeMap,
  type ResultTypeMap,
  type ServerContext,
  type StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import type { CallContext, KaizenService } from '@kaizen/core';
import { KaizenError } from '@kaizen/domain';
import type { ConsentGate } from './consent.js';
import { scopeAllows, type RequiredScope } from './tools.js';
import { callContextFrom, type ConnectionInfo } from './call-context.js';
import { toClientError, toProtocolError, type ClientError } from './client-errors.js';
import type { SessionLog } from './logging.js';

type RequestParams<M extends RequestMethod> = NonNullable<RequestTypeMap[M]['params']>;
type RequestResult<M extends RequestMethod> = ResultTypeMap[M];

export type OperationKind = 'tool' | 'resource' | 'prompt' | 'completion' | 'request';

export interface Operation {
  kind: OperationKind;
  /** Tool or prompt name, resource template name, completion argument, or JSON-RPC method. */
  name: string;
  /** Changes data: logged at info to the session (reads at debug). */
  writes?: boolean;
  /** The OAuth scope the caller needs (reads: kaizen:read). */
  scope?: RequiredScope;
}

export interface OperationReport {
  operation: Operation;
  ctx: CallContext;
  /** denied: the caller lacks the rights (FORBIDDEN); refused: bad input, missing entity; error: our failure. */
  outcome: 'ok' | 'refused' | 'denied' | 'error';
  /** The KaizenError code of a refusal. */
  code?: string;
  /** A tool's arguments as the client sent them (for the audit trail's targets; never logged whole). */
  args?: unknown;
  durationMs: number;
}

/** What the host (an app) plugs into the seam. */
export interface SurfaceHooks {
  /** Once per operation, after it ended: metrics, spans and audit hook in here. */
  onOperation?: (report: OperationReport) => void;
  /** Authorization, before the use case runs: throw (a FORBIDDEN KaizenError) to refuse the call. */
  authorize?: (operation: Operation, ctx: CallContext) => void | Promise<void>;
  /** Unexpected failures (not a KaizenError refusal), with their full detail: for the host's log only. */
  onInternalError?: (error: unknown, operation: Operation, ctx: CallContext) => void;
}

/** The core, or the promise of it while the database opens (the server answers discovery meanwhile). */
export type KaizenSource = KaizenService | Promise<KaizenService>;

const describeOp = (op: Operation) => (op.kind === 'tool' || op.kind === 'request' ? op.name : `${op.kind} ${op.name}`);

export class OperationSeam {
  constructor(
    private readonly server: McpServer,
    private readonly kaizen: KaizenSource,
    private readonly connection: ConnectionInfo,
    private readonly log: SessionLog,
    private readonly hooks: SurfaceHooks,
    private readonly consent?: ConsentGate,
  ) {}

  /** Runs one operation; throws the mapped client error (a ProtocolError) when it fails. */
  async run<T>(op: Operation, sdk: ServerContext | undefined, body: (kaizen: KaizenService, ctx: CallContext) => Promise<T>): Promise<T> {
    const outcome = await this.attempt(op, sdk, body);
    if (outcome.ok) return outcome.value;
    throw toProtocolError(outcome.error);
  }

  private async attempt<T>(
    op: Operation,
    sdk: ServerContext | undefined,
    body: (kaizen: KaizenService, ctx: CallContext) => Promise<T>,
    args?: unknown,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ClientError }> {
    const started = performance.now();
    const ctx = callContextFrom(this.server, sdk, this.connection);
    const modern = ctx.client.era === 'modern';
    try {
      if (op.scope && !scopeAllows(ctx.principal.scopes, op.scope)) {
        throw new KaizenError('FORBIDDEN', `${op.name} needs the ${op.scope} scope, which this caller's token lacks; ask the authorization server for it.`);
      }
      await this.hooks.authorize?.(op, ctx);
      const value = await body(await this.kaizen, ctx);
      this.log.send(sdk, modern, op.writes ? 'info' : 'debug', `${describeOp(op)} ok`);
      this.report({ operation: op, ctx, outcome: 'ok', args }, started);
      return { ok: true, value };
    } catch (error) {
      const mapped = toClientError(error, describeOp(op));
      if (!mapped.refused) this.hooks.onInternalError?.(error, op, ctx);
      this.log.send(sdk, modern, mapped.refused ? 'warning' : 'error', `${describeOp(op)} failed: ${mapped.text}`);
      const code = (error as { code?: unknown }).code;
      const outcome = !mapped.refused ? 'error' : code === 'FORBIDDEN' ? 'denied' : 'refused';
      this.report({ operation: op, ctx, outcome, args, ...(typeof code === 'string' && { code }) }, started);
      return { ok: false, error: mapped };
    }
  }

  private report(report: Omit<OperationReport, 'durationMs'>, started: number) {
    try {
      this.hooks.onOperation?.({ ...report, durationMs: performance.now() - started });
    } catch {
      // A failing hook must not fail the call.
    }
  }

  /** A tool whose errors come back as `isError` results (what agents read), not protocol errors. */
  tool(
    name: string,
    config: { title: string; description: string; inputSchema: StandardSchemaWithJSON; outputSchema: StandardSchemaWithJSON; annotations: Record<string, unknown> },
    access: { writes: boolean; scope: RequiredScope },
    body: (kaizen: KaizenService, args: unknown, ctx: CallContext) => Promise<{ structured: Record<string, unknown>; text: string }>,
  ): void {
    const op: Operation = { kind: 'tool', name, ...access };
    // tools/list shows only what the caller's scopes allow (a session's or a request's principal).
    if (this.connection.principal && !scopeAllows(this.connection.principal.scopes, access.scope)) return;
    this.server.registerTool(name, config, async (args: unknown, sdk: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
      const outcome = await this.attempt(
        op,
        sdk,
        async (kaizen, ctx) => {
          // Destructive calls wait for the person's consent (an input-required round, or a confirm token).
          const gate = await this.consent?.check(name, (args ?? {}) as Record<string, unknown>, kaizen, ctx, sdk);
          if (gate instanceof KaizenError) throw gate;
          if (gate) return { inputRequired: gate };
          return body(kaizen, args, ctx);
        },
        args,
      );
      if (outcome.ok) {
        const value = outcome.value;
        if ('inputRequired' in value) return value.inputRequired;
        return { structuredContent: value.structured, content: [{ type: 'text', text: value.text }] };
      }
      return { isError: true, content: [{ type: 'text', text: outcome.error.text }] };
    });
  }

  resource(
    name: string,
    uriOrTemplate: string | { template: string; complete: Record<string, (kaizen: KaizenService, value: string, ctx: CallContext) => Promise<string[]>> },
    metadata: { title: string; description: string; mimeType: string },
    read: (kaizen: KaizenService, uri: URL, vars: Record<string, string | string[]>, ctx: CallContext) => Promise<{ mimeType: string; text: string }>,
  ): void {
    const op: Operation = { kind: 'resource', name, scope: 'kaizen:read' };
    const reader = async (uri: URL, vars: Record<string, string | string[]>, sdk: ServerContext) => {
      const content = await this.run(op, sdk, (kaizen, ctx) => read(kaizen, uri, vars, ctx));
      return { contents: [{ uri: uri.href, ...content }] };
    };
    if (typeof uriOrTemplate === 'string') {
      this.server.registerResource(name, uriOrTemplate, metadata, (uri, sdk) => reader(uri, {}, sdk));
      return;
    }
    const complete = Object.fromEntries(Object.entries(uriOrTemplate.complete).map(([arg, fn]) => [arg, this.completion(arg, fn)]));
    const template = new ResourceTemplate(uriOrTemplate.template, { list: undefined, complete });
    this.server.registerResource(name, template, metadata, (uri, vars, sdk) => reader(uri, vars, sdk));
  }

  /** A completion callback: failures (a prefix the store refuses) complete nothing instead of erroring. */
  completion(name: string, fn: (kaizen: KaizenService, value: string, ctx: CallContext) => Promise<string[]>): (value: string) => Promise<string[]> {
    const op: Operation = { kind: 'completion', name, scope: 'kaizen:read' };
    return async (value: string) => {
      const outcome = await this.attempt(op, undefined, (kaizen, ctx) => fn(kaizen, value, ctx));
      return outcome.ok ? outcome.value : [];
    };
  }

  /**
   * A raw request handler, for what McpServer's registration API does not cover (paged resources/list,
   * strict resources/read, 2025-era subscribe/unsubscribe).
   */
  request<M extends 'resources/list' | 'resources/read' | 'resources/subscribe' | 'resources/unsubscribe'>(
    method: M,
    body: (kaizen: KaizenService, params: RequestParams<M>, ctx: CallContext) => Promise<RequestResult<M>>,
  ): void {
    const op: Operation = { kind: 'request', name: method, scope: 'kaizen:read' };
    const handler = (request: { params?: unknown }, sdk: ServerContext) =>
      this.run(op, sdk, (kaizen, ctx) => body(kaizen, (request.params ?? {}) as RequestParams<M>, ctx));
    this.server.server.setRequestHandler(method as 'resources/list', handler as never);
  }

  prompt<Args extends StandardSchemaWithJSON>(
    name: string,
    config: { title: string; description: string; argsSchema: Args },
    produce: (kaizen: KaizenService, args: StandardSchemaWithJSON.InferOutput<Args>, ctx: CallContext) => Promise<string>,
  ): void {
    const op: Operation = { kind: 'prompt', name, scope: 'kaizen:read' };
    this.server.registerPrompt(name, config, (async (args: StandardSchemaWithJSON.InferOutput<Args>, sdk: ServerContext) => {
      const text = await this.run(op, sdk, (kaizen, ctx) => produce(kaizen, args, ctx));
      return { messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
    }) as never);
  }
}
