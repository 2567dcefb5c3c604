/**
 * The MCP surface of Kaizen on the SDK's v2 McpServer, for both protocol eras. A surface is built once
 * per process; its `createServer` is the factory the SDK's serving entries call (per connection on
 * stdio, per request or per 2025 session on HTTP). Every handler is registered through the seam.
 */
import { McpServer, type McpRequestContext } from '@modelcontextprotocol/server';
import type { ConnectionInfo } from './call-context.js';
import { ConsentGate, type ConsentOptions } from './consent.js';
import { SubscriptionHub } from './hub.js';
import { SessionLog } from './logging.js';
import { registerPrompts } from './prompts.js';
import { DEFAULT_RESOURCE_PAGE_SIZE, registerResources } from './resources.js';
import { OperationSeam, type KaizenSource, type SurfaceHooks } from './seam.js';
import { SessionSubscriptions } from './session-subscriptions.js';
import { taskContextText } from './task-context-text.js';
import { TOOLS } from './tools.js';
import type { GetTaskContextOutput } from '@kaizen/domain';

export const SERVER_NAME = 'kaizen';
export const SERVER_VERSION = '0.1.0';

export const SERVER_INSTRUCTIONS = `Kaizen is your team's memory: conventions, decisions and lessons, organised in scopes "namespace:scope" that inherit from each other.
- At the start of every task call get_task_context with 2-5 short queries (one per aspect of the task) and the project's scope; apply what it returns.
- When you learn something lasting (a convention, a decision, a fix for a recurring failure), store it with write_knowledge: one self-contained fact, with search terms in context. Check first with get_task_context: update a duplicate instead of adding one.
- When entries contradict each other, keep the right one with resolve_knowledge_conflict.
- The project's scope is usually in its agent instructions ("kaizen scope: acme:shop"). Otherwise get_namespaces with style "long" lists scopes; the setup_project prompt helps choose or create one.
- Resources: kaizen://namespaces (the tree), kaizen://scopes/{scope} (a scope's chain and entries), kaizen://knowledge/{id} (one entry). Prompts: start_task, teach, learn_from_failure, resolve_conflicts, setup_project, optimize_entry.`;

/**
 * 2026-07-28 cache hints, chosen per list: the tool, prompt and template lists change only with a new
 * server version, so clients and shared caches may keep them an hour; resource lists and reads change with
 * every write (subscribe to hear of it) and may carry what only this caller sees: not cached.
 */
const STATIC = { ttlMs: 3_600_000, cacheScope: 'public' } as const;
const LIVE = { ttlMs: 0, cacheScope: 'private' } as const;
export const CACHE_HINTS = {
  'tools/list': STATIC,
  'prompts/list': STATIC,
  'resources/templates/list': STATIC,
  'server/discover': { ttlMs: 600_000, cacheScope: 'public' },
  'resources/list': LIVE,
  'resources/read': LIVE,
} as const;

export interface KaizenSurfaceOptions extends SurfaceHooks {
  /** Consent for destructive calls (KAIZEN_CONFIRM, KAIZEN_CONFIRM_SECRET); default: ask. */
  consent?: ConsentOptions;
  /** Resources per resources/list page (default 100). */
  resourcePageSize?: number;
  /** Reported in serverInfo: the app's package.json version. */
  version?: string;
}

export interface KaizenSurface {
  /** The factory for serveStdio, createMcpHandler and 2025-era HTTP sessions. */
  createServer(request?: Partial<McpRequestContext>, connection?: ConnectionInfo): McpServer;
  /** The process's subscription index: serving entries watch URIs for 2026-era listen streams here. */
  readonly hub: SubscriptionHub;
  close(): void;
}

export function createKaizenSurface(kaizen: KaizenSource, options: KaizenSurfaceOptions = {}): KaizenSurface {
  const hub = new SubscriptionHub(kaizen);
  const consent = new ConsentGate(options.consent);
  const pageSize = Math.max(1, Math.floor(options.resourcePageSize ?? DEFAULT_RESOURCE_PAGE_SIZE));
  const hooks: SurfaceHooks = {
    onOperation: options.onOperation,
    onInternalError: options.onInternalError,
    authorize: options.authorize,
  };
  return {
    hub,
    close: () => hub.close(),
    createServer(request = {}, connection = {}) {
      const server = new McpServer(
        { name: SERVER_NAME, title: 'Kaizen team memory', version: options.version ?? SERVER_VERSION },
        {
          instructions: SERVER_INSTRUCTIONS,
          capabilities: { logging: {}, resources: { subscribe: true, listChanged: true } },
          cacheHints: CACHE_HINTS,
        },
      );
      const seam = new OperationSeam(server, kaizen, connection, new SessionLog(server), hooks, consent);
      for (const tool of TOOLS) {
        seam.tool(
          tool.name,
          {
            title: tool.title,
            description: tool.description,
            inputSchema: passThrough(tool.input),
            outputSchema: tool.output,
            annotations: { title: tool.title, ...tool.annotations },
          },
          { writes: !tool.annotations.readOnlyHint, scope: tool.scope },
          async (k, args, ctx) => {
            const output = await tool.run(k, args as never, ctx);
            const text = tool.name === 'get_task_context' ? taskContextText(output as GetTaskContextOutput) : JSON.stringify(output);
            return { structured: output, text };
          },
        );
      }
      const legacy = request.era !== 'modern';
      const subscriptions = legacy ? new SessionSubscriptions(server, hub) : undefined;
      registerResources(seam, pageSize, (principal) => subscriptions?.interested(principal));
      subscriptions?.install(seam);
      registerPrompts(seam);
      if (subscriptions) {
        const previous = server.server.onclose;
        server.server.onclose = () => {
          subscriptions.close();
          previous?.();
        };
      }
      return server;
    },
  };
}

/** Kept for embedding and tests: one 2025-era server over its own surface. */
export function createKaizenMcpServer(kaizen: KaizenSource, options: KaizenSurfaceOptions = {}): McpServer {
  return createKaizenSurface(kaizen, options).createServer({ era: 'legacy' });
}

/**
 * The tool's JSON Schema for tools/list, but no validation by the SDK: the core validates every input
 * with the same schema and answers with its own messages (field, what to fix), whatever the surface.
 */
function passThrough(schema: { '~standard': { jsonSchema: unknown } }) {
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'kaizen',
      validate: (value: unknown) => ({ value }),
      jsonSchema: schema['~standard'].jsonSchema,
    },
  } as never;
}
