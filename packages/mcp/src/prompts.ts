import { completable } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { CallContext, ChainLink, KaizenService } from '@kaizen/core';
import { KnowledgeIdSchema, PromptTextSchema, QualifiedScopeSchema } from '@kaizen/domain';
import type { OperationSeam } from './seam.js';
import * as text from './prompt-texts.js';

export const PROMPT_NAMES = ['start_task', 'teach', 'learn_from_failure', 'resolve_conflicts', 'setup_project', 'optimize_entry'] as const;

/** Entries of the chain embedded in resolve_conflicts; beyond that the agent searches with get_task_context. */
export const CONFLICT_SCAN_LIMIT = 60;

export function registerPrompts(seam: OperationSeam): void {
  // completable() marks the schema object itself, so every server gets fresh copies (describe() clones).
  const scopeArg = (description: string) =>
    completable(QualifiedScopeSchema.describe(description), seam.completion('scope', (k, value, ctx) => k.browse.completeScope({ prefix: value }, ctx)));
  const textArg = (description: string) => PromptTextSchema.describe(description);
  const chain = (k: KaizenService, scope: string, ctx: CallContext): Promise<ChainLink[]> => k.browse.scopeChain({ scope }, ctx);

  seam.prompt(
    'start_task',
    {
      title: 'Start a task with team knowledge',
      description: 'Plan focused queries, fetch the team knowledge that applies (get_task_context) and apply it.',
      argsSchema: z.object({ task: textArg('What you are about to do.'), scope: scopeArg('The project scope, "namespace:name".') }),
    },
    async (k, args, ctx) => text.startTask(args.task, await chain(k, args.scope, ctx)),
  );

  seam.prompt(
    'teach',
    {
      title: 'Teach Kaizen',
      description: 'A teaching session: turn what the user explains into well-formed entries, checking duplicates and conflicts first.',
      argsSchema: z.object({ scope: scopeArg('Where the knowledge applies, "namespace:name".'), topic: PromptTextSchema.optional().describe('What the session is about (optional).') }),
    },
    async (k, args, ctx) => text.teach(await chain(k, args.scope, ctx), args.topic),
  );

  seam.prompt(
    'learn_from_failure',
    {
      title: 'Learn from a failure',
      description: 'Find the root cause, propose a prevention rule for approval, store it and retire older guidance it contradicts.',
      argsSchema: z.object({ scope: scopeArg('Where the rule applies, "namespace:name".'), failure: textArg('What failed, and how it showed.') }),
    },
    async (k, args, ctx) => text.learnFromFailure(await chain(k, args.scope, ctx), args.failure),
  );

  seam.prompt(
    'resolve_conflicts',
    {
      title: 'Resolve conflicting knowledge',
      description: "Find contradictory entries in a scope's chain and walk the user through resolving them.",
      argsSchema: z.object({ scope: scopeArg('The scope whose chain to review, "namespace:name".') }),
    },
    async (k, args, ctx) => {
      const links = await chain(k, args.scope, ctx);
      const entries = [];
      for (const link of links) {
        if (entries.length >= CONFLICT_SCAN_LIMIT) break;
        const page = await k.browse.knowledgePage({ limit: CONFLICT_SCAN_LIMIT - entries.length, scope: link.scope }, ctx);
        entries.push(...page.filter((e) => !e.suppressed));
      }
      return text.resolveConflicts(links, entries, CONFLICT_SCAN_LIMIT);
    },
  );

  seam.prompt(
    'setup_project',
    {
      title: 'Set up a project in Kaizen',
      description: 'Choose or create the namespace and scope for a project, and print the line for its agent instructions.',
      argsSchema: z.object({ project: textArg('The project: what it is, which organisation or product it belongs to, its stack.') }),
    },
    async (k, args, ctx) => text.setupProject(args.project, await k.browse.namespaceTree(ctx)),
  );

  seam.prompt(
    'optimize_entry',
    {
      title: 'Optimize an entry for retrieval',
      description: "Rewrite an entry's content and context so that get_task_context finds it for the right tasks.",
      argsSchema: z.object({
        id: completable(KnowledgeIdSchema.describe('The entry id.'), seam.completion('id', (k, value, ctx) => k.browse.completeKnowledgeId({ prefix: value }, ctx))),
      }),
    },
    async (k, args, ctx) => text.optimizeEntry(await k.browse.knowledge({ id: args.id }, ctx)),
  );
}
