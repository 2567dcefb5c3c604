/** Markdown for the scope resource: what a client attaches to a conversation. */
import type { ScopeView } from '@kaizen/core';
import { knowledgeUri, scopeUri } from './uris.js';

const count = (entries: number, suppressed: number) =>
  suppressed ? `${entries} (${suppressed} suppressed)` : `${entries}`;

/** Keeps table cells on one line. */
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

export function scopeMarkdown(view: ScopeView): string {
  const lines = [
    `# Scope ${view.scope}`,
    '',
    view.description,
    '',
    `- Parents: ${view.parents.length ? view.parents.join(', ') : 'none (the root of every chain)'}`,
    `- Own entries: ${count(view.entries, view.suppressed)}`,
    '',
    '## Inheritance chain',
    '',
    'get_task_context on this scope searches these scopes, nearest first:',
    '',
    '| depth | scope | entries | description |',
    '|---|---|---|---|',
    ...view.chain.map((c) => `| ${c.depth} | [${c.scope}](${scopeUri(c.scope)}) | ${count(c.entries, c.suppressed)} | ${cell(c.description)} |`),
    '',
    '## Entries',
    '',
  ];
  if (view.knowledge.length === 0) lines.push('No entries in this scope yet (write_knowledge adds one).', '');
  for (const k of view.knowledge) {
    const tags = [k.taskSize ? `task size ${k.taskSize}` : 'any task size', ...(k.suppressed ? ['suppressed'] : [])];
    lines.push(`### ${k.id} (${tags.join(', ')})`, '', k.content, '', `Context: ${k.context}`, '', `Resource: ${knowledgeUri(k.id)}`, '');
  }
  if (view.truncated) {
    lines.push(`Only the first ${view.knowledge.length} entries are shown; list resources or use get_task_context for the rest.`, '');
  }
  return lines.join('\n');
}
