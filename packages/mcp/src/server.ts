import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { KaizenService } from '@kaizen/core';
import { isKaizenError } from '@kaizen/domain';
import { SessionLog } from './logging.js';
import { registerPrompts } from './prompts.js';
import { DEFAULT_RESOURCE_PAGE_SIZE, registerResources } from './resources.js';
import { Subscriptions } from './subscriptions.js';
import { TOOLS } from './tools.js';

export const SERVER_NAME = 'kaizen';
export const SERVER_VERSION = '0.1.0';

export const SERVER_INSTRUCTIONS = `Kaizen is your team's memory: conventions, decisions and lessons, organised in scopes "namespace:scope" that inherit from each other.
- At the start of every task call get_task_context with 2-5 short queries (one per aspect of the task) and the project's scope; apply what it returns.
- When you learn something lasting (a convention, a decision, a fix for a recurring failure), store it with write_knowledge: one self-contained fact, with search terms in context. Check first with get_task_context: update a duplicate instead of adding one.
- When entries contradict each other, keep the right one with resolve_knowledge_conflict.
- The project's scope is usually in its agent instructions ("kaizen scope: acme:shop"). Otherwise get_namespaces with style "long" lists scopes; the setup_project prompt helps choose or create one.
- Resources: kaizen://namespaces (the tree), kaizen://scopes/{scope} (a scope's chain and entries), kaizen://knowledge/{id} (one entry). Prompts: start_task, teach, learn_from_failure, resolve_conflicts, setup_project, optimize_entry.`;

export interface KaizenMcpOptions {
  /**
   * Called with unexpected (non-Kaizen) errors and what failed: a tool name, "scope resource",
   * "prompt start_task", "resources/list". The client only sees a short message.
   */
  onInternalError?: (error: unknown, tool: string) => void;
  /** Resources per resources/list page (default 100). */
  resourcePageSize?: number;
}

/** Builds an McpServer exposing Kaizen; connect it to any transport. */
export function createKaizenMcpServer(kaizen: KaizenService, options: KaizenMcpOptions = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Kaizen team memory', version: SERVER_VERSION },
    { instructions: SERVER_INSTRUCTIONS, capabilities: { logging: {} } },
  );
  const log = new SessionLog(server);
  const onInternalError = options.onInternalError;

  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: unknown): Promise<CallToolResult> => {
        try {
          const output = await tool.run(kaizen, args);
          if (tool.annotations.readOnlyHint) log.send('debug', `${tool.name} ok`);
          else log.send('info', `${tool.name} ok`, { result: output });
          return { structuredContent: output, content: [{ type: 'text', text: JSON.stringify(output) }] };
        } catch (error) {
          const result = toolError(error, tool.name, options);
          const message = (result.content[0] as { text: string }).text;
          log.send(isKaizenError(error) ? 'warning' : 'error', `${tool.name} failed: ${message}`);
          return result;
        }
      },
    );
  }
  const pageSize = Math.max(1, Math.floor(options.resourcePageSize ?? DEFAULT_RESOURCE_PAGE_SIZE));
  registerResources(server, kaizen, { pageSize, log, onInternalError });
  registerPrompts(server, kaizen, { log, onInternalError });
  new Subscriptions(server, kaizen, log);
  return server;
}

function toolError(error: unknown, tool: string, options: KaizenMcpOptions): CallToolResult {
  if (isKaizenError(error)) {
    return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}` }] };
  }
  options.onInternalError?.(error, tool);
  return {
    isError: true,
    content: [{ type: 'text', text: `INTERNAL: ${tool} failed unexpectedly and changed nothing. Retry; if it persists, check the server logs.` }],
  };
}
