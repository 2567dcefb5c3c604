/**
 * CallContext: what a transport knows about one call, handed to every use case as `(input, ctx)`.
 * No SDK types here: the MCP surface, the CLI and embedding apps each build one their own way.
 */
import { randomUUID } from 'node:crypto';
import { cancelledError } from '@kaizen/domain';

/** Who calls. The identity work fills `user:` / `key:` principals; stdio and the CLI are the local owner. */
export interface Principal {
  /** `local` (stdio, CLI), `anonymous` (HTTP without authentication), `user:<sub>`, `key:<id>`. */
  readonly id: string;
  /** OAuth scopes granted to the caller (`kaizen:read` ...); the local owner holds every one. */
  readonly scopes: readonly string[];
  /** Groups the identity provider says the caller belongs to (`group:<name>` grants apply to it). */
  readonly groups?: readonly string[];
  /** The OAuth client acting for the caller (`azp` / `client_id`), for the audit trail. */
  readonly clientId?: string;
}

/** Which MCP protocol family the client speaks: 2025-era (initialize, sessions) or 2026-07-28 (stateless). */
export type ProtocolEra = 'legacy' | 'modern';

/** What the calling client can do for the server. */
export interface ClientAbilities {
  /** Absent when the caller is not an MCP client (CLI, embedding app). */
  readonly era?: ProtocolEra;
  readonly protocolVersion?: string;
  readonly name?: string;
  /** The client answers elicitation (asks its user). */
  readonly elicit: boolean;
  /** The client answers sampling (asks its model). */
  readonly sample: boolean;
}

/** W3C trace context of the caller, when it sent one (HTTP header or `_meta.traceparent`). */
export interface TraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export type Surface = 'mcp' | 'cli' | 'embedded';

export interface CallContext {
  readonly principal: Principal;
  /** Correlates the call's log lines, spans and audit rows; the HTTP request id when there is one. */
  readonly requestId: string;
  /** Aborted when the client cancels or disconnects; long use cases (search, import, export) stop on it. */
  readonly signal: AbortSignal;
  readonly trace: TraceContext;
  readonly client: ClientAbilities;
  /** Which surface built the context: errors get that surface's next-step hints. */
  readonly surface: Surface;
}

export const LOCAL_PRINCIPAL: Principal = Object.freeze({ id: 'local', scopes: Object.freeze(['kaizen:admin', 'kaizen:write', 'kaizen:read']) });
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({ id: 'anonymous', scopes: Object.freeze(['kaizen:admin', 'kaizen:write', 'kaizen:read']) });

const NO_CLIENT: ClientAbilities = Object.freeze({ elicit: false, sample: false });
const NEVER_ABORTED = new AbortController().signal;

/** A context with defaults for what the caller does not know: local principal, fresh id, no cancellation. */
export function createCallContext(partial: Partial<CallContext> = {}): CallContext {
  return {
    principal: partial.principal ?? LOCAL_PRINCIPAL,
    requestId: partial.requestId ?? randomUUID(),
    signal: partial.signal ?? NEVER_ABORTED,
    trace: partial.trace ?? {},
    client: partial.client ?? NO_CLIENT,
    surface: partial.surface ?? 'embedded',
  };
}

/**
 * Stops a use case whose caller cancelled: throws KaizenError CANCELLED ("search was cancelled.").
 * Long use cases call it between statements, pages and batches; it costs a property read.
 */
export function throwIfCancelled(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw cancelledError(operation);
}
