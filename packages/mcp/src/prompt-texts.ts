/** The prompt texts: ours, short, and built from what the store holds. */
import type { ChainLink, KnowledgeListing, KnowledgeView, NamespaceTree } from '@kaizen/core';
import { scopeUri } from './uris.js';

const chainLines = (chain: ChainLink[]) =>
  chain.map((c) => `${'  '.repeat(Math.min(c.depth, 4))}- ${c.scope} (${c.entries} entries): ${c.description}`).join('\n');

const scopeHeader = (chain: ChainLink[]) => {
  const own = chain[0]!;
  return [
    `Kaizen scope: ${own.scope} — ${own.description}`,
    'get_task_context searches this scope and everything it inherits, nearest first:',
    chainLines(chain),
    `(Full view: ${scopeUri(own.scope)})`,
  ].join('\n');
};

const ENTRY_RULES = [
  '- One fact per entry: a convention, decision, gotcha or lesson. Split anything that says two things.',
  '- content stands alone: say what, where and why, so that an agent with no other context can apply it.',
  '- context lists the words a future agent would search for: topics, component and tool names, synonyms, abbreviations and spelling variants.',
  '- task_size only when the entry matters just for tasks of that size or larger (XS < S < M < L < XL); leave it out otherwise.',
  '- Put it in the most specific scope where it is true; a parent scope if it holds more widely.',
].join('\n');

export function startTask(task: string, chain: ChainLink[]): string {
  const scope = chain[0]!.scope;
  return `${scopeHeader(chain)}

Task: ${task}

Before writing code:
1. Split the task into 2-5 short, focused queries, one per aspect (component, technology, activity, risk).
2. Call get_task_context with those queries, scope "${scope}", and a task_size (XS-XL) that matches the task.
3. Apply what comes back. Where entries disagree, the nearer scope wins; mention any entry you think is outdated and fix it with update_knowledge once the user agrees.
4. When you finish, if you learned something lasting, propose it as an entry (write_knowledge) for the user to approve.`;
}

export function teach(chain: ChainLink[], topic?: string): string {
  const scope = chain[0]!.scope;
  return `${scopeHeader(chain)}

Let's run a teaching session${topic ? ` about: ${topic}` : ''}. I will explain how we work; turn it into Kaizen entries in "${scope}" (or a parent scope where it applies more widely).

For each thing I teach:
1. Call get_task_context on "${scope}" with 1-3 queries about it. If an entry already says it, improve that one with update_knowledge instead of adding a duplicate; if one contradicts it, ask me which is right, then resolve_knowledge_conflict.
2. Draft the entry and show it to me before writing:
${ENTRY_RULES}
3. Write it with write_knowledge and tell me its id.

Ask me questions when something is vague. Start by asking what I want to teach first${topic ? ` about ${topic}` : ''}.`;
}

export function learnFromFailure(chain: ChainLink[], failure: string): string {
  const scope = chain[0]!.scope;
  return `${scopeHeader(chain)}

Something failed: ${failure}

1. Find the root cause, not the symptom. Ask me for logs or details you need.
2. Call get_task_context on "${scope}" with queries about the failure: maybe guidance existed and was missed, was wrong, or is missing.
3. Propose one prevention rule as a Kaizen entry and wait for my approval:
${ENTRY_RULES}
4. Once I approve, write it (write_knowledge), or correct the existing entry (update_knowledge).
5. If older entries contradict the new rule, keep the new one with resolve_knowledge_conflict (active_id = the new entry) and tell me what was suppressed.`;
}

export function resolveConflicts(chain: ChainLink[], entries: KnowledgeListing[], limit: number): string {
  const listed = entries.length
    ? entries.map((k) => `- [${k.id}] (${k.scope}${k.taskSize ? `, ${k.taskSize}` : ''}) ${k.content.replace(/\s+/g, ' ')}`).join('\n')
    : '(no active entries in this chain)';
  const more = entries.length >= limit ? `\nOnly the first ${limit} active entries are listed; search the rest with get_task_context.` : '';
  return `${scopeHeader(chain)}

Active entries in this chain:
${listed}${more}

Find entries that contradict each other (different rules for the same thing, outdated versions, a child scope overriding a parent without saying so). Then, one conflict at a time:
1. Show me the entries side by side and say which you think is right and why.
2. When I choose, call resolve_knowledge_conflict with active_id = the one to keep and suppressed_ids = the others. If both are partly right, merge them with update_knowledge into one entry, then suppress the rest.
3. Continue until none are left, then summarise what changed.
If you find no contradictions, say so; don't invent any.`;
}

export function setupProject(project: string, tree: NamespaceTree): string {
  const known = tree.namespaces
    .map((ns) => `- ${ns.name}: ${ns.description}\n${ns.scopes.map((s) => `  - ${s.scope}: ${s.description}`).join('\n')}`)
    .join('\n');
  return `Set up Kaizen for this project: ${project}

Existing namespaces and scopes:
${known}

1. Pick the namespace of the organisation or product the project belongs to; if none fits, propose one (create_namespace; lowercase a-z, 0-9 and "-").
2. Pick or create the project's scope (create_scope, e.g. "acme:petshop-storefront"). Give it as parents the shared scopes whose knowledge should apply too (a platform, a language, a team).
3. Confirm the choice with me before creating anything.
4. Print the line to add to the project's agent instructions (CLAUDE.md, AGENTS.md, .cursorrules):
   kaizen scope: <namespace>:<scope>`;
}

export function optimizeEntry(entry: KnowledgeView): string {
  const status = entry.conflict.suppressed
    ? `suppressed${entry.conflict.suppressed_by ? ` by ${entry.conflict.suppressed_by}` : ''}`
    : 'active';
  return `Optimize this Kaizen entry for retrieval.

id: ${entry.id}
scope: ${entry.scope}
task_size: ${entry.task_size ?? 'none (every task)'}
status: ${status}${entry.conflict.suppresses.length ? `; suppresses ${entry.conflict.suppresses.join(', ')}` : ''}
content:
${entry.content}
context: ${entry.context}

Rewrite it:
${ENTRY_RULES}
If the content holds several facts, propose splitting it (update this entry, write the others).
Show me the new content and context; when I approve, call update_knowledge with id "${entry.id}".`;
}
