/**
 * Builds the core's CallContext from what the SDK hands a handler: the request's `_meta` envelope
 * (2026-07-28) or the session's initialize handshake (2025), its abort signal, its trace context.
 */
import { CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY, TRACEPARENT_META_KEY, TRACESTATE_META_KEY } from '@modelcontextprotocol/server';
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { ANONYMOUS_PRINCIPAL, createCallContext, LOCAL_PRINCIPAL, type CallContext, type Principal } from '@kaizen/core';

/** What the serving entry knows about the connection an instance serves. */
export interface ConnectionInfo {
  /** stdio: the local owner; HTTP: whoever authenticated (anonymous until identity lands). */
  principal?: Principal;
  /** Correlation id of the HTTP request (X-Request-Id) when there is one. */
  requestId?: string;
}

type Meta = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined);

export function callContextFrom(server: McpServer, sdk: ServerContext | undefined, connection: ConnectionInfo): CallContext {
  const meta = (sdk?.mcpReq._meta ?? {}) as Meta;
  // The SDK moves the reserved io.modelcontextprotocol/* keys of a 2026-07-28 request into `envelope`.
  const envelope = { ...meta, ...((sdk?.mcpReq.envelope ?? {}) as Meta) };
  const negotiated = server.server.getNegotiatedProtocolVersion?.();
  const modernVersion = str(envelope[PROTOCOL_VERSION_META_KEY]) ?? (negotiated && negotiated >= '2026' ? negotiated : undefined);
  const caps = (modernVersion ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.server.getClientCapabilities()) as
    | { elicitation?: unknown; sampling?: unknown }
    | undefined;
  const header = (name: string) => str(sdk?.http?.req?.headers.get(name) ?? undefined);
  const traceparent = str(meta[TRACEPARENT_META_KEY]) ?? header('traceparent');
  const tracestate = str(meta[TRACESTATE_META_KEY]) ?? header('tracestate');
  return createCallContext({
    // Each HTTP request carries its own verified principal (a 2025 session's requests too).
    principal: principalOf(sdk) ?? connection.principal ?? (sdk?.http ? ANONYMOUS_PRINCIPAL : LOCAL_PRINCIPAL),
    requestId: connection.requestId ?? header('x-request-id') ?? (sdk ? `mcp-${String(sdk.mcpReq.id)}` : undefined),
    signal: sdk?.mcpReq.signal,
    trace: { ...(traceparent && { traceparent }), ...(tracestate && { tracestate }) },
    client: {
      era: modernVersion ? 'modern' : 'legacy',
      protocolVersion: modernVersion ?? negotiated ?? undefined,
      name: server.server.getClientVersion()?.name,
      elicit: Boolean(caps?.elicitation),
      sample: Boolean(caps?.sampling),
    },
    surface: 'mcp',
  });
}

/** The principal an HTTP host verified and passed as the request's `authInfo.extra.principal`. */
export function principalOf(sdk: ServerContext | undefined): Principal | undefined {
  const principal = (sdk?.http?.authInfo?.extra as { principal?: Principal } | undefined)?.principal;
  return principal && typeof principal.id === 'string' && Array.isArray(principal.scopes) ? principal : undefined;
}
