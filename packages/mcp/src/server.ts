import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { KaizenService } from '@kaizen/core';
import { isKaizenError } from '@kaizen/domain';
import { TOOLS } from './tools.js';

export const SERVER_NAME = 'kaizen';
export const SERVER_VERSION = '0.1.0';

export const SERVER_INSTRUCTIONS = `Kaizen is your team's memory: conventions, decisions and lessons, organised in scopes "namespace:scope" that inherit from each other.
- At the start of every task call get_task_context with 2-5 short queries (one per aspect of the task) and the project's scope; apply what it returns.
- When you learn something lasting (a convention, a decision, a fix for a recurring failure), store it with write_knowledge: one self-contained fact, with search terms in context.
- When entries contradict each other, keep the right one with resolve_knowledge_conflict.
- Don't know the scope? get_namespaces with style "long" lists them.`;

export interface KaizenMcpOptions {
  /** Called with unexpected (non-Kaizen) errors; the client only sees a short message. */
  onInternalError?: (error: unknown, tool: string) => void;
}

/** Builds an McpServer exposing Kaizen; connect it to any transport. */
export function createKaizenMcpServer(kaizen: KaizenService, options: KaizenMcpOptions = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Kaizen team memory', version: SERVER_VERSION },
    { instructions: SERVER_INSTRUCTIONS, capabilities: { logging: {} } },
  );

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
          return { structuredContent: output, content: [{ type: 'text', text: JSON.stringify(output) }] };
        } catch (error) {
          return toolError(error, tool.name, options);
        }
      },
    );
  }
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
