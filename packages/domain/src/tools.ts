/**
 * One zod schema per tool input and output (the contract of TOOLS.md). The MCP layer, the core's
 * validation and the TypeScript types all derive from these; nothing else restates them.
 */
import { z } from 'zod';
import { DescriptionSchema, NameSchema, QualifiedScopeSchema } from './names.js';
import { ContentSchema, ContextSchema, KnowledgeIdSchema, TaskSizeSchema } from './knowledge.js';
import { safeText, strictInput, stringList } from './input.js';

// ---------- namespaces ----------
/**
 * The one-time token a destructive call's preview hands out, for clients that cannot ask their user
 * (elicitation): calling again with it confirms that exact call. The surface checks it; the core ignores it.
 */
export const ConfirmSchema = z
  .string()
  .max(512)
  .optional()
  .describe('Only when a previous call answered CONFIRMATION_REQUIRED: the confirm token it returned, after the user agreed.');

export const NamespaceStyleSchema = z.enum(['short', 'long', 'details'], {
  message: 'invalid style: use "short", "long" or "details"',
});

export const GetNamespacesInput = strictInput({
  namespace: NameSchema.optional().describe('Only this namespace (exact name).'),
  style: NamespaceStyleSchema.optional().describe(
  '"short" (default): names and descriptions; "long": plus scopes; "details": plus each scope\'s parents.',
  ),
});
const ScopeSummary = z.object({
  description: z.string(),
  parents: z.array(z.string()).optional(),
});
export const GetNamespacesOutput = z.object({
  namespaces: z.record(
  z.string(),
  z.object({ description: z.string(), scopes: z.record(z.string(), ScopeSummary).optional() }),
  ),
});

export const CreateNamespaceInput = strictInput({
  name: NameSchema.describe('Namespace name: an organisation or product, e.g. "acme".'),
  description: DescriptionSchema.describe('What this namespace holds knowledge about.'),
});
export const NamespaceOutput = z.object({
  name: z.string(),
  description: z.string(),
  scopes: z.record(z.string(), z.object({ description: z.string() })),
});
export const CreateNamespaceOutput = NamespaceOutput;

export const UpdateNamespaceInput = strictInput({
  name: NameSchema.describe('Current namespace name.'),
  new_name: NameSchema.optional().describe('New name; every scope and entry follows the rename.'),
  description: DescriptionSchema.optional().describe('New description.'),
  confirm: ConfirmSchema,
})
  .refine((v) => v.new_name !== undefined || v.description !== undefined, {
    message: 'nothing to update: pass new_name, description, or both',
    path: ['new_name'],
  });
export const UpdateNamespaceOutput = NamespaceOutput;

export const DeleteNamespaceInput = strictInput({ name: NameSchema.describe('Namespace to delete with all its scopes and entries.'), confirm: ConfirmSchema });
export const DeleteNamespaceOutput = z.object({
  name: z.string(),
  scopes_count: z.number().int(),
  knowledge_count: z.number().int(),
});

// ---------- scopes ----------
const ParentsSchema = stringList(QualifiedScopeSchema, '["acme:mobile"]')
  .max(32, { message: 'too many parents: a scope may name at most 32 parents' });

export const CreateScopeInput = strictInput({
  scope: QualifiedScopeSchema.describe('Qualified name "namespace:scope", e.g. "acme:mobile-payments".'),
  description: DescriptionSchema.describe('What the scope covers (a project, team, component).'),
  parents: ParentsSchema.optional().describe(
  'Extra parent scopes (qualified names, any namespace). The namespace default is always a parent.',
  ),
});
export const ScopeOutput = z.object({
  scope: z.string(),
  description: z.string(),
  parents: z.array(z.string()),
});
export const CreateScopeOutput = ScopeOutput;

export const UpdateScopeInput = strictInput({
  scope: QualifiedScopeSchema.describe('The scope to change.'),
  new_scope: QualifiedScopeSchema.optional().describe('New qualified name, in the same namespace.'),
  description: DescriptionSchema.optional(),
  parents: ParentsSchema.optional().describe('Replaces the parent list; "namespace:default" is kept.'),
  confirm: ConfirmSchema,
})
  .refine((v) => v.new_scope !== undefined || v.description !== undefined || v.parents !== undefined, {
    message: 'nothing to update: pass new_scope, description or parents',
    path: ['new_scope'],
  });
export const UpdateScopeOutput = ScopeOutput;

export const DeleteScopeInput = strictInput({ scope: QualifiedScopeSchema.describe('The scope to delete with its entries.'), confirm: ConfirmSchema });
export const DeleteScopeOutput = z.object({ scope: z.string(), knowledge_deleted: z.number().int() });

// ---------- knowledge ----------
export const WriteKnowledgeInput = strictInput({
  content: ContentSchema.describe(
  'One self-contained fact, convention, decision or lesson, understandable without other entries.',
  ),
  context: ContextSchema.describe(
  'Search terms a future agent would use: topics, components, tools, synonyms and variants (e.g. "postgres postgresql database migrations drizzle").',
  ),
  scope: QualifiedScopeSchema.describe('Where the entry applies, e.g. "acme:mobile-payments".'),
  task_size: TaskSizeSchema.optional().describe(
  'Largest task size this applies to (XS < S < M < L < XL): the entry is retrieved for tasks of this size or smaller. Omit when it applies to every task.',
  ),
});
export const KnowledgeRefOutput = z.object({ id: z.string(), scope: z.string() });
export const WriteKnowledgeOutput = KnowledgeRefOutput;

export const UpdateKnowledgeInput = strictInput({
  id: KnowledgeIdSchema,
  content: ContentSchema.optional(),
  context: ContextSchema.optional(),
  scope: QualifiedScopeSchema.optional().describe('Move the entry to another scope.'),
  task_size: TaskSizeSchema.nullable().optional().describe('New task size; null clears it.'),
})
  .refine(
    (v) =>
      v.content !== undefined || v.context !== undefined || v.scope !== undefined || v.task_size !== undefined,
    { message: 'nothing to update: pass content, context, scope or task_size', path: ['content'] },
  );
export const UpdateKnowledgeOutput = KnowledgeRefOutput;

export const DeleteKnowledgeInput = strictInput({ id: KnowledgeIdSchema, confirm: ConfirmSchema });
export const DeleteKnowledgeOutput = z.object({ id: z.string() });

export const ResolveConflictInput = strictInput({
  active_id: KnowledgeIdSchema.describe('The entry that stays (and is restored if it was suppressed).'),
  suppressed_ids: stringList(KnowledgeIdSchema, '["V1StGXR8Z5jd"]')
    .min(1, { message: 'suppressed_ids is empty: name at least one entry to suppress' })
    .max(100, { message: 'too many suppressed_ids: at most 100 per call' })
    .describe('Entries that contradict the active one; hidden from retrieval but kept.'),
})
  .refine((v) => !v.suppressed_ids.includes(v.active_id), {
    message: 'suppressed_ids contains active_id: an entry cannot suppress itself',
    path: ['suppressed_ids'],
  });
export const ResolveConflictOutput = z.object({ active_id: z.string(), suppressed_ids: z.array(z.string()) });

// ---------- retrieval ----------
export const GetTaskContextInput = strictInput({
  queries: stringList(
    safeText()
      .trim()
      .min(1, { message: 'a query is empty: each query is a few words about one aspect of the task' })
      .max(200, { message: 'a query is too long: keep each query to a few words (200 characters at most)' }),
    '["payment retries"]',
  )
    .min(1, { message: 'queries is empty: pass 1-10 short, focused queries' })
    .max(10, { message: 'too many queries: pass at most 10' })
    .describe('1-10 short focused queries, one per aspect of the task (e.g. ["payment retries", "kotlin coroutines"]).'),
  scope: QualifiedScopeSchema.describe('The scope of the project you work in; its ancestors are searched too.'),
  task_size: TaskSizeSchema.optional().describe('Size of the task (XS < S < M < L < XL); entries sized for smaller tasks only are left out, unsized entries always qualify.'),
  limit: z
    .number()
    .int()
    .min(1, { message: 'limit must be at least 1' })
    .max(50, { message: 'limit must be at most 50' })
    .optional()
    .describe('Maximum number of results (default 15, at most 50).'),
});
export const TaskContextResult = z.object({
  id: z.string(),
  scope: z.string(),
  content: z.string(),
  task_size: TaskSizeSchema.nullable(),
  relevance: z.number(),
});
export const GetTaskContextOutput = z.object({
  results: z.array(TaskContextResult),
  by_scope: z.record(z.string(), z.record(z.string(), z.string())),
});

export type GetNamespacesInput = z.infer<typeof GetNamespacesInput>;
export type GetNamespacesOutput = z.infer<typeof GetNamespacesOutput>;
export type CreateNamespaceInput = z.infer<typeof CreateNamespaceInput>;
export type NamespaceOutput = z.infer<typeof NamespaceOutput>;
export type UpdateNamespaceInput = z.infer<typeof UpdateNamespaceInput>;
export type DeleteNamespaceInput = z.infer<typeof DeleteNamespaceInput>;
export type DeleteNamespaceOutput = z.infer<typeof DeleteNamespaceOutput>;
export type CreateScopeInput = z.infer<typeof CreateScopeInput>;
export type ScopeOutput = z.infer<typeof ScopeOutput>;
export type UpdateScopeInput = z.infer<typeof UpdateScopeInput>;
export type DeleteScopeInput = z.infer<typeof DeleteScopeInput>;
export type DeleteScopeOutput = z.infer<typeof DeleteScopeOutput>;
export type WriteKnowledgeInput = z.infer<typeof WriteKnowledgeInput>;
export type KnowledgeRefOutput = z.infer<typeof KnowledgeRefOutput>;
export type UpdateKnowledgeInput = z.infer<typeof UpdateKnowledgeInput>;
export type DeleteKnowledgeInput = z.infer<typeof DeleteKnowledgeInput>;
export type DeleteKnowledgeOutput = z.infer<typeof DeleteKnowledgeOutput>;
export type ResolveConflictInput = z.infer<typeof ResolveConflictInput>;
export type ResolveConflictOutput = z.infer<typeof ResolveConflictOutput>;
export type GetTaskContextInput = z.infer<typeof GetTaskContextInput>;
export type TaskContextResult = z.infer<typeof TaskContextResult>;
export type GetTaskContextOutput = z.infer<typeof GetTaskContextOutput>;

/**
 * What a caller passes to each use case (`z.input`: before defaults and trimming), for compile-time
 * checks in apps that embed the core. The core still validates at run time with the schemas above.
 */
export type GetNamespacesRequest = z.input<typeof GetNamespacesInput>;
export type CreateNamespaceRequest = z.input<typeof CreateNamespaceInput>;
export type UpdateNamespaceRequest = z.input<typeof UpdateNamespaceInput>;
export type DeleteNamespaceRequest = z.input<typeof DeleteNamespaceInput>;
export type CreateScopeRequest = z.input<typeof CreateScopeInput>;
export type UpdateScopeRequest = z.input<typeof UpdateScopeInput>;
export type DeleteScopeRequest = z.input<typeof DeleteScopeInput>;
export type WriteKnowledgeRequest = z.input<typeof WriteKnowledgeInput>;
export type UpdateKnowledgeRequest = z.input<typeof UpdateKnowledgeInput>;
export type DeleteKnowledgeRequest = z.input<typeof DeleteKnowledgeInput>;
export type ResolveConflictRequest = z.input<typeof ResolveConflictInput>;
export type GetTaskContextRequest = z.input<typeof GetTaskContextInput>;
