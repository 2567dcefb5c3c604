/**
 * The twelve knowledge tools: names, agent-facing descriptions, schemas from @kaizen/domain, annotations,
 * and the core use case each one runs.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { CallContext, KaizenService } from '@kaizen/core';
import * as d from '@kaizen/domain';

/** OAuth scopes, hierarchical: kaizen:admin includes kaizen:write, which includes kaizen:read. */
export type RequiredScope = 'kaizen:read' | 'kaizen:write' | 'kaizen:admin';

const SCOPE_ORDER: RequiredScope[] = ['kaizen:read', 'kaizen:write', 'kaizen:admin'];

/** Whether granted scopes cover `needed`: each scope includes the ones before it in SCOPE_ORDER. */
export function scopeAllows(granted: readonly string[], needed: RequiredScope): boolean {
  const rank = SCOPE_ORDER.indexOf(needed);
  return granted.some((scope) => SCOPE_ORDER.indexOf(scope as RequiredScope) >= rank);
}

export interface ToolDefinition {
  name: string;
  /** The scope a caller's token needs: reads need read, changes write, renaming or deleting a namespace admin. */
  scope: RequiredScope;
  title: string;
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  output: z.ZodType<Record<string, unknown>>;
  annotations: ToolAnnotations;
  /** Runs the use case; the core validates `args` (agents send anything). */
  run: (kaizen: KaizenService, args: never, ctx: CallContext) => Promise<Record<string, unknown>>;
}

const readOnly: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const additive: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const idempotentEdit: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const destructive: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false };

export const TOOLS: ToolDefinition[] = [
  {
    name: 'get_task_context',
    scope: 'kaizen:read',
    title: 'Get task context',
    description:
      'Call this at the start of every task, before writing code. Returns the team knowledge (conventions, decisions, lessons) ' +
      'that applies to the task, searched over the scope and all the scopes it inherits from, best first. ' +
      'Split the task into 2-5 short, focused queries, one per aspect (technology, component, activity), e.g. for ' +
      '"add retry to the card payment API" use ["payment retries", "card api errors", "http client timeouts"]. ' +
      'Pass task_size to skip guidance meant only for larger tasks. Apply what you get; if something is outdated, fix it with update_knowledge.',
    input: d.GetTaskContextInput,
    output: d.GetTaskContextOutput,
    annotations: readOnly,
    run: (k, a, ctx) => k.getTaskContext(a, ctx),
  },
  {
    name: 'write_knowledge',
    scope: 'kaizen:write',
    title: 'Write knowledge',
    description:
      'Store one piece of lasting team knowledge: a convention, decision, gotcha or lesson learned. One fact per entry; ' +
      'content must make sense on its own (say what, where and why). context lists the search terms a future agent would ' +
      'type: topics, component names, tools, synonyms and spelling variants. Choose the most specific scope where it ' +
      'applies. Before writing, call get_task_context to check for a duplicate (then update it) or a contradiction ' +
      '(then resolve_knowledge_conflict).',
    input: d.WriteKnowledgeInput,
    output: d.WriteKnowledgeOutput,
    annotations: additive,
    run: (k, a, ctx) => k.writeKnowledge(a, ctx),
  },
  {
    name: 'update_knowledge',
    scope: 'kaizen:write',
    title: 'Update knowledge',
    description:
      'Correct or refine an entry by id: new content, context, scope (move it) or task_size (null clears it). ' +
      'The id stays the same. Prefer this to writing a near-duplicate.',
    input: d.UpdateKnowledgeInput,
    output: d.UpdateKnowledgeOutput,
    annotations: idempotentEdit,
    run: (k, a, ctx) => k.updateKnowledge(a, ctx),
  },
  {
    name: 'delete_knowledge',
    scope: 'kaizen:write',
    title: 'Delete knowledge',
    description:
      'Permanently delete an entry by id. Only for entries that are wrong or useless; to hide an entry that a newer one ' +
      'contradicts, use resolve_knowledge_conflict instead (it keeps the entry, restorable).',
    input: d.DeleteKnowledgeInput,
    output: d.DeleteKnowledgeOutput,
    annotations: destructive,
    run: (k, a, ctx) => k.deleteKnowledge(a, ctx),
  },
  {
    name: 'resolve_knowledge_conflict',
    scope: 'kaizen:write',
    title: 'Resolve knowledge conflict',
    description:
      'When entries contradict each other, keep one (active_id) and suppress the others (suppressed_ids): suppressed ' +
      'entries no longer appear in get_task_context but are kept. Naming a suppressed entry as active_id later restores it.',
    input: d.ResolveConflictInput,
    output: d.ResolveConflictOutput,
    annotations: idempotentEdit,
    run: (k, a, ctx) => k.resolveKnowledgeConflict(a, ctx),
  },
  {
    name: 'get_namespaces',
    scope: 'kaizen:read',
    title: 'List namespaces and scopes',
    description:
      'List namespaces (organisations or products). style "long" adds their scopes, "details" adds each scope\'s parents. ' +
      'Use it to find the scope of the project you work in, e.g. "acme:petshop-storefront".',
    input: d.GetNamespacesInput,
    output: d.GetNamespacesOutput,
    annotations: readOnly,
    run: (k, a, ctx) => k.getNamespaces(a, ctx),
  },
  {
    name: 'create_namespace',
    scope: 'kaizen:write',
    title: 'Create namespace',
    description: 'Create a namespace for an organisation or product. It comes with a "default" scope for knowledge that applies to all of it.',
    input: d.CreateNamespaceInput,
    output: d.CreateNamespaceOutput,
    annotations: additive,
    run: (k, a, ctx) => k.createNamespace(a, ctx),
  },
  {
    name: 'update_namespace',
    scope: 'kaizen:admin',
    title: 'Update namespace',
    description: 'Rename a namespace (every scope and entry follows) or change its description. "global" cannot be renamed.',
    input: d.UpdateNamespaceInput,
    output: d.UpdateNamespaceOutput,
    annotations: idempotentEdit,
    run: (k, a, ctx) => k.updateNamespace(a, ctx),
  },
  {
    name: 'delete_namespace',
    scope: 'kaizen:admin',
    title: 'Delete namespace',
    description: 'Permanently delete a namespace with all its scopes and entries, suppressed ones included. Returns what was deleted. "global" cannot be deleted.',
    input: d.DeleteNamespaceInput,
    output: d.DeleteNamespaceOutput,
    annotations: destructive,
    run: (k, a, ctx) => k.deleteNamespace(a, ctx),
  },
  {
    name: 'create_scope',
    scope: 'kaizen:write',
    title: 'Create scope',
    description:
      'Create a scope "namespace:name" for a project, team or component. It inherits from its namespace default and from ' +
      'any parents you name (other scopes, any namespace), so get_task_context there also finds their knowledge.',
    input: d.CreateScopeInput,
    output: d.CreateScopeOutput,
    annotations: additive,
    run: (k, a, ctx) => k.createScope(a, ctx),
  },
  {
    name: 'update_scope',
    scope: 'kaizen:write',
    title: 'Update scope',
    description:
      'Rename a scope within its namespace, change its description, or replace its parents (the namespace default is always kept). ' +
      'A parent list that would create a cycle is refused.',
    input: d.UpdateScopeInput,
    output: d.UpdateScopeOutput,
    annotations: idempotentEdit,
    run: (k, a, ctx) => k.updateScope(a, ctx),
  },
  {
    name: 'delete_scope',
    scope: 'kaizen:write',
    title: 'Delete scope',
    description: 'Permanently delete a scope and its entries. Scopes that inherited from it keep their other parents. Default scopes cannot be deleted.',
    input: d.DeleteScopeInput,
    output: d.DeleteScopeOutput,
    annotations: destructive,
    run: (k, a, ctx) => k.deleteScope(a, ctx),
  },
];
