/**
 * Kaizen's prompts (slash commands in most clients). Each reads the store when it is fetched, so the
 * text carries the scope's real inheritance chain, entries or namespaces, and adapts to what exists.
 */
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import type { ChainLink, KaizenService } from '@kaizen/core';
import { KnowledgeIdSchema, PromptTextSchema, QualifiedScopeSchema } from '@kaizen/domain';
import { protocolError } from './errors.js';
import type { SessionLog } from './logging.js';
import * as text from './prompt-texts.js';

export const PROMPT_NAMES = ['start_task', 'teach', 'learn_from_failure', 'resolve_conflicts', 'setup_project', 'optimize_entry'] as const;

/** Entries of the chain embedded in resolve_conflicts; beyond that the agent searches with get_task_context. */
export const CONFLICT_SCAN_LIMIT = 60;

export interface PromptOptions {
  log: SessionLog;
  onInternalError?: (error: unknown, what: string) => void;
}

export function registerPrompts(server: McpServer, kaizen: KaizenService, options: PromptOptions): void {
  const browse = kaizen.browse;
  // completable() marks the schema object itself, so every server gets fresh copies (describe() clones).
  const scopeArg = (description: string) =>
    completable(QualifiedScopeSchema.describe(description), (value) => browse.completeScope(value));
  const textArg = (description: string) => PromptTextSchema.describe(description);

  const run = async (name: string, produce: () => Promise<string>): Promise<GetPromptResult> => {
    try {
      const body = await produce();
      options.log.send('debug', `prompt ${name}`);
      return { messages: [{ role: 'user', content: { type: 'text', text: body } }] };
    } catch (error) {
      options.log.send('warning', `prompt ${name} failed`, { error: String((error as Error).message) });
      throw protocolError(error, `prompt ${name}`, { onInternalError: options.onInternalError });
    }
  };

  server.registerPrompt(
    'start_task',
    {
      title: 'Start a task with team knowledge',
      description: 'Plan focused queries, fetch the team knowledge that applies (get_task_context) and apply it.',
      argsSchema: { task: textArg('What you are about to do.'), scope: scopeArg('The project scope, "namespace:name".') },
    },
    (args) => run('start_task', async () => text.startTask(args.task, await chain(args.scope))),
  );

  server.registerPrompt(
    'teach',
    {
      title: 'Teach Kaizen',
      description: 'A teaching session: turn what the user explains into well-formed entries, checking duplicates and conflicts first.',
      argsSchema: { scope: scopeArg('Where the knowledge applies, "namespace:name".'), topic: PromptTextSchema.optional().describe('What the session is about (optional).') },
    },
    (args) => run('teach', async () => text.teach(await chain(args.scope), args.topic)),
  );

  server.registerPrompt(
    'learn_from_failure',
    {
      title: 'Learn from a failure',
      description: 'Find the root cause, propose a prevention rule for approval, store it and retire older guidance it contradicts.',
      argsSchema: { scope: scopeArg('Where the rule applies, "namespace:name".'), failure: textArg('What failed, and how it showed.') },
    },
    (args) => run('learn_from_failure', async () => text.learnFromFailure(await chain(args.scope), args.failure)),
  );

  server.registerPrompt(
    'resolve_conflicts',
    {
      title: 'Resolve conflicting knowledge',
      description: "Find contradictory entries in a scope's chain and walk the user through resolving them.",
      argsSchema: { scope: scopeArg('The scope whose chain to review, "namespace:name".') },
    },
    (args) =>
      run('resolve_conflicts', async () => {
        const links = await chain(args.scope);
        const entries = [];
        for (const link of links) {
          if (entries.length >= CONFLICT_SCAN_LIMIT) break;
          const page = await browse.knowledgePage({ limit: CONFLICT_SCAN_LIMIT - entries.length, scope: link.scope });
          entries.push(...page.filter((k) => !k.suppressed));
        }
        return text.resolveConflicts(links, entries, CONFLICT_SCAN_LIMIT);
      }),
  );

  server.registerPrompt(
    'setup_project',
    {
      title: 'Set up a project in Kaizen',
      description: 'Choose or create the namespace and scope for a project, and print the line for its agent instructions.',
      argsSchema: { project: textArg('The project: what it is, which organisation or product it belongs to, its stack.') },
    },
    (args) => run('setup_project', async () => text.setupProject(args.project, await browse.namespaceTree())),
  );

  server.registerPrompt(
    'optimize_entry',
    {
      title: 'Optimize an entry for retrieval',
      description: "Rewrite an entry's content and context so that get_task_context finds it for the right tasks.",
      argsSchema: {
        id: completable(KnowledgeIdSchema.describe('The entry id.'), (value) => browse.completeKnowledgeId(value)),
      },
    },
    (args) => run('optimize_entry', async () => text.optimizeEntry(await browse.knowledge(args.id))),
  );

  async function chain(scope: string): Promise<ChainLink[]> {
    return browse.scopeChain(scope);
  }
}
