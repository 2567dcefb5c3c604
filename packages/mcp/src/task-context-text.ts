/**
 * The text block of a get_task_context result, written for a model to read: each entry once, grouped by
 * scope (nearest scope first, as by_scope orders them), best first, with its id and relevance.
 * structuredContent keeps the full JSON.
 */
import type { GetTaskContextOutput } from '@kaizen/domain';

export function taskContextText(output: GetTaskContextOutput): string {
  const { results, by_scope } = output;
  if (results.length === 0) return 'No team knowledge matches these queries in this scope or the scopes it inherits from.';
  const lines = [`${results.length} entr${results.length === 1 ? 'y' : 'ies'} of team knowledge, nearest scope first, best first within each scope:`];
  for (const scope of Object.keys(by_scope)) {
    const entries = results.filter((r) => r.scope === scope);
    if (entries.length === 0) continue;
    lines.push('', `## ${scope}`);
    for (const e of entries) {
      const tags = [`id ${e.id}`, `relevance ${e.relevance.toFixed(2)}`, ...(e.task_size ? [`for tasks up to ${e.task_size}`] : [])];
      lines.push(`- ${e.content.trim()} (${tags.join(', ')})`);
    }
  }
  return lines.join('\n');
}
