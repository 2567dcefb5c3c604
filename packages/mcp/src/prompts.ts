import { completable } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ChainLink, KaizenService } from '@kaizen/core';
import { KnowledgeIdSchema, PromptTextSchema, QualifiedScopeSchema } from '@kaizen/domain';
import type { OperationSeam } from './seam.js';
import * as text from './prompt-texts.js';

export const PROMPT_NAMES = ['start_task', 'teach', 'learn_from_failure', 'resolve_conflicts', 'setup_project', 'optimize_entry'] as const;

/** Entries of the chain embedded in resolve_conflicts; beyond that the agent searches with get_task_context. */
export const CONFLICT_SCAN_LIMIT = 60;

export function registerPrompts(seam: OperationSeam): void {
  // completable() marks the schema object itself, so every server gets fresh copies (describe() clones).
  const scopeArg = (description: string) =>
    completable(QualifiedScopeSchema.describe(description), seam.completion('scope', (k, value) => k.browse.completeScope(value)));
  const textArg = (description: string) => PromptTextSchema.describe(description);
  const chain = (k: KaizenService, scope: string): Promise<ChainLink[]> => k.browse.scopeChain(scope);

  seam.prompt(
    'start_task',
    {
      title: 'Start a task with team knowledge',
      description: 'Plan focused queries, fetch the team knowledge that applies (get_task_context) and apply it.',
      argsSchema: z.object({ task: textArg('What you are about to do.'), scope: scopeArg('The project scope, "namespace:name".') }),
    },
    async (k, args) => text.startTask(args.task, await chain(k, args.scope)),
  );

  seam.prompt(
    'teach',
    {
      title: 'Teach Kaizen',
      description: 'A teaching session: turn what the user explains into well-formed entries, checking duplicates and conflicts first.',
      argsSchema: z.object({ scope: scopeArg('Where the knowledge applies, "namespace:name".'), topic: PromptTextSchema.optional().describe('What the session is about (optional).') }),
    },
    async (k, args) => text.teach(await chain(k, args.scope), args.topic),
  );

  seam.prompt(
    'learn_from_failure',
    {
      title: 'Learn from a failure',
      description: 'Find the root cause, propose a prevention rule for approval, store it and retire older guidance it contradicts.',
      argsSchema: z.object({ scope: scopeArg('Where the rule applies, "namespace:name".'), failure: textArg('What failed, and how it showed.') }),
    },
    async (k, args) => text.learnFromFailure(await chain(k, args.scope), args.failure),
  );

  seam.prompt(
    'resolve_conflicts',
    {
      title: 'Resolve conflicting knowledge',
      description: "Find contradictory entries in a scope's chain and walk the user through resolving them.",
      argsSchema: z.object({ scope: scopeArg('The scope whose chain to review, "namespace:name".') }),
    },
    async (k, args) => {
      const links = await chain(k, args.scope);
      const entries = [];
      for (const link of links) {
        if (entries.length >= CONFLICT_SCAN_LIMIT) break;
        const page = await k.browse.knowledgePage({ limit: CONFLICT_SCAN_LIMIT - entries.length, scope: link.scope });
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
    async (k, args) => text.setupProject(args.project, await k.browse.namespaceTree()),
  );

  seam.prompt(
    'optimize_entry',
    {
      title: 'Optimize an entry for retrieval',
      description: "Rewrite an entry's content and context so that get_task_context finds it for the right tasks.",
      argsSchema: z.object({
        id: completable(KnowledgeIdSchema.describe('The entry id.'), seam.completion('id', (k, value) => k.browse.completeKnowledgeId(value))),
      }),
    },
    async (k, args) => text.optimizeEntry(await k.browse.knowledge(args.id)),
  );
}
